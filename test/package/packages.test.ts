/**
 * Packages and quotas on the real services: each quota at its limit (the next write refused,
 * nothing written), races for the last places, tenant isolation, who may call the platform
 * routes, and a tenant admin's attempts to raise their own quota.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId } from '../../common/ids';
import { ApprovalInstance, ApprovalTemplate, Package, QuotaClaim, StoredFile, Tenant, User, UserRole } from '../../db/entities';
import { PERMISSIONS } from '../../activities/permission/catalog';
import { claimRunningApproval } from '../../activities/package/quotas';
import { seedPlatformTenant } from '../../db/seed';
import { createTenant, tenantWithTokens, tokenFor, uniqueCode, useSuite, type TenantWithTokens } from '../harness/harness';
import { createRole, newUserBody } from '../user/helpers';
import { baseTemplate, TEMPLATES } from '../approval/helpers';

const fileDir = mkdtempSync(join(tmpdir(), 'signoff-quota-files-'));
afterAll(() => rmSync(fileDir, { recursive: true, force: true }));
const suite = useSuite({ FILE_DIR: fileDir });

const PACKAGES = '/api/v1/platform/packages';
const assignPath = (code: string) => `/api/v1/platform/tenants/${code}/package`;
const usagePath = (code: string) => `/api/v1/platform/tenants/${code}/usage`;

/**
 * A platform operator: a user of the platform tenant (code `platform`, kind `platform`, seeded as
 * `npm start` does) whose role holds only the package permissions.
 */
async function platformOperator(): Promise<string> {
  const { rt } = suite;
  const em = rt.orm.em.fork();
  const { tenant } = await seedPlatformTenant(em, { scryptLogN: rt.config.SCRYPT_LOG_N });
  const username = uniqueCode('op');
  const user = em.create(User, { id: newId(), tenantId: tenant.id, username, email: `${username}@platform.test`, displayName: 'Operator' });
  await em.flush();
  await createRole(rt, tenant.id, { dataScope: 'all', permissions: [PERMISSIONS.platformPackageRead, PERMISSIONS.platformPackageWrite], userIds: [user.id] });
  return tokenFor(rt, user);
}

describe('packages and quotas', () => {
  let op: string;
  let t: TenantWithTokens;
  let other: TenantWithTokens;

  const createPackage = async (quotas: Record<string, number | null>) => {
    const code = uniqueCode('pkg');
    const res = await suite.api.post(PACKAGES, { code, name: `Package ${code}`, quotas }, op);
    expect(res.status).toBe(201);
    return code;
  };
  const assign = async (tenantCode: string, quotas: Record<string, number | null>) => {
    const res = await suite.api.put(assignPath(tenantCode), { packageCode: await createPackage(quotas) }, op);
    expect(res.status).toBe(200);
    return res.body;
  };
  const usage = async (w: TenantWithTokens) => (await suite.api.get('/api/v1/tenant/usage', w.tokens.admin)).body.quotas;

  beforeAll(async () => {
    op = await platformOperator();
    t = await tenantWithTokens(suite.rt);
    other = await tenantWithTokens(suite.rt);
  });

  it('gives every tenant the standard package; the tenant admin reads limits and usage', async () => {
    const res = await suite.api.get('/api/v1/tenant/usage', t.tokens.admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      tenant: { id: t.tenantId, code: t.tenantCode },
      package: { code: 'standard', name: 'Standard' },
      quotas: { users: { limit: 500, usage: 6 }, storageBytes: { limit: null, usage: 0 }, runningApprovals: { limit: null, usage: 0 } },
    });
    expect(res.body.quotas.templates.usage).toBe(await suite.rt.orm.em.fork().count(ApprovalTemplate, { tenantId: t.tenantId }));
    // No package limit: the platform default (0 turns the tier off: no limit).
    expect(res.body.quotas.apiRequestsPerMinute.limit).toBe(suite.rt.config.RATE_LIMIT_PER_TENANT || null);
    expect((await suite.api.get('/api/v1/tenant/usage', t.tokens.alice)).status).toBe(403);
  });

  it('lets a platform operator create, list (paginated), read and change packages', async () => {
    const code = uniqueCode('gold');
    const created = await suite.api.post(PACKAGES, { code, name: 'Gold', description: 'For big customers', quotas: { users: 50, storageBytes: 1_000_000 } }, op);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ code, name: 'Gold', quotas: { users: 50, templates: null, storageBytes: 1_000_000, apiRequestsPerMinute: null, runningApprovals: null }, tenantsCount: 0 });
    expect((await suite.api.post(PACKAGES, { code, name: 'Again' }, op)).body.code).toBe('package_code_taken');
    const bad = await suite.api.post(PACKAGES, { code: 'Bad Code', name: 'x', quotas: { users: -1, apiRequestsPerMinute: 0, unknown: 1 } }, op);
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.code', 'body.quotas', 'body.quotas.apiRequestsPerMinute', 'body.quotas.users']);

    const page = await suite.api.get(`${PACKAGES}?pageSize=1&q=${code}`, op);
    expect(page.body).toMatchObject({ total: 1, page: 1, pageSize: 1, items: [{ code }] });
    expect((await suite.api.get(`${PACKAGES}?pageSize=1000`, op)).status).toBe(422);
    expect((await suite.api.get(`${PACKAGES}/${code}`, op)).body.quotas.users).toBe(50);
    expect((await suite.api.get(`${PACKAGES}/nothing-here`, op)).body.code).toBe('package_not_found');

    const changed = await suite.api.patch(`${PACKAGES}/${code}`, { name: 'Gold+', quotas: { users: null, templates: 7 } }, op);
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: 'Gold+', quotas: { users: null, templates: 7, storageBytes: 1_000_000 } });
  });

  it('users: the N+1th is refused with the quota named; five at once for two places: exactly two', async () => {
    const w = await tenantWithTokens(suite.rt);
    await assign(w.tenantCode, { users: 8 });
    const racing = await Promise.all(Array.from({ length: 5 }, () => suite.api.post('/api/v1/users', newUserBody(), w.tokens.admin)));
    expect(racing.map((r) => r.status).sort()).toEqual([201, 201, 409, 409, 409]);
    for (const r of racing.filter((x) => x.status === 409)) expect(r.body).toMatchObject({ code: 'quota_exceeded', quota: 'users', limit: 8 });
    const em = suite.rt.orm.em.fork();
    expect(await em.count(User, { tenantId: w.tenantId, deletedAt: null })).toBe(8);

    const body = newUserBody();
    const over = await suite.api.post('/api/v1/users', body, w.tokens.admin);
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ code: 'quota_exceeded', quota: 'users', limit: 8, usage: 8 });
    expect(await em.count(User, { tenantId: w.tenantId, username: body.username })).toBe(0);
    // Provisioning and onboarding are refused up front too, before any workflow starts.
    const provisioned = await suite.api.post('/api/v1/provisioning', newUserBody(), w.tokens.admin);
    expect([provisioned.status, provisioned.body.code, provisioned.body.quota]).toEqual([409, 'quota_exceeded', 'users']);
    expect((await usage(w)).users).toEqual({ limit: 8, usage: 8 });
  });

  it('templates: the N+1th create is refused, nothing written', async () => {
    const w = await tenantWithTokens(suite.rt);
    const before = (await usage(w)).templates.usage;
    await assign(w.tenantCode, { templates: before + 1 });
    expect((await suite.api.post(TEMPLATES, baseTemplate(uniqueCode('k')), w.tokens.admin)).status).toBe(201);
    const key = uniqueCode('k');
    const over = await suite.api.post(TEMPLATES, baseTemplate(key), w.tokens.admin);
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ code: 'quota_exceeded', quota: 'templates', limit: before + 1, usage: before + 1 });
    expect(await suite.rt.orm.em.fork().count(ApprovalTemplate, { tenantId: w.tenantId, key })).toBe(0);
  });

  it('storage: an upload that would go over is refused and its bytes are not kept', async () => {
    const w = await tenantWithTokens(suite.rt);
    await assign(w.tenantCode, { storageBytes: 100 });
    const upload = async (text: string) => {
      const form = new FormData();
      form.append('files', new Blob([Buffer.from(text)], { type: 'text/plain' }), 'note.txt');
      const res = await fetch(`${suite.api.baseUrl}/api/v1/files`, { method: 'POST', headers: { authorization: `Bearer ${w.tokens.alice}` }, body: form });
      return { status: res.status, body: (await res.json()) as any };
    };
    expect((await upload('a'.repeat(60))).status).toBe(201);
    const over = await upload('b'.repeat(60));
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ code: 'quota_exceeded', quota: 'storageBytes', limit: 100, usage: 60 });
    expect(await suite.rt.orm.em.fork().count(StoredFile, { tenantId: w.tenantId })).toBe(1);
    expect((await upload('c'.repeat(40))).status).toBe(201);
    expect((await usage(w)).storageBytes).toEqual({ limit: 100, usage: 100 });
  });

  it('running approvals: a start holds its place until its row is written; the next one is refused', async () => {
    const w = await tenantWithTokens(suite.rt);
    await assign(w.tenantCode, { runningApprovals: 1 });
    const leave = { templateKey: 'leave', form: { leaveType: 'annual', period: { start: '2027-01-04', end: '2027-01-05' }, days: 2, reason: 'Family visit' } };
    const first = await suite.api.post('/api/v1/approvals', leave, w.tokens.alice);
    expect(first.status).toBe(202);
    const second = await suite.api.post('/api/v1/approvals', leave, w.tokens.alice);
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'quota_exceeded', quota: 'runningApprovals', limit: 1, usage: 1 });
    expect((await usage(w)).runningApprovals).toEqual({ limit: 1, usage: 1 });
  });

  it('running approvals: concurrent claims for two places, exactly two; finished requests free their place', async () => {
    const w = await createTenant(suite.rt);
    const em = suite.rt.orm.em.fork();
    const pkg = em.create(Package, { id: newId(), code: uniqueCode('pkg'), name: 'Two running', maxRunningApprovals: 3 });
    await em.flush();
    await em.nativeUpdate(Tenant, { id: w.tenantId }, { packageId: pkg.id });
    // One request already running (its row written by its workflow).
    const instance = (status: 'running' | 'approved') => ({
      id: newId(), tenantId: w.tenantId, workflowId: `approval:${w.tenantCode}:${newId()}`, templateId: newId(), templateKey: 'leave', templateVersion: 1, templateName: 'Leave',
      title: 'Leave', initiatorId: w.users.alice.id, status, form: {}, currentStepIds: [], currentAssigneeIds: [], round: 1, projectedSeq: 1, submittedAt: new Date(),
    });
    em.create(ApprovalInstance, instance('running'));
    em.create(ApprovalInstance, instance('approved'));
    await em.flush();
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => claimRunningApproval(suite.rt.orm.em, w.tenantId, newId())));
    expect(results.filter((r) => r.status === 'fulfilled').length).toBe(2);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(['quota_exceeded', 'quota_exceeded', 'quota_exceeded']);
    expect(await em.count(QuotaClaim, { tenantId: w.tenantId })).toBe(2);
  });

  it('api requests per minute: the package sets the tenant tier, other tenants keep theirs', async () => {
    const w = await tenantWithTokens(suite.rt);
    await assign(w.tenantCode, { apiRequestsPerMinute: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await suite.api.get('/api/v1/me', w.tokens.alice)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await suite.api.get('/api/v1/me', w.tokens.carol);
    expect([refused.status, refused.body.code]).toEqual([429, 'rate_limited']);
    // Another tenant's people are not counted against it.
    expect((await suite.api.get('/api/v1/me', other.tokens.alice)).status).toBe(200);
    // The platform sees the limit and the requests counted in the current window.
    const seen = await suite.api.get(usagePath(w.tenantCode), op);
    expect(seen.body.quotas.apiRequestsPerMinute).toMatchObject({ limit: 3 });
    expect(seen.body.quotas.apiRequestsPerMinute.usage).toBeGreaterThanOrEqual(3);
  });

  it("refuses a package (assign or change) below a tenant's usage, naming the quota", async () => {
    const w = await tenantWithTokens(suite.rt);
    const small = await createPackage({ users: 5 });
    const res = await suite.api.put(assignPath(w.tenantCode), { packageCode: small }, op);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'quota_below_usage', quota: 'users', limit: 5, usage: 6 });
    expect((await usage(w)).users.limit).toBe(500);
    expect((await suite.api.put(assignPath(w.tenantCode), { packageCode: 'no-such-package' }, op)).body.errors[0].path).toBe('body.packageCode');
    expect((await suite.api.put(assignPath('no-such-tenant'), { packageCode: small }, op)).body.code).toBe('tenant_not_found');

    const code = await createPackage({ users: 10 });
    expect((await suite.api.put(assignPath(w.tenantCode), { packageCode: code }, op)).status).toBe(200);
    const lower = await suite.api.patch(`${PACKAGES}/${code}`, { quotas: { users: 4 } }, op);
    expect(lower.status).toBe(409);
    expect(lower.body).toMatchObject({ code: 'quota_below_usage', tenant: w.tenantCode, quota: 'users', limit: 4, usage: 6 });
    expect((await suite.api.get(`${PACKAGES}/${code}`, op)).body).toMatchObject({ quotas: { users: 10 }, tenantsCount: 1 });
  });

  it("keeps tenants apart: one tenant's writes never show in another's usage", async () => {
    const before = await usage(other);
    const w = await tenantWithTokens(suite.rt);
    await assign(w.tenantCode, { users: 100 });
    expect((await suite.api.post('/api/v1/users', newUserBody(), w.tokens.admin)).status).toBe(201);
    expect((await suite.api.post(TEMPLATES, baseTemplate(uniqueCode('k')), w.tokens.admin)).status).toBe(201);
    const after = await usage(other);
    expect({ ...after, apiRequestsPerMinute: null }).toEqual({ ...before, apiRequestsPerMinute: null });
    expect((await suite.api.get(usagePath(other.tenantCode), op)).body.tenant.code).toBe(other.tenantCode);
  });

  it('refuses every platform route to a customer tenant admin (403)', async () => {
    const calls: [string, string, unknown?][] = [
      ['GET', PACKAGES],
      ['POST', PACKAGES, { code: uniqueCode('x'), name: 'Mine' }],
      ['GET', `${PACKAGES}/standard`],
      ['PATCH', `${PACKAGES}/standard`, { quotas: { users: 1_000_000 } }],
      ['PUT', assignPath(t.tenantCode), { packageCode: 'standard' }],
      ['GET', usagePath(other.tenantCode)],
    ];
    for (const [method, path, body] of calls) {
      const res = await suite.api.request(method, path, { token: t.tokens.admin, body });
      expect([`${method} ${path}`, res.status, res.body.code]).toEqual([`${method} ${path}`, 403, 'permission_denied']);
    }
    expect((await suite.api.get(`${PACKAGES}/standard`, op)).body.quotas.users).toBe(500);
  });

  it('attack: a tenant admin cannot raise their own quota by any route', async () => {
    const w = await tenantWithTokens(suite.rt);
    await assign(w.tenantCode, { users: 7 });
    // PATCH /tenant with a quota: a clear 422, nothing saved.
    const patched = await suite.api.patch('/api/v1/tenant', { userQuota: 1000, name: 'Raised' }, w.tokens.admin);
    expect(patched.status).toBe(422);
    expect(patched.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.userQuota']);
    // A role holding the platform codes: a customer tenant's catalogue has no such code.
    const role = await suite.api.post('/api/v1/roles', { code: uniqueCode('r'), name: 'Platform', dataScope: 'all', permissions: [PERMISSIONS.platformPackageWrite] }, w.tokens.admin);
    expect([role.status, role.body.errors?.[0]?.code]).toEqual([422, 'unknown_permission']);
    // The built-in administrator role does not hold them either.
    const adminRole = await suite.rt.orm.em.fork().findOneOrFail(UserRole, { tenantId: w.tenantId, userId: w.users.admin.id });
    expect(adminRole).toBeTruthy();
    const me = await suite.api.get('/api/v1/me', w.tokens.admin);
    expect(JSON.stringify(me.body)).not.toContain('platform:package');
    // Their own tenant's package through the platform routes: refused.
    expect((await suite.api.put(assignPath(w.tenantCode), { packageCode: 'standard' }, w.tokens.admin)).status).toBe(403);
    const after = await suite.api.get('/api/v1/tenant/usage', w.tokens.admin);
    expect(after.body).toMatchObject({ quotas: { users: { limit: 7 } } });
    expect(after.body.package.code).not.toBe('standard');
    expect((await suite.api.get('/api/v1/tenant', w.tokens.admin)).body).toMatchObject({ userQuota: 7, name: expect.not.stringMatching('Raised') });
  });
});
