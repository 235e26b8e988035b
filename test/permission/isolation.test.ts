/**
 * Tenant isolation of the permission module: tenant B's administrator (who holds every
 * permission) gets 404 for each tenant A role, menu and user id on every endpoint, cannot mix
 * the two tenants' roles and users, and tenant A's data is untouched afterwards.
 */
import { startApiEnv, tenantWithTokens, type ApiEnv } from '../harness/harness';

type T = Awaited<ReturnType<typeof tenantWithTokens>>;

describe('tenant isolation (permission module)', () => {
  let env: ApiEnv;
  let a: T;
  let b: T;
  let aRole: string;
  let aMenu: string;
  let bRole: string;
  let bMenu: string;
  const api = () => env.api;

  beforeAll(async () => {
    env = await startApiEnv();
    a = await tenantWithTokens(env.rt);
    b = await tenantWithTokens(env.rt);
    const role = await api().post('/api/v1/roles', { code: 'a_only', name: 'A only', dataScope: 'self', permissions: ['user:read'] }, a.tokens.admin);
    aRole = role.body.id;
    await api().post(`/api/v1/roles/${aRole}/users`, { userIds: [a.users.alice.id] }, a.tokens.admin);
    aMenu = (await api().post('/api/v1/menus', { key: 'a.only', name: 'A only', kind: 'directory' }, a.tokens.admin)).body.id;
    bRole = (await api().post('/api/v1/roles', { code: 'b_only', name: 'B only', dataScope: 'self', permissions: [] }, b.tokens.admin)).body.id;
    bMenu = (await api().post('/api/v1/menus', { key: 'b.only', name: 'B only', kind: 'directory' }, b.tokens.admin)).body.id;
  });
  afterAll(() => env.close());

  type Call = [label: string, method: string, path: () => string, body?: () => unknown, code?: string];
  const matrix: Call[] = [
    ['get role', 'GET', () => `/api/v1/roles/${aRole}`, undefined, 'role_not_found'],
    ['get built-in role', 'GET', () => `/api/v1/roles/${a.roles.tenant_admin.id}`, undefined, 'role_not_found'],
    ['update role', 'PUT', () => `/api/v1/roles/${aRole}`, () => ({ name: 'Mine now', dataScope: 'all', permissions: [] }), 'role_not_found'],
    ['delete role', 'DELETE', () => `/api/v1/roles/${aRole}`, undefined, 'role_not_found'],
    ['force-delete role', 'DELETE', () => `/api/v1/roles/${aRole}?force=true`, undefined, 'role_not_found'],
    ['delete built-in role', 'DELETE', () => `/api/v1/roles/${a.roles.employee.id}`, undefined, 'role_not_found'],
    ['list role members', 'GET', () => `/api/v1/roles/${aRole}/users`, undefined, 'role_not_found'],
    ['add B user to A role', 'POST', () => `/api/v1/roles/${aRole}/users`, () => ({ userIds: [b.users.alice.id] }), 'role_not_found'],
    ['remove member of A role', 'DELETE', () => `/api/v1/roles/${aRole}/users/${a.users.alice.id}`, undefined, 'role_not_found'],
    ['remove A user from B role', 'DELETE', () => `/api/v1/roles/${bRole}/users/${a.users.alice.id}`, undefined, 'user_not_found'],
    ["replace A user's roles", 'PUT', () => `/api/v1/users/${a.users.alice.id}/roles`, () => ({ roleIds: [bRole] }), 'user_not_found'],
    ["clear A user's roles", 'PUT', () => `/api/v1/users/${a.users.admin.id}/roles`, () => ({ roleIds: [] }), 'user_not_found'],
    ['get menu', 'GET', () => `/api/v1/menus/${aMenu}`, undefined, 'menu_not_found'],
    ['update menu', 'PATCH', () => `/api/v1/menus/${aMenu}`, () => ({ name: 'Mine now' }), 'menu_not_found'],
    ['delete menu', 'DELETE', () => `/api/v1/menus/${aMenu}`, undefined, 'menu_not_found'],
  ];

  it.each(matrix)("B's admin: %s → 404", async (_label, method, path, body, code) => {
    const res = await api().request(method, path(), { body: body?.(), token: b.tokens.admin });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe(code);
    expect(JSON.stringify(res.body)).not.toContain('a_only');
  });

  it('refuses tenant A roles for tenant B users, and tenant A users for tenant B roles (422, nothing written)', async () => {
    const aRoleToB = await api().put(`/api/v1/users/${b.users.alice.id}/roles`, { roleIds: [b.roles.employee.id, aRole] }, b.tokens.admin);
    expect(aRoleToB.status).toBe(422);
    expect(aRoleToB.body.errors).toEqual([expect.objectContaining({ path: 'body.roleIds.1', code: 'not_found' })]);

    const aUserToB = await api().post(`/api/v1/roles/${bRole}/users`, { userIds: [a.users.alice.id] }, b.tokens.admin);
    expect(aUserToB.status).toBe(422);
    expect(aUserToB.body.errors).toEqual([expect.objectContaining({ path: 'body.userIds.0', code: 'not_found' })]);

    // The other way round, from tenant A's side.
    const bRoleToA = await api().put(`/api/v1/users/${a.users.alice.id}/roles`, { roleIds: [bRole] }, a.tokens.admin);
    expect(bRoleToA.status).toBe(422);
    const bUserToA = await api().post(`/api/v1/roles/${aRole}/users`, { userIds: [b.users.alice.id] }, a.tokens.admin);
    expect(bUserToA.status).toBe(422);
    expect((await api().put(`/api/v1/users/${b.users.alice.id}/roles`, { roleIds: [aRole] }, a.tokens.admin)).body.code).toBe('user_not_found');

    const bAlice = await api().get(`/api/v1/roles/${b.roles.employee.id}/users?pageSize=100`, b.tokens.admin);
    expect(bAlice.body.items.map((u: { id: string }) => u.id)).toContain(b.users.alice.id);
    const bOnly = await api().get(`/api/v1/roles/${bRole}/users`, b.tokens.admin);
    expect(bOnly.body.total).toBe(0);
  });

  it("refuses tenant A menus as parents and tenant A departments in B's roles", async () => {
    const parent = await api().post('/api/v1/menus', { key: 'b.child', name: 'Child', parentId: aMenu }, b.tokens.admin);
    expect(parent.status).toBe(422);
    expect(parent.body.errors).toEqual([expect.objectContaining({ path: 'body.parentId', code: 'not_found' })]);
    const move = await api().patch(`/api/v1/menus/${bMenu}`, { parentId: aMenu }, b.tokens.admin);
    expect(move.status).toBe(422);

    const dept = await api().post(
      '/api/v1/roles',
      { code: 'b_custom', name: 'B custom', dataScope: 'custom', permissions: [], departmentIds: [a.departments.eng.id] },
      b.tokens.admin,
    );
    expect(dept.status).toBe(422);
    expect(dept.body.errors).toEqual([expect.objectContaining({ path: 'body.departmentIds.0', code: 'not_found' })]);
  });

  it("never lists tenant A's roles or menus to tenant B", async () => {
    const roles = await api().get('/api/v1/roles?pageSize=100', b.tokens.admin);
    const roleIds = roles.body.items.map((r: { id: string }) => r.id);
    expect(roleIds).toContain(bRole);
    expect(roleIds).not.toContain(aRole);
    expect(roleIds).not.toContain(a.roles.tenant_admin.id);

    const tree = JSON.stringify((await api().get('/api/v1/menus/tree', b.tokens.admin)).body);
    const list = JSON.stringify((await api().get('/api/v1/menus?pageSize=100', b.tokens.admin)).body);
    const mine = JSON.stringify((await api().get('/api/v1/me/menus', b.tokens.admin)).body);
    for (const text of [tree, list, mine]) {
      expect(text).not.toContain(aMenu);
      expect(text).not.toContain('a.only');
    }
    expect(tree).toContain(bMenu);
  });

  it("leaves tenant A's data exactly as it was", async () => {
    const role = await api().get(`/api/v1/roles/${aRole}`, a.tokens.admin);
    expect(role.body).toMatchObject({ name: 'A only', dataScope: 'self', permissions: ['user:read'] });
    const members = await api().get(`/api/v1/roles/${aRole}/users`, a.tokens.admin);
    expect(members.body.items.map((u: { id: string }) => u.id)).toEqual([a.users.alice.id]);
    const menu = await api().get(`/api/v1/menus/${aMenu}`, a.tokens.admin);
    expect(menu.body).toMatchObject({ name: 'A only', parentId: null });
    const adminRoles = await api().get(`/api/v1/roles/${a.roles.tenant_admin.id}/users`, a.tokens.admin);
    expect(adminRoles.body.items.map((u: { id: string }) => u.id)).toEqual([a.users.admin.id]);
  });
});
