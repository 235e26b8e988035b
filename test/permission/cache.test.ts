/**
 * The permission cache: sets are really served from Redis, and every role or assignment change
 * is visible on the caller's very next request (no waiting for the TTL).
 */
import { startApiEnv, tenantWithTokens, type ApiEnv } from '../harness/harness';

type T = Awaited<ReturnType<typeof tenantWithTokens>>;

describe('permission cache and invalidation', () => {
  let env: ApiEnv;
  let t: T;
  const api = () => env.api;
  const cachedSet = async (userId: string) => {
    const key = await env.rt.services.permissions.cacheKey(t.tenantId, userId);
    const raw = await env.rt.redis.get(key);
    return raw === null ? null : (JSON.parse(raw) as string[]);
  };
  /** alice can list roles exactly when she holds role:read. */
  const aliceListsRoles = async () => (await api().get('/api/v1/roles', t.tokens.alice)).status;

  beforeAll(async () => {
    env = await startApiEnv();
    t = await tenantWithTokens(env.rt);
  });
  afterAll(() => env.close());

  it('caches the permission set in Redis on first use and serves later requests from it', async () => {
    expect(await cachedSet(t.users.alice.id)).toBeNull();
    expect(await aliceListsRoles()).toBe(403);
    expect(await cachedSet(t.users.alice.id)).toEqual(['department:read', 'position:read']);

    // Proof that requests read the cache rather than the database: plant a set, it is obeyed...
    const key = await env.rt.services.permissions.cacheKey(t.tenantId, t.users.alice.id);
    await env.rt.redis.set(key, JSON.stringify(['role:read']), 'EX', 60);
    expect(await aliceListsRoles()).toBe(200);
    // ...until the tenant's version moves on, which makes the next request reload the truth.
    await env.rt.services.permissions.invalidateTenant(t.tenantId);
    expect(await env.rt.services.permissions.cacheKey(t.tenantId, t.users.alice.id)).not.toBe(key);
    expect(await aliceListsRoles()).toBe(403);
    expect(await cachedSet(t.users.alice.id)).toEqual(['department:read', 'position:read']);
  });

  it("keeps one tenant's invalidation away from another tenant's cache", async () => {
    const other = await tenantWithTokens(env.rt);
    await api().get('/api/v1/roles', other.tokens.admin);
    const otherKey = await env.rt.services.permissions.cacheKey(other.tenantId, other.users.admin.id);
    await env.rt.services.permissions.invalidateTenant(t.tenantId);
    expect(await env.rt.services.permissions.cacheKey(other.tenantId, other.users.admin.id)).toBe(otherKey);
    expect(await env.rt.redis.exists(otherKey)).toBe(1);
  });

  it('assigning a role (PUT /users/:id/roles) takes effect on the next request', async () => {
    expect(await aliceListsRoles()).toBe(403); // cached: employee only
    const res = await api().put(`/api/v1/users/${t.users.alice.id}/roles`, { roleIds: [t.roles.employee.id, t.roles.hr.id] }, t.tokens.admin);
    expect(res.status).toBe(200);
    expect(await aliceListsRoles()).toBe(200);
    expect(await cachedSet(t.users.alice.id)).toContain('role:read');

    await api().put(`/api/v1/users/${t.users.alice.id}/roles`, { roleIds: [t.roles.employee.id] }, t.tokens.admin);
    expect(await aliceListsRoles()).toBe(403);
  });

  it('adding and removing a member (POST / DELETE /roles/:id/users) takes effect on the next request', async () => {
    const role = await api().post('/api/v1/roles', { code: 'viewer', name: 'Viewer', dataScope: 'self', permissions: ['role:read'] }, t.tokens.admin);
    expect(await aliceListsRoles()).toBe(403);
    await api().post(`/api/v1/roles/${role.body.id}/users`, { userIds: [t.users.alice.id] }, t.tokens.admin);
    expect(await aliceListsRoles()).toBe(200);
    await api().delete(`/api/v1/roles/${role.body.id}/users/${t.users.alice.id}`, t.tokens.admin);
    expect(await aliceListsRoles()).toBe(403);
  });

  it('removing a permission from a role makes a previously allowed route answer 403 on the next request', async () => {
    const role = await api().post('/api/v1/roles', { code: 'reader', name: 'Reader', dataScope: 'all', permissions: ['role:read', 'menu:read'] }, t.tokens.admin);
    await api().post(`/api/v1/roles/${role.body.id}/users`, { userIds: [t.users.alice.id] }, t.tokens.admin);
    expect((await api().get('/api/v1/menus/tree', t.tokens.alice)).status).toBe(200);
    expect(await cachedSet(t.users.alice.id)).toContain('menu:read');

    const shrink = await api().put(`/api/v1/roles/${role.body.id}`, { name: 'Reader', dataScope: 'all', permissions: ['role:read'] }, t.tokens.admin);
    expect(shrink.status).toBe(200);
    const denied = await api().get('/api/v1/menus/tree', t.tokens.alice);
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('permission_denied');
    expect(await aliceListsRoles()).toBe(200); // what the role still grants still works

    // Force-deleting the role takes the rest away just as promptly.
    expect((await api().delete(`/api/v1/roles/${role.body.id}?force=true`, t.tokens.admin)).status).toBe(204);
    expect(await aliceListsRoles()).toBe(403);
  });

  it('does not bump the version for a change that alters nobody\'s permissions', async () => {
    const version = () => env.rt.redis.get(`perm:ver:${t.tenantId}`);
    const before = await version();
    const role = await api().post('/api/v1/roles', { code: 'unused', name: 'Unused', dataScope: 'self', permissions: ['user:read'] }, t.tokens.admin);
    await api().put(`/api/v1/roles/${role.body.id}`, { name: 'Renamed', dataScope: 'self', permissions: ['user:read'] }, t.tokens.admin);
    await api().put(`/api/v1/users/${t.users.alice.id}/roles`, { roleIds: [t.roles.employee.id] }, t.tokens.admin); // no change
    expect(await version()).toBe(before);
  });
});
