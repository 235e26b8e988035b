/**
 * Durable audit of what changed (issue 8, item 16), against the real API, worker and MariaDB:
 *  - changes by signed-in callers, by public calls (login, refresh) and by workflows are all
 *    recorded, field by field, with secrets redacted;
 *  - the audit row is written in the same transaction as the change: a change that rolls back
 *    leaves no audit row (and an audit row never exists without its change);
 *  - the listing is paginated, tenant-scoped and needs audit:read.
 */
import { AuditChange, Todo, User } from '../../db/entities';
import { newId } from '../../common/ids';
import { DEMO } from '../../db/seed';
import { tenantWithTokens, useSuite, type TenantWithTokens } from '../harness/harness';
import { approval, publish, startRuntimeEnv, submit, until, type RuntimeEnv } from '../approval-runtime/helpers';

const CHANGES = '/api/v1/audit-logs/changes';

describe('audit of changes through the API', () => {
  const suite = useSuite();
  let t: TenantWithTokens;
  let other: TenantWithTokens;
  beforeAll(async () => {
    t = await tenantWithTokens(suite.rt);
    other = await tenantWithTokens(suite.rt);
  });
  const changesOf = (entityId: string) => suite.rt.orm.em.fork().find(AuditChange, { entityId }, { orderBy: { createdAt: 'asc', id: 'asc' } });

  it('a signed-in change: who, and each field before and after', async () => {
    const created = await suite.api.post('/api/v1/todos', { title: 'Draft the budget' }, t.tokens.alice);
    expect(created.status).toBe(201);
    const patched = await suite.api.patch(`/api/v1/todos/${created.body.id}`, { title: 'Send the budget' }, t.tokens.alice);
    expect(patched.status).toBe(200);

    const rows = await changesOf(created.body.id);
    expect(rows.map((r) => [r.entity, r.op, r.source, r.userId, r.tenantId])).toEqual([
      ['Todo', 'create', 'api', t.users.alice.id, t.tenantId],
      ['Todo', 'update', 'api', t.users.alice.id, t.tenantId],
    ]);
    expect(rows[0].changes.title).toEqual({ before: null, after: 'Draft the budget' });
    expect(rows[1].changes).toEqual({ title: { before: 'Draft the budget', after: 'Send the budget' } });
    expect(rows[0].requestId).toEqual(expect.any(String));
  });

  it('public calls (login, refresh) are audited too, and secrets never reach the audit', async () => {
    const login = await suite.api.post('/api/v1/auth/login', { tenantCode: t.tenantCode, identifier: 'fiona', password: DEMO.userPassword });
    expect(login.status).toBe(200);
    const refreshed = await suite.api.post('/api/v1/auth/refresh', { refreshToken: login.body.refreshToken });
    expect(refreshed.status).toBe(200);
    const rows = await suite.rt.orm.em.fork().find(AuditChange, { tenantId: t.tenantId, entity: 'RefreshToken', source: 'public' });
    // Login's token, and the refresh's new token, which names its parent (the rotated one).
    const created = rows.filter((r) => r.op === 'create');
    expect(created.length).toBeGreaterThanOrEqual(2);
    expect(created.some((r) => typeof r.changes.parentId?.after === 'string')).toBe(true);
    const text = JSON.stringify(rows);
    expect(text).not.toContain(login.body.refreshToken);
    expect(text).not.toContain(refreshed.body.refreshToken);

    const changed = await suite.api.request('POST', '/api/v1/me/password', { body: { currentPassword: DEMO.userPassword, newPassword: 'A-much-longer-pass-42' }, token: login.body.accessToken });
    expect(changed.status).toBeLessThan(300);
    const user = await suite.rt.orm.em.fork().findOneOrFail(User, t.users.fiona.id);
    const userRows = await changesOf(t.users.fiona.id);
    const update = userRows.find((r) => r.op === 'update' && Object.keys(r.changes).some((k) => /password/i.test(k)))!;
    expect(update).toBeDefined();
    for (const [field, change] of Object.entries(update.changes)) if (/password/i.test(field)) expect(change).toEqual({ before: '[redacted]', after: '[redacted]' });
    expect(JSON.stringify(userRows)).not.toContain((user as unknown as Record<string, string>).passwordHash.slice(0, 30));
  });

  it('a change that rolls back leaves no audit row: both are one transaction', async () => {
    const id = newId();
    await expect(
      suite.rt.orm.em.fork().transactional(async (tx) => {
        tx.create(Todo, { id, tenantId: t.tenantId, userId: t.users.alice.id, title: 'never happened' } as never);
        await tx.flush();
        throw new Error('abort after the flush');
      }),
    ).rejects.toThrow('abort after the flush');
    expect(await suite.rt.orm.em.fork().count(Todo, { id })).toBe(0);
    expect(await suite.rt.orm.em.fork().count(AuditChange, { entityId: id })).toBe(0);
  });

  it('the listing: paginated, needs audit:read, and shows only the caller\'s tenant', async () => {
    const created = await suite.api.post('/api/v1/todos', { title: 'Listed' }, t.tokens.alice);
    const mine = await suite.api.get(`${CHANGES}?entity=Todo&entityId=${created.body.id}&limit=1`, t.tokens.admin);
    expect(mine.status).toBe(200);
    expect(mine.body.total).toBe(1);
    expect(mine.body.items[0]).toMatchObject({ entity: 'Todo', entityId: created.body.id, op: 'create', source: 'api', userId: t.users.alice.id });

    const denied = await suite.api.get(`${CHANGES}?entityId=${created.body.id}`, t.tokens.alice);
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('permission_denied');

    const foreign = await suite.api.get(`${CHANGES}?entityId=${created.body.id}`, other.tokens.admin);
    expect(foreign.status).toBe(200);
    expect(foreign.body.total).toBe(0);
  });
});

describe('audit of changes made by workflows', () => {
  let env: RuntimeEnv;
  beforeAll(async () => {
    env = await startRuntimeEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('records the workflow and its activity as the source', async () => {
    const key = await publish(env, [approval('one', [env.id('pete')])]);
    const id = await submit(env, key);
    await until(env, id, (x) => x.tasks.some((task: any) => task.status === 'open'));
    // Pete is told by the workflow's notify activity: his in-app message and its ledger rows.
    const rowsOf = () => env.rt.orm.em.fork().find(AuditChange, { tenantId: env.t.tenantId, source: 'workflow', workflowId: { $like: `%${id}%` } });
    let rows = await rowsOf();
    for (let i = 0; i < 100 && !rows.some((r) => r.entity === 'InAppMessage'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      rows = await rowsOf();
    }
    expect(rows.map((r) => r.entity)).toEqual(expect.arrayContaining(['InAppMessage', 'NotificationDelivery', 'MailDelivery']));
    expect(rows.every((r) => r.userId === null)).toBe(true);
    // The read model is not audited: the workflow history and the request's timeline are its record.
    expect(rows.filter((r) => r.entity.startsWith('Approval'))).toEqual([]);
  });
});
