/** Audit log: what the middleware records, the listing with filters, the bounded buffer, retention. */
import { loadConfig } from '../../common/config';
import { AuditLog } from '../../db/entities';
import { createTestRuntime, uniqueCode, tenantWithTokens, useSuite, type TenantWithTokens } from '../harness/harness';
import { auditEntry as entry } from './helpers';

const suite = useSuite({ AUDIT_FLUSH_INTERVAL_MS: '50' });
const A = '/api/v1/audit-logs';


describe('audit log', () => {
  let t: TenantWithTokens;
  let other: TenantWithTokens;
  const audit = () => suite.rt.services.audit;

  beforeAll(async () => {
    t = await tenantWithTokens(suite.rt);
    other = await tenantWithTokens(suite.rt);
  });

  it('records state-changing calls with who, route template, target, result, request id and duration', async () => {
    const since = new Date().toISOString();
    const ok = await suite.api.request('PATCH', `/api/v1/users/${t.users.alice.id}`, {
      token: t.tokens.admin,
      body: { displayName: 'Alice A.' },
      headers: { 'x-request-id': 'audit-req-1' },
    });
    expect(ok.status).toBe(200);
    const bad = await suite.api.patch(`/api/v1/users/${t.users.alice.id}`, { displayName: '' }, t.tokens.admin);
    expect(bad.status).toBe(422);
    const foreign = await suite.api.delete(`/api/v1/users/${other.users.alice.id}`, t.tokens.admin);
    expect(foreign.status).toBe(404);
    const denied = await suite.api.post('/api/v1/departments', { name: 'X' }, t.tokens.alice);
    expect(denied.status).toBe(403);
    // Reads and unauthenticated calls are not audited.
    await suite.api.get(`/api/v1/users/${t.users.alice.id}`, t.tokens.admin);
    await suite.api.post('/api/v1/departments', { name: 'Y' });
    await audit().flush();

    const res = await suite.api.get(`${A}?from=${encodeURIComponent(since)}&pageSize=10`, t.tokens.admin);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(4);
    const [d, f, b, o] = res.body.items; // newest first
    expect(o).toMatchObject({
      userId: t.users.admin.id,
      via: 'access_token',
      apiKeyId: null,
      method: 'PATCH',
      action: 'PATCH /api/v1/users/:id',
      targetId: t.users.alice.id,
      params: { id: t.users.alice.id },
      status: 200,
      success: true,
      errorCode: null,
      requestId: 'audit-req-1',
    });
    expect(o.durationMs).toBeGreaterThanOrEqual(0);
    expect(o.ip).toMatch(/127\.0\.0\.1/);
    expect(b).toMatchObject({ status: 422, success: false, errorCode: 'validation_failed' });
    expect(f).toMatchObject({ action: 'DELETE /api/v1/users/:id', targetId: other.users.alice.id, status: 404, errorCode: 'user_not_found' });
    expect(d).toMatchObject({ userId: t.users.alice.id, action: 'POST /api/v1/departments', targetId: null, params: null, status: 403, errorCode: 'permission_denied' });
  });

  it('records API-key callers with their key id', async () => {
    const key = await suite.api.post('/api/v1/api-keys', { name: 'audit probe', scopes: ['user:update'] }, t.tokens.admin);
    expect(key.status).toBe(201);
    const res = await suite.api.request('POST', `/api/v1/users/${t.users.pete.id}/disable`, { token: `ApiKey ${key.body.key}` });
    expect(res.status).toBe(200);
    await audit().flush();
    const rows = await suite.api.get(`${A}?target=${t.users.pete.id}`, t.tokens.admin);
    expect(rows.body.items).toHaveLength(1);
    expect(rows.body.items[0]).toMatchObject({ via: 'api_key', apiKeyId: key.body.id, userId: t.users.admin.id, action: 'POST /api/v1/users/:id/disable' });
  });

  it('filters by user, action, target, result and time, and paginates', async () => {
    const q = async (query: string) => (await suite.api.get(`${A}?${query}`, t.tokens.admin)).body;
    expect((await q(`userId=${t.users.alice.id}`)).items.every((r: { userId: string }) => r.userId === t.users.alice.id)).toBe(true);
    expect((await q(`userId=${t.users.alice.id}`)).total).toBe(1);
    const byAction = await q('action=users/:id&pageSize=100');
    expect(byAction.items.length).toBeGreaterThanOrEqual(3);
    expect(byAction.items.every((r: { action: string }) => r.action.includes('users/:id'))).toBe(true);
    const failures = await q('result=failure&pageSize=100');
    expect(failures.items.every((r: { success: boolean; status: number }) => !r.success && r.status >= 400)).toBe(true);
    expect(failures.total).toBe(3);
    const successes = await q('result=success&pageSize=100');
    expect(successes.items.every((r: { success: boolean }) => r.success)).toBe(true);
    const all = await q('pageSize=100');
    expect(all.total).toBe(failures.total + successes.total);
    const page2 = await q('pageSize=2&page=2');
    expect(page2.items.map((r: { id: string }) => r.id)).toEqual(all.items.slice(2, 4).map((r: { id: string }) => r.id));
    expect((await q(`to=${encodeURIComponent('2000-01-01T00:00:00Z')}`)).total).toBe(0);
    expect((await suite.api.get(`${A}?from=yesterday`, t.tokens.admin)).status).toBe(422);
  });

  it('is for audit:read holders and shows only the own tenant', async () => {
    expect((await suite.api.get(A, t.tokens.harry)).status).toBe(403);
    expect((await suite.api.get(A, t.tokens.carol)).status).toBe(403);
    const theirs = await suite.api.get(`${A}?pageSize=100`, other.tokens.admin);
    expect(theirs.status).toBe(200);
    expect(theirs.body.total).toBe(0);
    const rows = await suite.rt.orm.em.fork().count(AuditLog, { tenantId: t.tenantId });
    expect(rows).toBeGreaterThan(0);
  });

  it('writes buffered entries on its own timer, without anyone flushing', async () => {
    const marker = uniqueCode('timer');
    audit().record(entry(t.tenantId, { requestId: marker }));
    for (let i = 0; i < 100 && !(await suite.rt.orm.em.fork().count(AuditLog, { requestId: marker })); i++) await new Promise((r) => setTimeout(r, 20));
    expect(await suite.rt.orm.em.fork().count(AuditLog, { requestId: marker })).toBe(1);
  });

  it('drops and counts entries beyond the buffer bound and batches the database refuses, and keeps going', async () => {
    const rt = await createTestRuntime({ AUDIT_BUFFER_LIMIT: '10', AUDIT_FLUSH_INTERVAL_MS: '60000' });
    try {
      const service = rt.services.audit;
      const tenantId = t.tenantId;
      const marker = uniqueCode('bound');
      for (let i = 0; i < 15; i++) service.record(entry(tenantId, { requestId: `${marker}-${i}` }));
      expect(service.pending).toBe(10);
      expect(service.dropped).toBe(5);
      await service.flush();
      expect(service.pending).toBe(0);
      expect(await rt.orm.em.fork().count(AuditLog, { requestId: { $like: `${marker}-%` } })).toBe(10);

      // A row the database rejects (method longer than its column) loses its batch, not the process.
      service.record(entry(tenantId, { method: 'X'.repeat(50), requestId: `${marker}-bad` }));
      await expect(service.flush()).resolves.toBeUndefined();
      expect(service.dropped).toBe(6);
      service.record(entry(tenantId, { requestId: `${marker}-after` }));
      await service.flush();
      expect(await rt.orm.em.fork().count(AuditLog, { requestId: `${marker}-after` })).toBe(1);
    } finally {
      await rt.close();
    }
  });

  it('purges entries older than the retention period, in every tenant', async () => {
    const now = new Date();
    const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
    const marker = uniqueCode('purge');
    audit().record(entry(t.tenantId, { requestId: `${marker}-old`, createdAt: daysAgo(40) }));
    audit().record(entry(other.tenantId, { requestId: `${marker}-old2`, createdAt: daysAgo(31) }));
    audit().record(entry(t.tenantId, { requestId: `${marker}-young`, createdAt: daysAgo(29) }));
    await audit().flush();
    const left = () => suite.rt.orm.em.fork().find(AuditLog, { requestId: { $like: `${marker}-%` } }, { orderBy: { requestId: 'asc' } });
    expect(await left()).toHaveLength(3);
    expect(await audit().purgeAuditLogsOlderThan(30, now)).toBeGreaterThanOrEqual(2);
    expect((await left()).map((r) => r.requestId)).toEqual([`${marker}-young`]);
    await expect(audit().purgeAuditLogsOlderThan(0)).rejects.toThrow(RangeError);
  });

  it('reads the retention period from AUDIT_RETENTION_DAYS', () => {
    expect(loadConfig({}).AUDIT_RETENTION_DAYS).toBe(180);
    expect(loadConfig({ AUDIT_RETENTION_DAYS: '7' }).AUDIT_RETENTION_DAYS).toBe(7);
    expect(() => loadConfig({ AUDIT_RETENTION_DAYS: '0' })).toThrow(/AUDIT_RETENTION_DAYS/);
  });
});
