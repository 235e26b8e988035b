/** API keys: create (shown once), list, use, scope limits, revoke, expiry, last use, tenant isolation. */
import { createTenant, tokenFor, type TenantFixture, type ApiEnv } from '../harness/harness';
import { ApiKey, UserRole, User } from '../../db/entities';
import { newId } from '../../common/ids';
import { startAuthEnv } from './helpers';

describe('API keys', () => {
  let env: ApiEnv;
  let a: TenantFixture;
  let b: TenantFixture;
  let adminA: string;
  let adminB: string;

  beforeAll(async () => {
    env = await startAuthEnv();
    [a, b] = [await createTenant(env.rt), await createTenant(env.rt)];
    [adminA, adminB] = [await tokenFor(env.rt, a.users.admin), await tokenFor(env.rt, b.users.admin)];
  });
  afterAll(() => env.close());

  const createKey = (token: string, body: Record<string, unknown>) => env.api.post('/api/v1/api-keys', body, token);
  const withKey = (key: string, path: string) => env.api.request('GET', path, { token: `ApiKey ${key}` });
  const row = (id: string) => env.rt.orm.em.fork().findOneOrFail(ApiKey, { id });

  it('creates a key that is shown once and stored only as a hash', async () => {
    const res = await createKey(adminA, { name: 'CI export', scopes: ['loginlog:read'] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'CI export', scopes: ['loginlog:read'], status: 'active', userId: a.users.admin.id, createdBy: a.users.admin.id, parentKeyId: null, lastUsedAt: null });
    // No expiry asked for: the key gets the maximum (API_KEY_MAX_TTL_DAYS, 90 by default), never none.
    const maxDays = (Date.parse(res.body.expiresAt) - Date.parse(res.body.createdAt)) / 86_400_000;
    expect(Math.round(maxDays)).toBe(90);
    expect(res.body.key).toMatch(/^sk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(res.body.key.startsWith(`sk_${res.body.prefix}_`)).toBe(true);

    const stored = await row(res.body.id);
    expect(stored.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.keyHash).not.toContain(res.body.key.split('_').pop());

    const list = await env.api.get('/api/v1/api-keys', adminA);
    expect(list.status).toBe(200);
    const listed = list.body.items.find((k: { id: string }) => k.id === res.body.id);
    expect(listed).toMatchObject({ prefix: res.body.prefix, status: 'active', scopes: ['loginlog:read'] });
    expect(JSON.stringify(list.body)).not.toContain(res.body.key);
    expect(JSON.stringify(list.body)).not.toContain(stored.keyHash);
    const one = await env.api.get(`/api/v1/api-keys/${res.body.id}`, adminA);
    expect(one.body.key).toBeUndefined();
    expect(one.body.keyHash).toBeUndefined();
  });

  it('acts as its creator, limited to its scopes (Authorization: ApiKey and X-Api-Key)', async () => {
    // workspace:read: /me has no permission code, so a key needs that explicit scope for it.
    const { key } = (await createKey(adminA, { name: 'auditor', scopes: ['loginlog:read', 'user:read', 'workspace:read'] })).body;
    const me = await withKey(key, '/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ via: 'api_key', user: { id: a.users.admin.id }, tenant: { id: a.tenantId } });
    expect(me.body.permissions).toEqual(['loginlog:read', 'user:read']);
    expect(me.body.roles).toEqual(['tenant_admin']);

    expect((await withKey(key, '/api/v1/auth/login-logs')).status).toBe(200);
    const viaHeader = await env.api.request('GET', '/api/v1/auth/login-logs', { headers: { 'x-api-key': key } });
    expect(viaHeader.status).toBe(200);
    // The owner may manage keys; this key may not.
    const denied = await withKey(key, '/api/v1/api-keys');
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('permission_denied');
    // A key cannot change its owner's password.
    const pw = await env.api.request('POST', '/api/v1/me/password', { token: `ApiKey ${key}`, body: { currentPassword: 'x', newPassword: 'y' } });
    expect(pw.status).toBe(403);
  });

  it('never grants more than the owner currently holds', async () => {
    const harry = await tokenFor(env.rt, b.users.harry); // HR: no apikey:manage
    expect((await createKey(harry, { name: 'nope', scopes: ['user:read'] })).status).toBe(403);

    // The admin creates a key…
    const { key } = (await createKey(adminB, { name: 'for ∩ test', scopes: ['loginlog:read', 'apikey:manage', 'workspace:read'] })).body;
    expect((await withKey(key, '/api/v1/auth/login-logs')).status).toBe(200);
    // …then the owner loses the admin role: the key loses what the owner lost.
    const em = env.rt.orm.em.fork();
    await em.nativeDelete(UserRole, { tenantId: b.tenantId, userId: b.users.admin.id, roleId: b.roles.tenant_admin.id });
    await env.rt.services.permissions.invalidateTenant(b.tenantId);
    try {
      const me = await withKey(key, '/api/v1/me');
      expect(me.status).toBe(200);
      expect(me.body.permissions).toEqual([]);
      expect((await withKey(key, '/api/v1/auth/login-logs')).status).toBe(403);
    } finally {
      em.create(UserRole, { id: newId(), tenantId: b.tenantId, userId: b.users.admin.id, roleId: b.roles.tenant_admin.id });
      await em.flush();
      await env.rt.services.permissions.invalidateTenant(b.tenantId);
    }
  });

  it('validates scopes and expiry before writing anything', async () => {
    const before = await env.rt.orm.em.fork().count(ApiKey, { tenantId: a.tenantId });
    const bad = await createKey(adminA, {
      name: 'bad',
      scopes: ['user:read', 'no:such-permission'],
      expiresAt: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'body.scopes.1', code: 'unknown_permission' }),
        expect.objectContaining({ path: 'body.expiresAt', code: 'in_the_past' }),
      ]),
    );
    const empty = await createKey(adminA, { name: 'x', scopes: [] });
    expect(empty.status).toBe(422);
    expect(empty.body.errors[0].path).toBe('body.scopes');
    expect(await env.rt.orm.em.fork().count(ApiKey, { tenantId: a.tenantId })).toBe(before);
  });

  it('refuses scopes the creator does not hold', async () => {
    // A key created with a key that may manage keys but not read users cannot add user:read.
    const { key } = (await createKey(adminA, { name: 'key manager', scopes: ['apikey:manage', 'apikey:delegate'] })).body;
    const res = await env.api.request('POST', '/api/v1/api-keys', { token: `ApiKey ${key}`, body: { name: 'wider', scopes: ['user:read'] } });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ path: 'body.scopes.0', code: 'scope_not_held' });
  });

  it('revokes: the key stops working at once, revoking twice is harmless', async () => {
    const created = (await createKey(adminA, { name: 'to revoke', scopes: ['user:read', 'workspace:read'] })).body;
    expect((await withKey(created.key, '/api/v1/me')).status).toBe(200);
    expect((await env.api.delete(`/api/v1/api-keys/${created.id}`, adminA)).status).toBe(204);
    const res = await withKey(created.key, '/api/v1/me');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('api_key_revoked');
    expect((await env.api.delete(`/api/v1/api-keys/${created.id}`, adminA)).status).toBe(204);
    expect((await env.api.get(`/api/v1/api-keys/${created.id}`, adminA)).body.status).toBe('revoked');
  });

  it('refuses an expired key, a wrong secret, a malformed key, and a disabled owner', async () => {
    const created = (await createKey(adminA, { name: 'short-lived', scopes: ['user:read', 'workspace:read'], expiresAt: new Date(Date.now() + 3_600_000).toISOString() })).body;
    expect(Date.parse(created.expiresAt)).toBeGreaterThan(Date.now());
    await env.rt.orm.em.fork().nativeUpdate(ApiKey, { id: created.id }, { expiresAt: new Date(Date.now() - 1000) });
    const expired = await withKey(created.key, '/api/v1/me');
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('api_key_expired');
    expect((await env.api.get(`/api/v1/api-keys/${created.id}`, adminA)).body.status).toBe('expired');

    const live = (await createKey(adminA, { name: 'live', scopes: ['user:read', 'workspace:read'] })).body;
    const last = live.key.at(-2) === 'a' ? 'b' : 'a';
    const wrongSecret = `${live.key.slice(0, -2)}${last}${live.key.at(-1)}`;
    expect((await withKey(wrongSecret, '/api/v1/me')).body.code).toBe('api_key_invalid');
    expect((await withKey('sk_nothing', '/api/v1/me')).body.code).toBe('api_key_invalid');
    expect((await withKey(`sk_000000000000_${'x'.repeat(43)}`, '/api/v1/me')).body.code).toBe('api_key_invalid');

    const em = env.rt.orm.em.fork();
    await em.nativeUpdate(User, { id: a.users.admin.id }, { status: 'disabled' });
    try {
      const res = await withKey(live.key, '/api/v1/me');
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('api_key_invalid');
    } finally {
      await em.nativeUpdate(User, { id: a.users.admin.id }, { status: 'active' });
    }
    expect((await withKey(live.key, '/api/v1/me')).status).toBe(200);
  });

  it('records the last use, writing at most once a minute', async () => {
    const created = (await createKey(adminA, { name: 'busy', scopes: ['user:read', 'workspace:read'] })).body;
    expect((await row(created.id)).lastUsedAt).toBeNull();
    await withKey(created.key, '/api/v1/me');
    const first = (await row(created.id)).lastUsedAt!;
    expect(first.getTime()).toBeGreaterThan(Date.now() - 10_000);
    await new Promise((r) => setTimeout(r, 20));
    await withKey(created.key, '/api/v1/me');
    expect((await row(created.id)).lastUsedAt!.getTime()).toBe(first.getTime());

    const twoMinutesAgo = new Date(Date.now() - 120_000);
    await env.rt.orm.em.fork().nativeUpdate(ApiKey, { id: created.id }, { lastUsedAt: twoMinutesAgo });
    await withKey(created.key, '/api/v1/me');
    expect((await row(created.id)).lastUsedAt!.getTime()).toBeGreaterThan(twoMinutesAgo.getTime() + 60_000);
    const listed = (await env.api.get(`/api/v1/api-keys/${created.id}`, adminA)).body;
    expect(listed.lastUsedAt).not.toBeNull();
  });

  it('paginates the listing, newest first', async () => {
    const fresh = await createTenant(env.rt);
    const admin = await tokenFor(env.rt, fresh.users.admin);
    for (const name of ['k1', 'k2', 'k3']) {
      await createKey(admin, { name, scopes: ['user:read'] });
      await new Promise((r) => setTimeout(r, 5)); // distinct creation times, so the order is defined
    }
    const page1 = await env.api.get('/api/v1/api-keys?pageSize=2', admin);
    expect(page1.body).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(page1.body.items.map((k: { name: string }) => k.name)).toEqual(['k3', 'k2']);
    const page2 = await env.api.get('/api/v1/api-keys?pageSize=2&page=2', admin);
    expect(page2.body.items.map((k: { name: string }) => k.name)).toEqual(['k1']);
  });

  it('keeps tenants apart: another tenant’s admin cannot list, read or revoke the keys', async () => {
    const created = (await createKey(adminA, { name: 'tenant A only', scopes: ['user:read', 'workspace:read'] })).body;
    const listB = await env.api.get('/api/v1/api-keys?pageSize=100', adminB);
    expect(listB.status).toBe(200);
    expect(listB.body.items.some((k: { id: string }) => k.id === created.id)).toBe(false);
    expect(listB.body.items.every((k: { userId: string }) => Object.values(b.users).some((u) => u.id === k.userId))).toBe(true);

    const read = await env.api.get(`/api/v1/api-keys/${created.id}`, adminB);
    expect(read.status).toBe(404);
    expect(read.body.code).toBe('api_key_not_found');
    const revoke = await env.api.delete(`/api/v1/api-keys/${created.id}`, adminB);
    expect(revoke.status).toBe(404);
    expect((await row(created.id)).revokedAt).toBeNull();
    expect((await withKey(created.key, '/api/v1/me')).status).toBe(200);
  });

  it('needs apikey:manage', async () => {
    const alice = await tokenFor(env.rt, a.users.alice);
    expect((await env.api.get('/api/v1/api-keys', alice)).status).toBe(403);
    expect((await createKey(alice, { name: 'x', scopes: ['department:read'] })).status).toBe(403);
  });
});
