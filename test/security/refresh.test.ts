/**
 * Refresh-token reuse (issue 8, item 12): presenting a rotated refresh token again means it
 * leaked; the family's refresh tokens die (tested in test/auth/sessions.test.ts) and so must
 * every access token minted with the family, the thief's and the owner's, while other sessions
 * of the same user live on.
 */
import { decodeJwt } from 'jose';
import { RefreshToken } from '../../db/entities';
import { hashRefreshToken } from '../../activities/auth/refresh-tokens';
import { createTenant, type ApiEnv, type TenantFixture } from '../harness/harness';
import { signIn, startAuthEnv } from '../auth/helpers';

describe('refresh-token reuse attack', () => {
  let env: ApiEnv;
  let t: TenantFixture;
  beforeAll(async () => {
    env = await startAuthEnv();
    t = await createTenant(env.rt);
  });
  afterAll(() => env?.close());

  const refresh = (refreshToken: string) => env.api.post('/api/v1/auth/refresh', { refreshToken });
  const me = (accessToken: string) => env.api.get('/api/v1/me', accessToken);

  it('a replayed refresh token ends every access token of its family, and only of its family', async () => {
    const victim = await signIn(env.api, t, 'alice');
    const otherSession = await signIn(env.api, t, 'alice');
    // The thief refreshes with a stolen token first; the owner's client then refreshes with the same (now rotated) one.
    const thief = (await refresh(victim.refreshToken)).body;
    expect(decodeJwt(thief.accessToken).fid).toBe(decodeJwt(victim.accessToken).fid);
    expect((await me(thief.accessToken)).status).toBe(200);

    const replay = await refresh(victim.refreshToken);
    expect([replay.status, replay.body.code]).toEqual([401, 'refresh_token_reused']);

    for (const token of [thief.accessToken, victim.accessToken]) {
      const res = await me(token);
      expect([res.status, res.body.code]).toEqual([401, 'token_revoked']);
    }
    // The database agrees: the family is revoked for reuse; the other login is untouched.
    const family = await env.rt.orm.em.fork().find(RefreshToken, { familyId: String(decodeJwt(victim.accessToken).fid) });
    expect(family.every((r) => r.revokeReason === 'reuse_detected')).toBe(true);
    expect((await env.rt.orm.em.fork().findOneOrFail(RefreshToken, { tokenHash: hashRefreshToken(otherSession.refreshToken) })).revokedAt).toBeNull();
    expect((await me(otherSession.accessToken)).status).toBe(200);
    expect((await refresh(otherSession.refreshToken)).status).toBe(200);
  });
});
