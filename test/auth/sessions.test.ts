/** Refresh-token rotation and reuse detection, logout, /me, password change, revoking sessions. */
import { createTenant, inContext, tokenFor, DEMO, type TenantFixture, type ApiEnv } from '../harness/harness';
import { RefreshToken, User } from '../../db/entities';
import { hashRefreshToken } from '../../activities/auth/refresh-tokens';
import { login, signIn, startAuthEnv } from './helpers';

describe('sessions', () => {
  let env: ApiEnv;
  let t: TenantFixture;

  beforeAll(async () => {
    env = await startAuthEnv();
    t = await createTenant(env.rt);
  });
  afterAll(() => env.close());

  const refresh = (refreshToken: string) => env.api.post('/api/v1/auth/refresh', { refreshToken });
  const rowOf = (token: string) => env.rt.orm.em.fork().findOneOrFail(RefreshToken, { tokenHash: hashRefreshToken(token) });

  describe('refresh', () => {
    it('rotates: each refresh returns a new pair and uses the old token up', async () => {
      const first = await signIn(env.api, t, 'alice');
      const second = await refresh(first.refreshToken);
      expect(second.status).toBe(200);
      expect(second.body).toMatchObject({ tokenType: 'Bearer', user: { id: t.users.alice.id } });
      expect(second.body.refreshToken).not.toBe(first.refreshToken);
      expect(second.body.accessToken).not.toBe(first.accessToken);
      expect((await env.api.get('/api/v1/me', second.body.accessToken)).status).toBe(200);

      const [oldRow, newRow] = [await rowOf(first.refreshToken), await rowOf(second.body.refreshToken)];
      expect(oldRow.rotatedAt).not.toBeNull();
      expect(newRow).toMatchObject({ familyId: oldRow.familyId, parentId: oldRow.id, rotatedAt: null, revokedAt: null, userId: t.users.alice.id, tenantId: t.tenantId });
      // Only the hash is stored.
      expect(JSON.stringify(newRow)).not.toContain(second.body.refreshToken);

      const third = await refresh(second.body.refreshToken);
      expect(third.status).toBe(200);
    });

    it('detects reuse: a rotated token revokes the whole family, including its newest token', async () => {
      const first = await signIn(env.api, t, 'pete');
      const second = (await refresh(first.refreshToken)).body;
      const third = (await refresh(second.refreshToken)).body;
      const unrelated = await signIn(env.api, t, 'pete'); // another session of the same user

      const replay = await refresh(first.refreshToken);
      expect(replay.status).toBe(401);
      expect(replay.body.code).toBe('refresh_token_reused');

      const newest = await refresh(third.refreshToken);
      expect(newest.status).toBe(401);
      expect(newest.body.code).toBe('refresh_token_reused');
      const family = await env.rt.orm.em.fork().find(RefreshToken, { familyId: (await rowOf(first.refreshToken)).familyId });
      expect(family).toHaveLength(3);
      expect(family.every((r) => r.revokedAt !== null)).toBe(true);
      expect((await rowOf(third.refreshToken)).revokeReason).toBe('reuse_detected');

      // The other login of the same user is a different family and keeps working.
      expect((await refresh(unrelated.refreshToken)).status).toBe(200);
    });

    it('lets exactly one of several concurrent refreshes of the same token win', async () => {
      const first = await signIn(env.api, t, 'carol');
      const results = await Promise.all(Array.from({ length: 5 }, () => refresh(first.refreshToken)));
      const winners = results.filter((r) => r.status === 200);
      expect(winners).toHaveLength(1);
      for (const loser of results.filter((r) => r.status !== 200)) {
        expect(loser.status).toBe(401);
        expect(loser.body.code).toBe('refresh_token_reused');
      }
      const children = await env.rt.orm.em.fork().find(RefreshToken, { parentId: (await rowOf(first.refreshToken)).id });
      expect(children).toHaveLength(1);
      expect(children[0].tokenHash).toBe(hashRefreshToken(winners[0].body.refreshToken));
    });

    it('refuses an expired token and an unknown one', async () => {
      const first = await signIn(env.api, t, 'fiona');
      await env.rt.orm.em.fork().nativeUpdate(RefreshToken, { tokenHash: hashRefreshToken(first.refreshToken) }, { expiresAt: new Date(Date.now() - 1000) });
      const expired = await refresh(first.refreshToken);
      expect(expired.status).toBe(401);
      expect(expired.body.code).toBe('refresh_token_expired');

      const unknown = await refresh('A'.repeat(43));
      expect(unknown.status).toBe(401);
      expect(unknown.body.code).toBe('refresh_token_invalid');
    });

    it('refuses a refresh for a disabled user', async () => {
      const first = await signIn(env.api, t, 'harry');
      const em = env.rt.orm.em.fork();
      await em.nativeUpdate(User, { id: t.users.harry.id }, { status: 'disabled' });
      try {
        const res = await refresh(first.refreshToken);
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('account_disabled');
        expect((await rowOf(first.refreshToken)).rotatedAt).toBeNull();
      } finally {
        await em.nativeUpdate(User, { id: t.users.harry.id }, { status: 'active' });
      }
    });
  });

  describe('logout', () => {
    it('denylists the access token and revokes the refresh family', async () => {
      const pair = await signIn(env.api, t, 'alice');
      const next = (await refresh(pair.refreshToken)).body;
      const other = await signIn(env.api, t, 'alice');

      const out = await env.api.request('POST', '/api/v1/auth/logout', { token: next.accessToken, body: { refreshToken: next.refreshToken } });
      expect(out.status).toBe(204);

      const me = await env.api.get('/api/v1/me', next.accessToken);
      expect(me.status).toBe(401);
      expect(me.body.code).toBe('token_revoked');
      const after = await refresh(next.refreshToken);
      expect(after.status).toBe(401);
      expect((await rowOf(next.refreshToken)).revokeReason).toBe('logout');
      // The jti entry expires with the token.
      const ttl = await env.rt.redis.ttl(`auth:deny:${JSON.parse(Buffer.from(next.accessToken.split('.')[1], 'base64url').toString()).jti}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(env.rt.config.ACCESS_TOKEN_TTL_SECONDS);

      // Another session of the same user is untouched.
      expect((await env.api.get('/api/v1/me', other.accessToken)).status).toBe(200);
      expect((await refresh(other.refreshToken)).status).toBe(200);
    });

    it('without a refresh token ends only the access token, and ignores someone else’s refresh token', async () => {
      const mine = await signIn(env.api, t, 'pete');
      const theirs = await signIn(env.api, t, 'carol');
      expect((await env.api.request('POST', '/api/v1/auth/logout', { token: mine.accessToken })).status).toBe(204);
      expect((await env.api.get('/api/v1/me', mine.accessToken)).status).toBe(401);
      expect((await refresh(mine.refreshToken)).status).toBe(200);

      const again = await signIn(env.api, t, 'pete');
      await env.api.request('POST', '/api/v1/auth/logout', { token: again.accessToken, body: { refreshToken: theirs.refreshToken } });
      expect((await refresh(theirs.refreshToken)).status).toBe(200);
    });

    it('needs authentication', async () => {
      const res = await env.api.post('/api/v1/auth/logout', {});
      expect(res.status).toBe(401);
    });
  });

  describe('GET /me', () => {
    it('returns profile, tenant, role codes and effective permissions', async () => {
      const { accessToken } = await signIn(env.api, t, 'harry');
      const res = await env.api.get('/api/v1/me', accessToken);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        user: { id: t.users.harry.id, username: 'harry', email: 'harry@acme.example', status: 'active' },
        tenant: { id: t.tenantId, code: t.tenantCode, name: `Tenant ${t.tenantCode}` },
        via: 'access_token',
      });
      expect(res.body.roles.sort()).toEqual(['employee', 'hr']);
      expect(res.body.permissions).toEqual(
        ['announcement:publish', 'department:read', 'dictionary:read', 'message:send', 'onboarding:manage', 'position:read', 'role:assign', 'role:read', 'user:create', 'user:provision', 'user:read', 'user:update'].sort(),
      );
      expect(res.body.user.passwordHash).toBeUndefined();
    });

    it('refuses a missing or forged token', async () => {
      expect((await env.api.get('/api/v1/me')).body.code).toBe('unauthorized');
      const [header, payload, signature] = (await tokenFor(env.rt, t.users.alice)).split('.');
      const forged = [header, payload, (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1)].join('.');
      expect((await env.api.get('/api/v1/me', forged)).body.code).toBe('token_invalid');
    });
  });

  describe('POST /me/password', () => {
    const NEW = 'Brand-new-secret-7';

    it('changes the password, ends the other sessions and hands back a working pair', async () => {
      const first = await signIn(env.api, t, 'fiona');
      const second = await signIn(env.api, t, 'fiona');
      const res = await env.api.post('/api/v1/me/password', { currentPassword: DEMO.userPassword, newPassword: NEW }, first.accessToken);
      expect(res.status).toBe(200);
      expect(res.body.user.id).toBe(t.users.fiona.id);

      for (const old of [first, second]) {
        const me = await env.api.get('/api/v1/me', old.accessToken);
        expect(me.status).toBe(401);
        expect(me.body.code).toBe('token_revoked');
        expect((await refresh(old.refreshToken)).status).toBe(401);
      }
      // The fresh pair works at once, although it was minted in the revocation's own second,
      // and so does an access token refreshed from it straight away.
      expect((await env.api.get('/api/v1/me', res.body.accessToken)).status).toBe(200);
      const refreshed = await refresh(res.body.refreshToken);
      expect(refreshed.status).toBe(200);
      expect((await env.api.get('/api/v1/me', refreshed.body.accessToken)).status).toBe(200);

      expect((await login(env.api, t, 'fiona')).status).toBe(401);
      const fresh = await signIn(env.api, t, 'fiona', { password: NEW });
      expect((await env.api.get('/api/v1/me', fresh.accessToken)).status).toBe(200);
      const row = await env.rt.orm.em.fork().findOneOrFail(User, { id: t.users.fiona.id });
      expect(row.passwordChangedAt!.getTime()).toBeGreaterThan(Date.now() - 60_000);
    });

    it('refuses a wrong current password and a weak or unchanged new one, changing nothing', async () => {
      const { accessToken } = await signIn(env.api, t, 'carol');
      const wrong = await env.api.post('/api/v1/me/password', { currentPassword: 'Not-the-one-1', newPassword: NEW }, accessToken);
      expect(wrong.status).toBe(422);
      expect(wrong.body.code).toBe('wrong_password');
      expect(wrong.body.errors[0].path).toBe('body.currentPassword');

      const weak = await env.api.post('/api/v1/me/password', { currentPassword: DEMO.userPassword, newPassword: 'short' }, accessToken);
      expect(weak.status).toBe(422);
      expect(weak.body.errors.every((e: { path: string; code: string }) => e.path === 'body.newPassword' && e.code === 'weak_password')).toBe(true);

      const same = await env.api.post('/api/v1/me/password', { currentPassword: DEMO.userPassword, newPassword: DEMO.userPassword }, accessToken);
      expect(same.status).toBe(422);
      expect(same.body.errors.map((e: { code: string }) => e.code)).toContain('same_password');

      // Nothing was applied: the session lives and the old password still works.
      expect((await env.api.get('/api/v1/me', accessToken)).status).toBe(200);
      expect((await login(env.api, t, 'carol')).status).toBe(200);
    });

    it('counts wrong current passwords toward the login lock', async () => {
      const limited = await startAuthEnv({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '2' });
      try {
        const s = await createTenant(limited.rt);
        const { accessToken } = await signIn(limited.api, s, 'alice');
        for (let i = 0; i < 2; i++) {
          expect((await limited.api.post('/api/v1/me/password', { currentPassword: 'Guess-number-1', newPassword: NEW }, accessToken)).status).toBe(422);
        }
        const locked = await limited.api.post('/api/v1/me/password', { currentPassword: DEMO.userPassword, newPassword: NEW }, accessToken);
        expect(locked.status).toBe(429);
        expect(locked.body.code).toBe('login_locked');
        expect((await login(limited.api, s, 'alice')).status).toBe(429);
      } finally {
        await limited.close();
      }
    });
  });

  describe('revokeAllSessions', () => {
    it('ends every refresh family and access token of the user, and a new login works at once', async () => {
      const a = await signIn(env.api, t, 'pete');
      const b = await signIn(env.api, t, 'pete');
      const bystander = await signIn(env.api, t, 'alice');
      await inContext(env.rt, () => env.rt.services.auth.revokeAllSessions(t.tenantId, t.users.pete.id));
      for (const s of [a, b]) {
        expect((await env.api.get('/api/v1/me', s.accessToken)).body.code).toBe('token_revoked');
        expect((await refresh(s.refreshToken)).status).toBe(401);
      }
      expect((await rowOf(a.refreshToken)).revokeReason).toBe('sessions_revoked');
      expect((await env.api.get('/api/v1/me', bystander.accessToken)).status).toBe(200);
      // Within the revocation's own second: the login observed the marker, so its token is fresh.
      const again = await signIn(env.api, t, 'pete');
      expect((await env.api.get('/api/v1/me', again.accessToken)).status).toBe(200);
    });

    it('is idempotent', async () => {
      const call = () => inContext(env.rt, () => env.rt.services.auth.revokeAllSessions(t.tenantId, t.users.harry.id));
      await call();
      await expect(call()).resolves.toBeUndefined();
    });
  });
});
