/**
 * Privilege attacks (issue 8, items 1, 3 and 4) through the real API and MariaDB. Each attack
 * must fail twice over: by its answer (status and stable code), and by leaving the database as
 * it was. A positive control next to each shows the refusal is the rule, not a broken route.
 */
import { randomUUID } from 'node:crypto';
import { Role, User, UserRole } from '../../db/entities';
import { grantableCodes } from '../../activities/permission/catalog';
import { startApiEnv, tenantWithTokens, tokenFor, type ApiEnv } from '../harness/harness';

type T = Awaited<ReturnType<typeof tenantWithTokens>>;

describe('privilege attacks', () => {
  let env: ApiEnv;
  let t: T;
  const api = () => env.api;
  const em = () => env.rt.orm.em.fork();
  const rolesOf = async (userId: string) => {
    const links = await em().find(UserRole, { tenantId: t.tenantId, userId });
    return (await em().find(Role, { tenantId: t.tenantId, id: { $in: links.map((l) => l.roleId) } })).map((r) => r.code).sort();
  };
  const newUser = (username: string, roleIds: string[], extra: Record<string, unknown> = {}) => ({
    username,
    email: `${username}@example.test`,
    displayName: username,
    roleIds,
    ...extra,
  });
  /** A user holding one new role with exactly these permissions and this scope; returns ids and a token. */
  const userWithRole = async (name: string, permissions: string[], dataScope = 'all') => {
    const role = await api().post('/api/v1/roles', { code: `${name}_${randomUUID().slice(0, 6)}`, name, dataScope, permissions }, t.tokens.admin);
    expect(role.status).toBe(201);
    // Everyone made here sits in Platform (under Engineering), so department-relative scopes are that subtree.
    const user = await api().post('/api/v1/users', newUser(`${name}${randomUUID().slice(0, 6)}`, [role.body.id], { departmentId: t.departments.platform.id }), t.tokens.admin);
    expect(user.status).toBe(201);
    return { roleId: role.body.id as string, userId: user.body.id as string, token: await tokenFor(env.rt, { id: user.body.id, tenantId: t.tenantId }) };
  };

  beforeAll(async () => {
    env = await startApiEnv();
    t = await tenantWithTokens(env.rt);
  });
  afterAll(() => env?.close());

  describe('item 1: giving roles needs role:assign and every right of the role', () => {
    it('HR cannot create a tenant admin; nothing is written', async () => {
      const res = await api().post('/api/v1/users', newUser('mallory', [t.roles.tenant_admin.id]), t.tokens.harry);
      expect([res.status, res.body.code]).toEqual([403, 'permission_escalation']);
      expect(await em().count(User, { tenantId: t.tenantId, username: 'mallory' })).toBe(0);
    });

    it('HR cannot give a role holding a permission HR lacks (manager: approval:view-all)', async () => {
      const res = await api().post('/api/v1/users', newUser('mallory2', [t.roles.manager.id]), t.tokens.harry);
      expect([res.status, res.body.code]).toEqual([403, 'permission_escalation']);
      expect(await em().count(User, { tenantId: t.tenantId, username: 'mallory2' })).toBe(0);
    });

    it('control: HR may give a role within its own rights', async () => {
      const res = await api().post('/api/v1/users', newUser('nina', [t.roles.employee.id]), t.tokens.harry);
      expect(res.status).toBe(201);
      expect(await rolesOf(res.body.id)).toEqual(['employee']);
    });

    it('user:create without role:assign cannot give any role', async () => {
      const creator = await userWithRole('creator', ['user:create', 'user:read', 'department:read', 'position:read']);
      const res = await api().post('/api/v1/users', newUser('oscar', [t.roles.employee.id]), creator.token);
      expect([res.status, res.body.code]).toEqual([403, 'permission_denied']);
      expect(await em().count(User, { tenantId: t.tenantId, username: 'oscar' })).toBe(0);
      // Without roles the same account may still create users.
      expect((await api().post('/api/v1/users', newUser('oscar', []), creator.token)).status).toBe(201);
    });

    it('provisioning and onboarding check the requester at request time: no admin through the saga', async () => {
      const provision = await api().post('/api/v1/provisioning', newUser('pablo', [t.roles.tenant_admin.id]), t.tokens.harry);
      expect([provision.status, provision.body.code]).toEqual([403, 'permission_escalation']);
      const onboard = await api().post(
        '/api/v1/onboarding',
        { ...newUser('quinn', [t.roles.tenant_admin.id]), managerId: t.users.carol.id, startDate: new Date(Date.now() + 86_400_000).toISOString() },
        t.tokens.harry,
      );
      expect([onboard.status, onboard.body.code]).toEqual([403, 'permission_escalation']);
      expect(await em().count(User, { tenantId: t.tenantId, username: { $in: ['pablo', 'quinn'] } })).toBe(0);
    });

    it('role membership: HR cannot add anyone (itself included) to the admin role, by either route', async () => {
      const add = await api().post(`/api/v1/roles/${t.roles.tenant_admin.id}/users`, { userIds: [t.users.harry.id] }, t.tokens.harry);
      expect([add.status, add.body.code]).toEqual([403, 'permission_escalation']);
      const set = await api().put(`/api/v1/users/${t.users.alice.id}/roles`, { roleIds: [t.roles.employee.id, t.roles.tenant_admin.id] }, t.tokens.harry);
      expect([set.status, set.body.code]).toEqual([403, 'permission_escalation']);
      expect(await rolesOf(t.users.harry.id)).toEqual(['employee', 'hr']);
      expect(await rolesOf(t.users.alice.id)).toEqual(['employee']);
    });

    it('a role is given only within the giver\'s data scope (department-relative roles seen from the holder)', async () => {
      // A Platform-scoped assigner (department_tree) cannot give a department role to someone in Finance.
      const deptRole = await api().post('/api/v1/roles', { code: `dept_${randomUUID().slice(0, 6)}`, name: 'Dept', dataScope: 'department', permissions: ['user:read'] }, t.tokens.admin);
      const assigner = await userWithRole('assigner', ['role:assign', 'user:read'], 'department_tree');
      const far = await api().post(`/api/v1/roles/${deptRole.body.id}/users`, { userIds: [t.users.fiona.id] }, assigner.token);
      expect([far.status, far.body.code]).toEqual([403, 'scope_escalation']);
      expect(await em().count(UserRole, { tenantId: t.tenantId, roleId: deptRole.body.id })).toBe(0);
      const near = await api().post(`/api/v1/roles/${deptRole.body.id}/users`, { userIds: [t.users.alice.id] }, assigner.token);
      expect(near.status).toBe(200);
    });
  });

  describe('item 3: data scope is a privilege', () => {
    it('a department_tree role writer cannot create or widen a role to "all" or to departments outside their subtree', async () => {
      const writer = await userWithRole('writer', ['role:read', 'role:write', 'user:read'], 'department_tree');
      const all = await api().post('/api/v1/roles', { code: 'wide_all', name: 'Wide', dataScope: 'all', permissions: ['user:read'] }, writer.token);
      expect([all.status, all.body.code]).toEqual([403, 'scope_escalation']);
      const finance = await api().post('/api/v1/roles', { code: 'wide_fin', name: 'Wide', dataScope: 'custom', departmentIds: [t.departments.finance.id], permissions: [] }, writer.token);
      expect([finance.status, finance.body.code]).toEqual([403, 'scope_escalation']);
      expect(await em().count(Role, { tenantId: t.tenantId, code: { $in: ['wide_all', 'wide_fin'] } })).toBe(0);

      const own = await api().post('/api/v1/roles', { code: 'narrow', name: 'Narrow', dataScope: 'custom', departmentIds: [t.departments.platform.id], permissions: ['user:read'] }, writer.token);
      expect(own.status).toBe(201);
      const widen = await api().put(`/api/v1/roles/${own.body.id}`, { name: 'Narrow', dataScope: 'all', permissions: ['user:read'] }, writer.token);
      expect([widen.status, widen.body.code]).toEqual([403, 'scope_escalation']);
      const stored = await em().findOneOrFail(Role, { tenantId: t.tenantId, id: own.body.id });
      expect(stored.dataScope).toBe('custom');
    });
  });

  describe('item 4: administrators are protected', () => {
    it('a helpdesk account cannot disable, reset or delete an admin, nor take roles away', async () => {
      const helpdesk = await userWithRole('helpdesk', ['user:read', 'user:update', 'user:delete', 'user:reset-password', 'role:assign', 'department:read', 'position:read']);
      const before = await em().findOneOrFail(User, { tenantId: t.tenantId, id: t.users.admin.id });
      const attempts = [
        await api().post(`/api/v1/users/${t.users.admin.id}/disable`, {}, helpdesk.token),
        await api().post(`/api/v1/users/${t.users.admin.id}/reset-password`, { newPassword: 'Taken-over-password-42' }, helpdesk.token),
        await api().delete(`/api/v1/users/${t.users.admin.id}`, helpdesk.token),
        await api().put(`/api/v1/users/${t.users.admin.id}/roles`, { roleIds: [] }, helpdesk.token),
        await api().delete(`/api/v1/roles/${t.roles.tenant_admin.id}/users/${t.users.admin.id}`, helpdesk.token),
      ];
      expect(attempts.map((r) => [r.status, r.body.code])).toEqual(Array(5).fill([403, 'user_outranks_actor']));
      const after = await em().findOneOrFail(User, { tenantId: t.tenantId, id: t.users.admin.id });
      expect({ status: after.status, email: after.email, hash: after.passwordHash, deletedAt: after.deletedAt }).toEqual({
        status: before.status,
        email: before.email,
        hash: before.passwordHash,
        deletedAt: null,
      });
      expect(await rolesOf(t.users.admin.id)).toEqual(['tenant_admin']);
      // Control: the same account may act on a user within its rights.
      expect((await api().post(`/api/v1/users/${t.users.alice.id}/disable`, {}, helpdesk.token)).status).toBe(200);
      expect((await api().post(`/api/v1/users/${t.users.alice.id}/enable`, {}, helpdesk.token)).status).toBe(200);
    });

    it('the last active tenant admin cannot be disabled, deleted or demoted, even by an account holding every permission', async () => {
      // Every code a customer tenant can hold (the platform scope is not one of them).
      const everything = await userWithRole('superuser', grantableCodes('customer'));
      const attempts = [
        await api().post(`/api/v1/users/${t.users.admin.id}/disable`, {}, everything.token),
        await api().delete(`/api/v1/users/${t.users.admin.id}`, everything.token),
        await api().put(`/api/v1/users/${t.users.admin.id}/roles`, { roleIds: [] }, everything.token),
        await api().delete(`/api/v1/roles/${t.roles.tenant_admin.id}/users/${t.users.admin.id}`, everything.token),
      ];
      expect(attempts.map((r) => [r.status, r.body.code])).toEqual(Array(4).fill([409, 'last_tenant_admin']));
      const admin = await em().findOneOrFail(User, { tenantId: t.tenantId, id: t.users.admin.id });
      expect([admin.status, admin.deletedAt]).toEqual(['active', null]);
      expect(await rolesOf(t.users.admin.id)).toEqual(['tenant_admin']);
    });

    it('two admins demoting each other at once: exactly one succeeds, one admin remains', async () => {
      const second = await api().post('/api/v1/users', newUser(`admin2${randomUUID().slice(0, 4)}`, [t.roles.tenant_admin.id]), t.tokens.admin);
      expect(second.status).toBe(201);
      const secondToken = await tokenFor(env.rt, { id: second.body.id, tenantId: t.tenantId });
      const [a, b] = await Promise.all([
        api().put(`/api/v1/users/${second.body.id}/roles`, { roleIds: [] }, t.tokens.admin),
        api().put(`/api/v1/users/${t.users.admin.id}/roles`, { roleIds: [] }, secondToken),
      ]);
      expect([a.status, b.status].filter((s) => s === 200)).toHaveLength(1);
      // The loser was refused as the last admin, or (if the winner's change reached its permission check first) as no longer an admin.
      expect([a.status, b.status].filter((s) => s !== 200)[0]).toBeGreaterThanOrEqual(403);
      const holders = await em().count(UserRole, { tenantId: t.tenantId, roleId: t.roles.tenant_admin.id });
      expect(holders).toBe(1);
    });
  });
});
