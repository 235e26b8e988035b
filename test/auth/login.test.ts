/** Password login, the login log and its listing, against the real app, MariaDB and Redis. */
import { createTenant, inContext, tokenFor, DEMO, type TenantFixture, type ApiEnv } from '../harness/harness';
import { LoginLog, Tenant, User } from '../../db/entities';
import { hashPassword } from '../../activities/auth/password';
import { login, signIn, startAuthEnv } from './helpers';

describe('login', () => {
  let env: ApiEnv;
  let t: TenantFixture;
  let other: TenantFixture;

  beforeAll(async () => {
    env = await startAuthEnv();
    t = await createTenant(env.rt);
    other = await createTenant(env.rt);
  });
  afterAll(() => env.close());

  const logsOf = (tenantCode: string) => env.rt.orm.em.fork().find(LoginLog, { tenantCode }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  const userRow = (id: string) => env.rt.orm.em.fork().findOneOrFail(User, { id });

  it('signs in by user name and by email and returns a usable token pair', async () => {
    const before = Date.now();
    const res = await env.api.request('POST', '/api/v1/auth/login', {
      body: { tenantCode: t.tenantCode, identifier: 'alice', password: DEMO.userPassword },
      headers: { 'user-agent': 'login-test/1.0' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', user: { id: t.users.alice.id, username: 'alice' } });
    expect(res.body.user.passwordHash).toBeUndefined();
    expect(Date.parse(res.body.accessTokenExpiresAt)).toBeGreaterThan(before + (env.rt.config.ACCESS_TOKEN_TTL_SECONDS - 5) * 1000);
    expect(Date.parse(res.body.refreshTokenExpiresAt)).toBeGreaterThan(Date.parse(res.body.accessTokenExpiresAt));
    expect(res.body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const me = await env.api.get('/api/v1/me', res.body.accessToken);
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(t.users.alice.id);

    const byEmail = await login(env.api, t, 'Alice@Acme.Example');
    expect(byEmail.status).toBe(200);
    expect(byEmail.body.user.id).toBe(t.users.alice.id);

    const row = await userRow(t.users.alice.id);
    expect(row.lastLoginAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);

    const ok = (await logsOf(t.tenantCode)).filter((l) => l.userId === t.users.alice.id && l.reason === 'ok');
    expect(ok).toHaveLength(2);
    expect(ok[0]).toMatchObject({ success: true, tenantId: t.tenantId, identifier: 'alice', ip: expect.stringMatching(/127\.0\.0\.1/), userAgent: 'login-test/1.0' });
  });

  it('answers a wrong password, an unknown user and an unknown tenant alike, and logs each reason', async () => {
    const wrong = await login(env.api, t, 'pete', { password: 'Not-his-password-1' });
    const nobody = await login(env.api, t, 'nobody', { password: 'Whatever-it-is-1' });
    const noTenant = await login(env.api, { tenantCode: 'no-such-tenant-x' }, 'pete');
    for (const res of [wrong, nobody, noTenant]) {
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({ code: 'invalid_credentials', status: 401 });
    }
    expect(wrong.body.detail).toBe(nobody.body.detail);
    expect(nobody.body.detail).toBe(noTenant.body.detail);

    const logs = await logsOf(t.tenantCode);
    expect(logs.find((l) => l.identifier === 'pete')).toMatchObject({ success: false, reason: 'bad_credentials', userId: t.users.pete.id });
    expect(logs.find((l) => l.identifier === 'nobody')).toMatchObject({ success: false, reason: 'bad_credentials', userId: null });
    const [unknown] = await logsOf('no-such-tenant-x');
    expect(unknown).toMatchObject({ success: false, reason: 'unknown_tenant', tenantId: null, identifier: 'pete' });
  });

  it('tells a disabled user so only after a correct password', async () => {
    const em = env.rt.orm.em.fork();
    await em.nativeUpdate(User, { id: t.users.fiona.id }, { status: 'disabled' });
    try {
      const wrong = await login(env.api, t, 'fiona', { password: 'Not-her-password-1' });
      expect(wrong.status).toBe(401);
      expect(wrong.body.code).toBe('invalid_credentials');
      const right = await login(env.api, t, 'fiona');
      expect(right.status).toBe(403);
      expect(right.body.code).toBe('account_disabled');
      expect(right.body.accessToken).toBeUndefined();
      const reasons = (await logsOf(t.tenantCode)).filter((l) => l.userId === t.users.fiona.id).map((l) => l.reason);
      expect(reasons).toEqual(['bad_credentials', 'disabled']);
    } finally {
      await em.nativeUpdate(User, { id: t.users.fiona.id }, { status: 'active' });
    }
  });

  it('refuses users of a disabled tenant and logs tenant_disabled', async () => {
    const off = await createTenant(env.rt);
    await env.rt.orm.em.fork().nativeUpdate(Tenant, { id: off.tenantId }, { status: 'disabled' });
    const res = await login(env.api, off, 'admin');
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('tenant_disabled');
    expect((await logsOf(off.tenantCode)).map((l) => l.reason)).toEqual(['tenant_disabled']);
  });

  it('cannot sign in to a user who has no password yet, or one who was deleted', async () => {
    const em = env.rt.orm.em.fork();
    await em.nativeUpdate(User, { id: t.users.harry.id }, { passwordHash: null });
    expect((await login(env.api, t, 'harry')).body.code).toBe('invalid_credentials');
    await em.nativeUpdate(User, { id: t.users.carol.id }, { deletedAt: new Date() });
    expect((await login(env.api, t, 'carol')).body.code).toBe('invalid_credentials');
  });

  it('upgrades a hash made at a lower cost on the next successful login', async () => {
    const em = env.rt.orm.em.fork();
    await em.nativeUpdate(User, { id: t.users.pete.id }, { passwordHash: await hashPassword(DEMO.userPassword, 10) });
    await signIn(env.api, t, 'pete');
    const hash = (await userRow(t.users.pete.id)).passwordHash!;
    expect(hash.split('$')[1]).toBe(String(env.rt.config.SCRYPT_LOG_N));
    await signIn(env.api, t, 'pete'); // and the new hash verifies
  });

  it('validates the body with field paths', async () => {
    const res = await env.api.post('/api/v1/auth/login', { tenantCode: '', identifier: 'x' });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.password', 'body.tenantCode']);
  });

  it('documents the auth endpoints in OpenAPI: public ones without security, others with their permission', async () => {
    const doc = (await env.api.get('/openapi.json')).body;
    expect(doc.paths['/api/v1/auth/login'].post.security).toEqual([]);
    expect(doc.paths['/api/v1/auth/refresh'].post.security).toEqual([]);
    expect(doc.paths['/api/v1/auth/logout'].post.security).toBeUndefined();
    expect(doc.paths['/api/v1/auth/login-logs'].get['x-permission']).toBe('loginlog:read');
    expect(doc.paths['/api/v1/api-keys/{id}'].delete['x-permission']).toBe('apikey:manage');
    expect(Object.keys(doc.paths['/api/v1/auth/login'].post.responses)).toEqual(expect.arrayContaining(['200', '401', '403', '429']));
    expect(doc.paths['/api/v1/me'].get).toBeDefined();
    expect(doc.paths['/api/v1/me/password'].post).toBeDefined();
  });

  describe('GET /auth/login-logs', () => {
    it('lists the tenant’s attempts newest first, paginated and filtered', async () => {
      const admin = await tokenFor(env.rt, t.users.admin);
      const all = await env.api.get('/api/v1/auth/login-logs?pageSize=100', admin);
      expect(all.status).toBe(200);
      const dbRows = await env.rt.orm.em.fork().count(LoginLog, { tenantId: t.tenantId });
      expect(all.body.total).toBe(dbRows);
      const times = all.body.items.map((i: { createdAt: string }) => Date.parse(i.createdAt));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      expect(all.body.items.every((i: { tenantCode: string }) => i.tenantCode === t.tenantCode)).toBe(true);

      const page2 = await env.api.get('/api/v1/auth/login-logs?pageSize=2&page=2', admin);
      expect(page2.body).toMatchObject({ page: 2, pageSize: 2, total: dbRows });
      expect(page2.body.items.map((i: { id: string }) => i.id)).toEqual(all.body.items.slice(2, 4).map((i: { id: string }) => i.id));

      const failures = await env.api.get('/api/v1/auth/login-logs?success=false&pageSize=100', admin);
      expect(failures.body.total).toBeGreaterThan(0);
      expect(failures.body.items.every((i: { success: boolean }) => !i.success)).toBe(true);
      expect(failures.body.total + (await env.api.get('/api/v1/auth/login-logs?success=true', admin)).body.total).toBe(dbRows);
      // The same query boolean as every other listing: 0/1 read as false/true.
      expect((await env.api.get('/api/v1/auth/login-logs?success=0&pageSize=100', admin)).body).toEqual(failures.body);
      expect((await env.api.get('/api/v1/auth/login-logs?success=1', admin)).body.total).toBe(dbRows - failures.body.total);

      const alice = await env.api.get(`/api/v1/auth/login-logs?userId=${t.users.alice.id}`, admin);
      expect(alice.body.total).toBe(2);
      expect(alice.body.items.every((i: { userId: string }) => i.userId === t.users.alice.id)).toBe(true);

      const future = new Date(Date.now() + 60_000).toISOString();
      expect((await env.api.get(`/api/v1/auth/login-logs?from=${future}`, admin)).body.total).toBe(0);
      expect((await env.api.get(`/api/v1/auth/login-logs?to=${future}`, admin)).body.total).toBe(dbRows);
      const firstAt = times[times.length - 1];
      expect((await env.api.get(`/api/v1/auth/login-logs?to=${new Date(firstAt).toISOString()}`, admin)).body.total).toBe(0);
    });

    it('rejects bad filters with field errors', async () => {
      const admin = await tokenFor(env.rt, t.users.admin);
      const res = await env.api.get('/api/v1/auth/login-logs?success=maybe&userId=42&from=yesterday', admin);
      expect(res.status).toBe(422);
      expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['query.from', 'query.success', 'query.userId']);
    });

    it('needs loginlog:read', async () => {
      const res = await env.api.get('/api/v1/auth/login-logs', await tokenFor(env.rt, t.users.alice));
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('permission_denied');
    });

    it('never shows another tenant’s attempts', async () => {
      await login(env.api, other, 'alice');
      const otherAdmin = await tokenFor(env.rt, other.users.admin);
      const res = await env.api.get('/api/v1/auth/login-logs?pageSize=100', otherAdmin);
      expect(res.body.total).toBeGreaterThan(0);
      expect(res.body.items.every((i: { tenantCode: string }) => i.tenantCode === other.tenantCode)).toBe(true);
      const probe = await env.api.get(`/api/v1/auth/login-logs?userId=${t.users.alice.id}`, otherAdmin);
      expect(probe.body).toMatchObject({ total: 0, items: [] });
      // and the service itself filters by the actor's tenant, whatever the query says
      const page = await inContext(env.rt, () =>
        env.rt.services.auth.listLoginLogs({ tenantId: other.tenantId, userId: other.users.admin.id, via: 'access_token', permissions: new Set() }, { page: 1, pageSize: 100, userId: t.users.alice.id }),
      );
      expect(page.total).toBe(0);
    });
  });
});
