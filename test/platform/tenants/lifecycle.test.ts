/**
 * Suspend, resume and delete a tenant as a platform operator, and who may do it: suspension
 * refuses logins, tokens and API keys with `tenant_suspended` and pauses the schedules while
 * running workflows go on; deletion (only when suspended) removes every row of the tenant in a
 * batched workflow and reports what went. Platform operators cannot read customer data through
 * the tenant routes; customer tenants cannot get the platform scope (attack tests).
 */
import { Role, RolePermission, Tenant, User } from '../../../db/entities';
import { syncPermissionCatalog } from '../../../db/seed';
import { platformOperatorCodes } from '../../../activities/permission/catalog';
import { newId } from '../../../common/ids';
import { tenantScopedTables } from '../../../activities/platform/tables';
import { createTenant, DEMO, tokenFor, type TenantFixture } from '../../harness/harness';
import { TENANTS, closedRun, scheduleState, startPlatformEnv, type PlatformEnv } from './helpers';

describe('platform tenants: suspend, resume, delete, rights', () => {
  let env: PlatformEnv;
  let t: TenantFixture;
  let adminToken: string;
  beforeAll(async () => {
    env = await startPlatformEnv();
    t = await createTenant(env.rt);
    adminToken = await tokenFor(env.rt, t.users.admin);
    await env.rt.services.digestSchedules.ensure({ id: t.tenantId, code: t.tenantCode, timeZone: 'UTC' });
  });
  afterAll(async () => {
    await env?.close();
  });
  const em = () => env.rt.orm.em.fork();
  const op = () => env.operator.token;
  const login = (identifier = 'admin', password = DEMO.adminPassword) => env.api.post('/api/v1/auth/login', { tenantCode: t.tenantCode, identifier, password });

  it('suspends (logins, tokens, API keys refused; schedule paused; running workflows go on) and resumes', async () => {
    const key = await env.api.post('/api/v1/api-keys', { name: 'export', scopes: ['user:read'] }, adminToken);
    expect(key.status).toBe(201);
    const withKey = () => env.api.request('GET', '/api/v1/users', { token: `ApiKey ${key.body.key}` });
    expect((await withKey()).status).toBe(200);
    // A long-running process of the tenant: an employee onboarding waiting for its activation.
    const onboarding = await env.api.post(
      '/api/v1/onboarding',
      {
        username: 'newbie',
        email: 'newbie@example.test',
        displayName: 'New Bie',
        managerId: t.users.pete.id,
        startDate: new Date(Date.now() + 3_600_000).toISOString(),
      },
      await tokenFor(env.rt, t.users.harry),
    );
    expect(onboarding.status).toBe(202);

    const suspended = await env.api.post(`${TENANTS}/${t.tenantCode}/suspend`, undefined, op());
    expect(suspended.status).toBe(200);
    expect(suspended.body.status).toBe('suspended');
    const refused = await login();
    expect([refused.status, refused.body.code]).toEqual([403, 'tenant_suspended']);
    const token = await env.api.get('/api/v1/users', adminToken);
    expect([token.status, token.body.code]).toEqual([401, 'tenant_suspended']);
    const apiKey = await withKey();
    expect([apiKey.status, apiKey.body.code]).toEqual([401, 'tenant_suspended']);
    expect(await scheduleState(env, t.tenantCode)).toBe('paused');
    const running = await (await env.rt.temporal()).workflow.getHandle(onboarding.body.id).describe();
    expect(running.status.name).toBe('RUNNING');
    // Again: nothing changes.
    expect((await env.api.post(`${TENANTS}/${t.tenantCode}/suspend`, undefined, op())).status).toBe(200);

    const resumed = await env.api.post(`${TENANTS}/${t.tenantCode}/resume`, undefined, op());
    expect([resumed.status, resumed.body.status]).toEqual([200, 'active']);
    expect((await login()).status).toBe(200);
    expect((await env.api.get('/api/v1/users', adminToken)).status).toBe(200);
    expect((await withKey()).status).toBe(200);
    expect(await scheduleState(env, t.tenantCode)).toBe('active');
    await (await env.rt.temporal()).workflow.getHandle(onboarding.body.id).terminate('test over');
  });

  it('deletes only a suspended tenant, in batches, with a report of the rows removed per table', async () => {
    const victim = await createTenant(env.rt);
    await env.rt.services.digestSchedules.ensure({ id: victim.tenantId, code: victim.tenantCode, timeZone: 'UTC' });
    const early = await env.api.delete(`${TENANTS}/${victim.tenantCode}`, op());
    expect([early.status, early.body.code]).toEqual([409, 'tenant_state_invalid']);
    expect((await env.api.post(`${TENANTS}/${victim.tenantCode}/suspend`, undefined, op())).status).toBe(200);
    const userCount = await em().count(User, { tenantId: victim.tenantId });

    const started = await env.api.delete(`${TENANTS}/${victim.tenantCode}`, op());
    expect(started.status).toBe(202);
    expect(started.body).toEqual({ code: victim.tenantCode, workflowId: `tenant-deletion:${victim.tenantCode}`, statusUrl: `${TENANTS}/${victim.tenantCode}/deletion` });
    const run = await closedRun(env, started.body.workflowId);
    expect(run).toMatchObject({ status: 'COMPLETED', sa: { status: 'deleted', process: 'tenant-deletion', tenant: victim.tenantCode } });

    const report = await env.api.get(started.body.statusUrl, op());
    expect(report.status).toBe(200);
    expect(report.body.execution).toBe('completed');
    expect(report.body.report).toMatchObject({ code: victim.tenantCode, scheduleDeleted: true });
    expect(report.body.report.removed).toMatchObject({ users: userCount, tenants: 1 });
    expect(report.body.report.removed.roles).toBeGreaterThan(0);
    expect(report.body.report.total).toBe(Object.values(report.body.report.removed as Record<string, number>).reduce((a, b) => a + b, 0));
    for (const table of tenantScopedTables(env.rt.orm)) {
      expect([table.table, await em().count(table.entity as never, { tenantId: victim.tenantId } as never)]).toEqual([table.table, 0]);
    }
    expect(await em().findOne(Tenant, { id: victim.tenantId })).toBeNull();
    expect(await scheduleState(env, victim.tenantCode)).toBe('missing');
    expect((await env.api.get(`${TENANTS}/${victim.tenantCode}`, op())).status).toBe(404);
    // The other tenant is untouched.
    expect(await em().count(User, { tenantId: t.tenantId })).toBeGreaterThan(0);
  });

  it('lets only platform operators in, and operators only there', async () => {
    for (const [method, path] of [['GET', TENANTS], ['POST', TENANTS], ['GET', `${TENANTS}/${t.tenantCode}`], ['POST', `${TENANTS}/${t.tenantCode}/suspend`]] as const) {
      const res = await env.api.request(method, path, { token: adminToken, body: method === 'POST' ? {} : undefined });
      expect([path, res.status]).toEqual([path, 403]);
    }
    expect((await env.api.get(TENANTS)).status).toBe(401);
    const listed = await env.api.get(`${TENANTS}?pageSize=100`, op());
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((x: { code: string }) => x.code)).toContain(t.tenantCode);
    // The platform tenant is not a customer: not listed, not readable, not suspendable.
    expect((await env.api.get(`${TENANTS}/platform`, op())).status).toBe(404);
    expect((await env.api.post(`${TENANTS}/platform/suspend`, undefined, op())).status).toBe(404);
    // An operator reads no customer data through the tenant routes: their tenant is the platform.
    expect((await env.api.get('/api/v1/users', op())).status).toBe(403);
    expect((await env.api.get(`/api/v1/users/${t.users.alice.id}`, op())).status).toBe(403);
    // Operators sign in like everyone, with the tenant code `platform`.
    const opLogin = await env.api.post('/api/v1/auth/login', { tenantCode: 'platform', identifier: DEMO.operatorUsername, password: DEMO.operatorPassword });
    expect(opLogin.status).toBe(200);
    expect((await env.api.get(TENANTS, opLogin.body.accessToken)).status).toBe(200);
  });

  it('never gives a customer tenant the platform scope (attack: role write, role assign, a planted grant, the catalogue sync)', async () => {
    const bad = await env.api.post('/api/v1/roles', { code: 'sneaky', name: 'Sneaky', dataScope: 'self', permissions: ['user:read', 'platform:tenant:read'] }, adminToken);
    expect([bad.status, bad.body.code]).toEqual([422, 'validation_failed']);
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'body.permissions.1', code: 'unknown_permission' })]);
    expect(await em().count(Role, { tenantId: t.tenantId, code: 'sneaky' })).toBe(0);

    const adminRole = t.roles.tenant_admin;
    const current = (await env.api.get(`/api/v1/roles/${adminRole.id}`, adminToken)).body;
    const widened = await env.api.put(`/api/v1/roles/${adminRole.id}`, { name: current.name, dataScope: 'all', permissions: [...current.permissions, 'platform:tenant:write'] }, adminToken);
    expect(widened.status).toBe(422);
    // Renaming the administrator role still works: "every permission" means every one a customer may hold.
    expect((await env.api.put(`/api/v1/roles/${adminRole.id}`, { name: 'Admins', dataScope: 'all', permissions: current.permissions }, adminToken)).status).toBe(200);
    expect(current.permissions.filter((c: string) => c.startsWith('platform:'))).toEqual([]);
    const catalogue = await env.api.get('/api/v1/permissions?pageSize=100', adminToken);
    expect(catalogue.body.items.map((g: { module: string }) => g.module)).not.toContain('platform');

    // A grant planted in the database (a bad restore…) grants nothing, and the sync removes it.
    const role = await em().findOneOrFail(Role, { tenantId: t.tenantId, code: 'employee' });
    const e = em();
    e.create(RolePermission, { id: newId(), tenantId: t.tenantId, roleId: role.id, permissionCode: 'platform:tenant:read' });
    e.create(RolePermission, { id: newId(), tenantId: t.tenantId, roleId: adminRole.id, permissionCode: 'platform:tenant:write' });
    await e.flush();
    await env.rt.services.permissions.invalidateTenant(t.tenantId);
    const assign = await env.api.put(`/api/v1/users/${t.users.alice.id}/roles`, { roleIds: [role.id] }, adminToken);
    expect(assign.status).toBe(200);
    const alice = await tokenFor(env.rt, t.users.alice);
    expect((await env.api.get(TENANTS, alice)).status).toBe(403);
    expect((await env.api.get(TENANTS, adminToken)).status).toBe(403);
    expect(await env.rt.services.permissions.effectivePermissions(t.tenantId, t.users.admin.id)).not.toContain('platform:tenant:write');

    await syncPermissionCatalog(em());
    const left = await em().find(RolePermission, { tenantId: t.tenantId, permissionCode: { $like: 'platform:%' } });
    expect(left).toEqual([]);
    // The sync gives the platform scope to platform operators only.
    const operatorRole = await em().findOneOrFail(Role, { tenantId: env.operator.tenantId, code: 'platform_operator' });
    const held = (await em().find(RolePermission, { tenantId: env.operator.tenantId, roleId: operatorRole.id })).map((g) => g.permissionCode).sort();
    expect(held).toEqual(platformOperatorCodes().sort());
    expect(held).toEqual(expect.arrayContaining(['platform:package:write', 'platform:tenant:read', 'platform:tenant:write']));
  });
});
