/** Role CRUD, validation with exact paths, deletion rules, assignments and the guard rules, over HTTP. */
import { randomUUID } from 'node:crypto';
import { tokenFor, createTenant, startApiEnv, tenantWithTokens, type ApiEnv } from '../harness/harness';

type T = Awaited<ReturnType<typeof tenantWithTokens>>;

describe('roles API', () => {
  let env: ApiEnv;
  let t: T;
  const api = () => env.api;

  /** Create a role as the tenant admin and return its id. */
  const makeRole = async (body: Record<string, unknown>) => {
    const res = await api().post('/api/v1/roles', { name: 'Some role', dataScope: 'self', permissions: [], ...body }, t.tokens.admin);
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const rolesOfUser = async (userId: string) =>
    (await env.rt.orm.em.fork().getConnection().execute('select r.code from user_roles ur join roles r on r.id = ur.role_id where ur.user_id = ? order by r.code', [userId])).map(
      (r: { code: string }) => r.code,
    );

  beforeAll(async () => {
    env = await startApiEnv();
    t = await tenantWithTokens(env.rt);
  });
  afterAll(() => env.close());

  describe('permission catalogue', () => {
    it('lists the catalogue grouped by module for role:read holders', async () => {
      const res = await api().get('/api/v1/permissions', t.tokens.harry);
      expect(res.status).toBe(200);
      expect(res.body.items.map((g: { module: string }) => g.module)).toEqual(['approval', 'auth', 'permission', 'support', 'system', 'user']);
      const permission = res.body.items.find((g: { module: string }) => g.module === 'permission');
      expect(permission.permissions.map((p: { code: string }) => p.code)).toEqual(['menu:read', 'menu:write', 'role:assign', 'role:read', 'role:write']);
      expect(res.body).toMatchObject({ page: 1, pageSize: 20, total: 6 });
      const page2 = await api().get('/api/v1/permissions?pageSize=2&page=2', t.tokens.harry);
      expect(page2.body.items.map((g: { module: string }) => g.module)).toEqual(['permission', 'support']);
    });

    it('refuses callers without role:read', async () => {
      const res = await api().get('/api/v1/permissions', t.tokens.alice);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('permission_denied');
    });
  });

  describe('create, read, list', () => {
    it('creates a role and returns it with sorted, de-duplicated permission codes', async () => {
      const res = await api().post(
        '/api/v1/roles',
        { code: 'auditor', name: 'Auditor', description: 'Reads things', dataScope: 'department_tree', permissions: ['user:read', 'department:read', 'user:read'] },
        t.tokens.admin,
      );
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        code: 'auditor',
        name: 'Auditor',
        description: 'Reads things',
        dataScope: 'department_tree',
        builtin: false,
        permissions: ['department:read', 'user:read'],
        departmentIds: [],
      });
      const got = await api().get(`/api/v1/roles/${res.body.id}`, t.tokens.admin);
      expect(got.status).toBe(200);
      expect(got.body).toEqual(res.body);
    });

    it('stores the departments of a custom scope', async () => {
      const { eng, finance } = t.departments;
      const res = await api().post(
        '/api/v1/roles',
        { code: 'custom_viewer', name: 'Custom viewer', dataScope: 'custom', permissions: ['user:read'], departmentIds: [eng.id, finance.id] },
        t.tokens.admin,
      );
      expect(res.status).toBe(201);
      expect(res.body.departmentIds).toEqual([eng.id, finance.id].sort());
    });

    it('lists roles paginated and filtered by q (code or name)', async () => {
      const all = await api().get('/api/v1/roles?pageSize=2', t.tokens.admin);
      expect(all.status).toBe(200);
      expect(all.body.items).toHaveLength(2);
      expect(all.body.total).toBeGreaterThanOrEqual(6);
      expect(all.body.items.map((r: { code: string }) => r.code)).toEqual(['auditor', 'custom_viewer']);
      const byName = await api().get('/api/v1/roles?q=administrator', t.tokens.admin);
      expect(byName.body.items.map((r: { code: string }) => r.code)).toEqual(['tenant_admin']);
      const byCode = await api().get('/api/v1/roles?q=employ', t.tokens.admin);
      expect(byCode.body).toMatchObject({ total: 1, items: [{ code: 'employee', builtin: true }] });
      // Case-insensitive; `%` and `_` typed by the caller are plain characters; blank = no filter.
      expect((await api().get('/api/v1/roles?q=EMPLOY', t.tokens.admin)).body.total).toBe(1);
      expect((await api().get(`/api/v1/roles?q=${encodeURIComponent('%')}`, t.tokens.admin)).body.total).toBe(0);
      const underscored = (await api().get('/api/v1/roles?q=_&pageSize=100', t.tokens.admin)).body.items as { code: string; name: string }[];
      expect(underscored.map((r) => r.code)).toEqual(expect.arrayContaining(['custom_viewer', 'tenant_admin']));
      expect(underscored.every((r) => `${r.code} ${r.name}`.includes('_'))).toBe(true);
      expect((await api().get('/api/v1/roles?q=%20', t.tokens.admin)).body.total).toBe(all.body.total);
    });

    it('reports every unknown permission code by its index and a missing custom department list, writing nothing', async () => {
      const res = await api().post(
        '/api/v1/roles',
        { code: 'broken', name: 'Broken', dataScope: 'custom', permissions: ['user:read', 'nope:nothing', 'role:read', 'user:fly'] },
        t.tokens.admin,
      );
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: { path: string; code: string }) => [e.path, e.code])).toEqual([
        ['body.permissions.1', 'unknown_permission'],
        ['body.permissions.3', 'unknown_permission'],
        ['body.departmentIds', 'required'],
      ]);
      expect((await api().get('/api/v1/roles?q=broken', t.tokens.admin)).body.total).toBe(0);
    });

    it('refuses departments for a non-custom scope and unknown or foreign departments for a custom one', async () => {
      const notCustom = await api().post(
        '/api/v1/roles',
        { code: 'x1', name: 'X', dataScope: 'all', permissions: [], departmentIds: [t.departments.eng.id] },
        t.tokens.admin,
      );
      expect(notCustom.status).toBe(422);
      expect(notCustom.body.errors).toEqual([expect.objectContaining({ path: 'body.departmentIds', code: 'not_allowed' })]);

      const other = await createTenant(env.rt);
      const foreign = await api().post(
        '/api/v1/roles',
        { code: 'x2', name: 'X', dataScope: 'custom', permissions: [], departmentIds: [t.departments.hr.id, other.departments.hr.id, randomUUID()] },
        t.tokens.admin,
      );
      expect(foreign.status).toBe(422);
      expect(foreign.body.errors.map((e: { path: string; code: string }) => [e.path, e.code])).toEqual([
        ['body.departmentIds.1', 'not_found'],
        ['body.departmentIds.2', 'not_found'],
      ]);
    });

    it('validates the shape of the body with request paths', async () => {
      const res = await api().post('/api/v1/roles', { code: 'Bad Code', name: '', dataScope: 'everyone', permissions: 'user:read' }, t.tokens.admin);
      expect(res.status).toBe(422);
      expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.code', 'body.dataScope', 'body.name', 'body.permissions']);
    });

    it('refuses a duplicate code with 409 role_code_taken', async () => {
      const res = await api().post('/api/v1/roles', { code: 'hr', name: 'Second HR', dataScope: 'all', permissions: [] }, t.tokens.admin);
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('role_code_taken');
    });

    it('answers 404 for an unknown role id and 422 for a malformed one', async () => {
      expect((await api().get(`/api/v1/roles/${randomUUID()}`, t.tokens.admin)).body.code).toBe('role_not_found');
      const bad = await api().get('/api/v1/roles/not-a-uuid', t.tokens.admin);
      expect(bad.status).toBe(422);
      expect(bad.body.errors[0].path).toBe('params.id');
    });
  });

  describe('update', () => {
    it('replaces the permission set and departments atomically and keeps the code', async () => {
      const { eng, hr, finance } = t.departments;
      const id = await makeRole({ code: 'switcher', dataScope: 'custom', permissions: ['user:read', 'department:read'], departmentIds: [eng.id, hr.id] });
      const res = await api().put(
        `/api/v1/roles/${id}`,
        { code: 'renamed', name: 'Switcher 2', dataScope: 'custom', permissions: ['position:read', 'user:read'], departmentIds: [finance.id, eng.id] },
        t.tokens.admin,
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        code: 'switcher',
        name: 'Switcher 2',
        description: null,
        permissions: ['position:read', 'user:read'],
        departmentIds: [eng.id, finance.id].sort(),
      });

      const toAll = await api().put(`/api/v1/roles/${id}`, { name: 'Switcher 3', dataScope: 'all', permissions: [] }, t.tokens.admin);
      expect(toAll.status).toBe(200);
      expect(toAll.body).toMatchObject({ dataScope: 'all', permissions: [], departmentIds: [] });
      const [{ n }] = await env.rt.orm.em.fork().getConnection().execute('select count(*) as n from role_departments where role_id = ?', [id]);
      expect(Number(n)).toBe(0);
    });

    it('is never half-applied: an unknown code leaves the role as it was', async () => {
      const id = await makeRole({ code: 'stable', permissions: ['user:read'] });
      const res = await api().put(`/api/v1/roles/${id}`, { name: 'Changed', dataScope: 'all', permissions: ['role:read', 'bogus'] }, t.tokens.admin);
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ path: 'body.permissions.1', code: 'unknown_permission' })]);
      expect((await api().get(`/api/v1/roles/${id}`, t.tokens.admin)).body).toMatchObject({ name: 'Some role', dataScope: 'self', permissions: ['user:read'] });
    });

    it('keeps tenant_admin holding every permission (only name and description may change)', async () => {
      const admin = t.roles.tenant_admin;
      const current = (await api().get(`/api/v1/roles/${admin.id}`, t.tokens.admin)).body;
      const shrink = await api().put(`/api/v1/roles/${admin.id}`, { name: 'Admin', dataScope: 'all', permissions: ['role:read'] }, t.tokens.admin);
      expect(shrink.status).toBe(409);
      expect(shrink.body.code).toBe('role_builtin');
      const rename = await api().put(
        `/api/v1/roles/${admin.id}`,
        { name: 'Administrators', description: 'Everything', dataScope: 'all', permissions: current.permissions },
        t.tokens.admin,
      );
      expect(rename.status).toBe(200);
      expect(rename.body).toMatchObject({ name: 'Administrators', permissions: current.permissions });
    });
  });

  describe('delete', () => {
    it('refuses built-in roles with 409 role_builtin', async () => {
      const res = await api().delete(`/api/v1/roles/${t.roles.employee.id}`, t.tokens.admin);
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('role_builtin');
    });

    it('deletes an unused role with its permission rows', async () => {
      const id = await makeRole({ code: 'temp', permissions: ['user:read'] });
      expect((await api().delete(`/api/v1/roles/${id}`, t.tokens.admin)).status).toBe(204);
      expect((await api().get(`/api/v1/roles/${id}`, t.tokens.admin)).status).toBe(404);
      const [{ n }] = await env.rt.orm.em.fork().getConnection().execute('select count(*) as n from role_permissions where role_id = ?', [id]);
      expect(Number(n)).toBe(0);
    });

    it('refuses a role still held (409 role_in_use) unless force=true, which also removes the assignments', async () => {
      const id = await makeRole({ code: 'held', permissions: ['user:read'] });
      await api().post(`/api/v1/roles/${id}/users`, { userIds: [t.users.alice.id, t.users.fiona.id] }, t.tokens.admin);
      const refused = await api().delete(`/api/v1/roles/${id}`, t.tokens.admin);
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'role_in_use', users: 2 });
      for (const no of ['false', '0']) expect((await api().delete(`/api/v1/roles/${id}?force=${no}`, t.tokens.admin)).status).toBe(409);
      expect((await api().delete(`/api/v1/roles/${id}?force=yes`, t.tokens.admin)).status).toBe(422);
      expect(await rolesOfUser(t.users.alice.id)).toContain('held');

      const forced = await api().delete(`/api/v1/roles/${id}?force=1`, t.tokens.admin);
      expect(forced.status).toBe(204);
      expect(await rolesOfUser(t.users.alice.id)).toEqual(['employee']);
      expect(await rolesOfUser(t.users.fiona.id)).toEqual(['employee', 'finance', 'manager']);
    });

    it('needs role:assign as well as role:write to force (checked in the service)', async () => {
      const writer = await makeRole({ code: 'role_writer', dataScope: 'all', permissions: ['role:read', 'role:write'] });
      // alice (employee) gets role:read + role:write but neither role:assign nor user:read.
      await api().post(`/api/v1/roles/${writer}/users`, { userIds: [t.users.alice.id] }, t.tokens.admin);
      const alice = t.tokens.alice;
      const held = await makeRole({ code: 'held_too', permissions: [] });
      await api().post(`/api/v1/roles/${held}/users`, { userIds: [t.users.pete.id] }, t.tokens.admin);

      const forced = await api().delete(`/api/v1/roles/${held}?force=true`, alice);
      expect(forced.status).toBe(403);
      expect(forced.body.code).toBe('permission_denied');
      expect((await api().delete(`/api/v1/roles/${held}`, alice)).body.code).toBe('role_in_use');
      // ... and listing members needs user:read on top of the route's role:read.
      const members = await api().get(`/api/v1/roles/${held}/users`, alice);
      expect(members.status).toBe(403);
      expect(members.body.detail).toContain('user:read');
    });
  });

  describe('assignments', () => {
    it('lists the members of a role, paginated by username', async () => {
      const res = await api().get(`/api/v1/roles/${t.roles.employee.id}/users?pageSize=2`, t.tokens.admin);
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(5);
      expect(res.body.items.map((u: { username: string }) => u.username)).toEqual(['alice', 'carol']);
      expect(res.body.items[0]).not.toHaveProperty('passwordHash');
      const page3 = await api().get(`/api/v1/roles/${t.roles.employee.id}/users?pageSize=2&page=3`, t.tokens.admin);
      expect(page3.body.items.map((u: { username: string }) => u.username)).toEqual(['pete']);
    });

    it("limits role members to the caller's data scope", async () => {
      // carol is a manager of Engineering (department_tree): of the employees she sees alice, pete and herself.
      const scoped = await makeRole({ code: 'member_viewer', permissions: ['role:read'] });
      await api().post(`/api/v1/roles/${scoped}/users`, { userIds: [t.users.carol.id] }, t.tokens.admin);
      const res = await api().get(`/api/v1/roles/${t.roles.employee.id}/users`, t.tokens.carol);
      expect(res.status).toBe(200);
      expect(res.body.items.map((u: { username: string }) => u.username)).toEqual(['alice', 'carol', 'pete']);
      expect(res.body.total).toBe(3);
    });

    it("replaces a user's roles in one call and reports unknown roles by index", async () => {
      const { employee, manager, hr } = t.roles;
      const res = await api().put(`/api/v1/users/${t.users.fiona.id}/roles`, { roleIds: [hr.id, employee.id] }, t.tokens.admin);
      expect(res.status).toBe(200);
      expect(res.body.userId).toBe(t.users.fiona.id);
      expect(res.body.roles.map((r: { code: string }) => r.code)).toEqual(['employee', 'hr']);
      expect(await rolesOfUser(t.users.fiona.id)).toEqual(['employee', 'hr']);

      const bad = await api().put(`/api/v1/users/${t.users.fiona.id}/roles`, { roleIds: [manager.id, randomUUID()] }, t.tokens.admin);
      expect(bad.status).toBe(422);
      expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'body.roleIds.1', code: 'not_found' })]);
      expect(await rolesOfUser(t.users.fiona.id)).toEqual(['employee', 'hr']);

      expect((await api().put(`/api/v1/users/${randomUUID()}/roles`, { roleIds: [] }, t.tokens.admin)).body.code).toBe('user_not_found');
    });

    it('adds members idempotently and removes one', async () => {
      const id = await makeRole({ code: 'club', permissions: [] });
      const first = await api().post(`/api/v1/roles/${id}/users`, { userIds: [t.users.alice.id, t.users.pete.id] }, t.tokens.admin);
      expect(first.status).toBe(200);
      expect(first.body.added.sort()).toEqual([t.users.alice.id, t.users.pete.id].sort());
      const again = await api().post(`/api/v1/roles/${id}/users`, { userIds: [t.users.alice.id, t.users.harry.id] }, t.tokens.admin);
      expect(again.body.added).toEqual([t.users.harry.id]);

      const unknown = await api().post(`/api/v1/roles/${id}/users`, { userIds: [t.users.alice.id, randomUUID()] }, t.tokens.admin);
      expect(unknown.status).toBe(422);
      expect(unknown.body.errors).toEqual([expect.objectContaining({ path: 'body.userIds.1', code: 'not_found' })]);

      expect((await api().delete(`/api/v1/roles/${id}/users/${t.users.pete.id}`, t.tokens.admin)).status).toBe(204);
      expect((await api().delete(`/api/v1/roles/${id}/users/${t.users.pete.id}`, t.tokens.admin)).status).toBe(204);
      const members = await api().get(`/api/v1/roles/${id}/users`, t.tokens.admin);
      expect(members.body.items.map((u: { username: string }) => u.username)).toEqual(['alice', 'harry']);
    });

    it('refuses to take tenant_admin from yourself, but another admin may', async () => {
      const { tenant_admin, employee } = t.roles;
      const self = await api().put(`/api/v1/users/${t.users.admin.id}/roles`, { roleIds: [employee.id] }, t.tokens.admin);
      expect(self.status).toBe(422);
      expect(self.body.code).toBe('cannot_remove_own_admin');
      const selfDelete = await api().delete(`/api/v1/roles/${tenant_admin.id}/users/${t.users.admin.id}`, t.tokens.admin);
      expect(selfDelete.status).toBe(422);
      expect(selfDelete.body.code).toBe('cannot_remove_own_admin');
      expect(await rolesOfUser(t.users.admin.id)).toEqual(['tenant_admin']);

      // Keeping tenant_admin while changing the rest is fine.
      const keep = await api().put(`/api/v1/users/${t.users.admin.id}/roles`, { roleIds: [tenant_admin.id, employee.id] }, t.tokens.admin);
      expect(keep.status).toBe(200);

      // A second admin can demote the first.
      await api().post(`/api/v1/roles/${tenant_admin.id}/users`, { userIds: [t.users.carol.id] }, t.tokens.admin);
      const carol = await tokenFor(env.rt, t.users.carol);
      const demote = await api().put(`/api/v1/users/${t.users.admin.id}/roles`, { roleIds: [employee.id] }, carol);
      expect(demote.status).toBe(200);
      expect(await rolesOfUser(t.users.admin.id)).toEqual(['employee']);
      // Restore for the tests that follow.
      expect((await api().put(`/api/v1/users/${t.users.admin.id}/roles`, { roleIds: [tenant_admin.id] }, carol)).status).toBe(200);
      expect((await api().delete(`/api/v1/roles/${tenant_admin.id}/users/${t.users.carol.id}`, t.tokens.admin)).status).toBe(204);
    });

    it('refuses to grant permissions the caller does not hold (no escalation through roles)', async () => {
      const delegate = await makeRole({ code: 'delegate', dataScope: 'all', permissions: ['role:read', 'role:write', 'role:assign', 'user:read'] });
      await api().post(`/api/v1/roles/${delegate}/users`, { userIds: [t.users.harry.id] }, t.tokens.admin);
      const harry = await tokenFor(env.rt, t.users.harry);

      const create = await api().post('/api/v1/roles', { code: 'sneaky', name: 'Sneaky', dataScope: 'all', permissions: ['user:delete'] }, harry);
      expect(create.status).toBe(403);
      expect(create.body.code).toBe('permission_escalation');

      const grabAdmin = await api().post(`/api/v1/roles/${t.roles.tenant_admin.id}/users`, { userIds: [t.users.harry.id] }, harry);
      expect(grabAdmin.status).toBe(403);
      expect(grabAdmin.body.code).toBe('permission_escalation');
      const viaPut = await api().put(`/api/v1/users/${t.users.harry.id}/roles`, { roleIds: [t.roles.tenant_admin.id] }, harry);
      expect(viaPut.body.code).toBe('permission_escalation');
      expect(await rolesOfUser(t.users.harry.id)).not.toContain('tenant_admin');

      // Within what harry holds, delegation works.
      const ok = await api().post('/api/v1/roles', { code: 'readers', name: 'Readers', dataScope: 'self', permissions: ['user:read', 'user:create'] }, harry);
      expect(ok.status).toBe(201);
    });
  });
});
