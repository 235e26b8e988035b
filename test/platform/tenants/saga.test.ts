/**
 * The tenant onboarding saga on the real dev server: the happy path ends with a usable tenant
 * (its administrator activates the invitation and signs in); a failure injected at each step
 * is compensated, checked in the database and on the Temporal server.
 */
import { Menu, MailDelivery, Role, RolePermission, Tenant, TenantAdminInvitation, User, UserRole, ApprovalTemplate } from '../../../db/entities';
import { isPlatformPermission } from '../../../activities/permission/catalog';
import { TENANT_ONBOARDING_STEPS, type TenantOnboardingStep } from '../../../workflows/tenants/contract';
import { uniqueCode } from '../../harness/harness';
import { newId } from '../../../common/ids';
import { STRONG_PASSWORD, TENANTS, closedRun, createBody, scheduleState, startPlatformEnv, untilTenant, waitForToken, type PlatformEnv } from './helpers';

describe('tenant onboarding saga', () => {
  let env: PlatformEnv;
  beforeAll(async () => {
    env = await startPlatformEnv();
  });
  afterAll(async () => {
    await env?.close();
  });
  const em = () => env.rt.orm.em.fork();

  it('creates a usable tenant: roles, menus, templates, schedule, and an administrator who activates and signs in', async () => {
    const code = uniqueCode('acme-');
    const res = await env.api.post(TENANTS, createBody(code), env.operator.token);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ code, workflowId: `tenant-onboarding:${code}`, statusUrl: `${TENANTS}/${code}` });
    expect(res.headers.get('location')).toBe(`${TENANTS}/${code}`);
    // Idempotent on the code.
    const again = await env.api.post(TENANTS, createBody(code), env.operator.token);
    expect(again.status).toBe(202);
    expect(again.body.workflowId).toBe(res.body.workflowId);

    const done = await untilTenant(env, code, (v) => v.onboarding?.execution === 'completed');
    expect(done.status).toBe('active');
    expect(done.onboarding.progress).toMatchObject({ status: 'completed', stepsDone: [...TENANT_ONBOARDING_STEPS], compensations: [], error: null });
    const run = await closedRun(env, res.body.workflowId);
    expect(run).toMatchObject({ status: 'COMPLETED', sa: { status: 'completed', process: 'tenant-onboarding', tenant: code } });

    const tenant = await em().findOneOrFail(Tenant, { code });
    expect(tenant).toMatchObject({ kind: 'customer', timeZone: 'Europe/Paris' });
    const roles = await em().find(Role, { tenantId: tenant.id });
    expect(roles.map((r) => r.code)).toEqual(expect.arrayContaining(['tenant_admin', 'hr', 'manager', 'employee']));
    expect(await em().count(Menu, { tenantId: tenant.id })).toBeGreaterThan(5);
    expect(await em().count(ApprovalTemplate, { tenantId: tenant.id })).toBeGreaterThan(0);
    const grants = await em().find(RolePermission, { tenantId: tenant.id });
    expect(grants.filter((g) => isPlatformPermission(g.permissionCode))).toEqual([]);
    expect(await scheduleState(env, code)).toBe('active');

    // The administrator: no password until the invitation is used; then a normal sign-in.
    const admin = await em().findOneOrFail(User, { tenantId: tenant.id, username: 'boss' });
    expect(admin.passwordHash).toBeNull();
    const token = await waitForToken(env, `boss@${code}.example`);
    expect((await env.api.post('/api/v1/onboarding/activate', { token, password: 'short' })).status).toBe(422);
    const activated = await env.api.post('/api/v1/onboarding/activate', { token, password: STRONG_PASSWORD, profile: { phone: '+33 1 2345' } });
    expect(activated.status).toBe(200);
    expect(activated.body).toEqual({ activated: true, username: 'boss', tenant: code });
    expect((await env.api.post('/api/v1/onboarding/activate', { token, password: STRONG_PASSWORD })).status).toBe(404); // single use
    const login = await env.api.post('/api/v1/auth/login', { tenantCode: code, identifier: 'boss', password: STRONG_PASSWORD });
    expect(login.status).toBe(200);
    const users = await env.api.get('/api/v1/users', login.body.accessToken);
    expect(users.status).toBe(200);
    expect(users.body.items.map((u: { username: string }) => u.username)).toEqual(['boss']);
    // The new tenant's administrator is a customer: no platform scope.
    expect((await env.api.get(TENANTS, login.body.accessToken)).status).toBe(403);

    const listed = await env.api.get(`${TENANTS}?status=active&pageSize=100`, env.operator.token);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((t: { code: string }) => t.code)).toContain(code);
    expect(listed.body.items.map((t: { code: string }) => t.code)).not.toContain('platform');
  });

  it('refuses a taken or reserved code', async () => {
    const seeded = await em().findOneOrFail(Tenant, { code: 'platform' });
    expect(seeded.kind).toBe('platform');
    const reserved = await env.api.post(TENANTS, createBody('platform'), env.operator.token);
    expect(reserved.status).toBe(422);
    const other = uniqueCode('seed-');
    const e = em();
    e.create(Tenant, { id: newId(), code: other, name: 'Made by the seed' });
    await e.flush();
    const taken = await env.api.post(TENANTS, createBody(other), env.operator.token);
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('tenant_code_taken');
  });

  it.each([...TENANT_ONBOARDING_STEPS] as TenantOnboardingStep[])('compensates a failure at "%s" in reverse, in the database and on Temporal', async (step) => {
    const code = uniqueCode(`f${step.slice(0, 3)}-`);
    env.failAt.set(code, step);
    const res = await env.api.post(TENANTS, createBody(code), env.operator.token);
    expect(res.status).toBe(202);
    const run = await closedRun(env, res.body.workflowId);
    expect(run).toMatchObject({ status: 'FAILED', sa: { status: 'compensated', process: 'tenant-onboarding', tenant: code } });

    const index = TENANT_ONBOARDING_STEPS.indexOf(step);
    const tenant = await em().findOne(Tenant, { code });
    if (step === 'tenant') {
      expect(tenant).toBeNull();
      expect((await env.api.get(`${TENANTS}/${code}`, env.operator.token)).status).toBe(404);
    } else {
      expect(tenant!.status).toBe('failed');
      const view = await env.api.get(`${TENANTS}/${code}`, env.operator.token);
      expect(view.status).toBe(200);
      expect(view.body.onboarding.execution).toBe('failed');
      const p = view.body.onboarding.progress;
      expect(p.status).toBe('compensated');
      expect(p.currentStep).toBe(step);
      expect(p.error).toContain(`injected failure at ${step}`);
      // Newest first: the failed step's own undo (partial work), then the steps before it.
      // (`activate` has nothing to undo.)
      expect(p.compensations.map((c: { step: string }) => c.step)).toEqual(TENANT_ONBOARDING_STEPS.slice(0, Math.min(index + 1, 4)).reverse());
      expect(p.compensations.every((c: { status: string }) => c.status === 'done')).toBe(true);
      for (const entity of [Role, RolePermission, Menu, User, UserRole, TenantAdminInvitation, ApprovalTemplate]) {
        expect([entity.name, await em().count(entity as never, { tenantId: tenant!.id } as never)]).toEqual([entity.name, 0]);
      }
    }
    expect(await scheduleState(env, code)).toBe('missing');
    // Nothing can sign in to it.
    expect((await env.api.post('/api/v1/auth/login', { tenantCode: code, identifier: 'boss', password: STRONG_PASSWORD })).status).toBe(401);
  });

  it('runs again after a compensated failure, with a fresh invitation', async () => {
    const code = uniqueCode('retry-');
    env.failAt.set(code, 'schedule');
    const first = await env.api.post(TENANTS, createBody(code), env.operator.token);
    expect((await closedRun(env, first.body.workflowId)).status).toBe('FAILED');
    const firstMail = await waitForToken(env, `boss@${code}.example`);
    env.failAt.delete(code);
    const second = await env.api.post(TENANTS, createBody(code), env.operator.token);
    expect(second.status).toBe(202);
    const done = await untilTenant(env, code, (v) => v.onboarding?.execution === 'completed');
    expect(done.status).toBe('active');
    // The first invitation died with its run; the second one works.
    expect((await env.api.post('/api/v1/onboarding/activate', { token: firstMail, password: STRONG_PASSWORD })).status).toBe(404);
    const deadline = Date.now() + 20_000;
    let token = firstMail;
    while (token === firstMail && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      token = (await waitForToken(env, `boss@${code}.example`)) ?? firstMail;
    }
    expect((await env.api.post('/api/v1/onboarding/activate', { token, password: STRONG_PASSWORD })).status).toBe(200);
    expect(await em().count(MailDelivery, { dedupeKey: { $like: `tenant-onboarding:${code}:%` } })).toBe(2);
  });
});
