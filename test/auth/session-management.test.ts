/**
 * Session management: my sessions (devices) with revoke one / revoke all others, and an
 * admin ending a user's sessions. Ending a session stops its refresh token and its access
 * token at once; other sessions keep working. Tenant isolation, permissions and rank.
 */
import { createTenant, tokenFor, type TenantFixture, type ApiEnv } from '../harness/harness';
import { RefreshToken } from '../../db/entities';
import { signIn, startAuthEnv } from './helpers';

describe('session management', () => {
  let env: ApiEnv;
  let t: TenantFixture;
  let other: TenantFixture;

  beforeAll(async () => {
    env = await startAuthEnv();
    [t, other] = [await createTenant(env.rt), await createTenant(env.rt)];
  });
  afterAll(() => env.close());

  const onDevice = (ua: string) => ({ headers: { 'user-agent': ua } });
  const refresh = (refreshToken: string, userAgent = 'node') =>
    env.api.request('POST', '/api/v1/auth/refresh', { body: { refreshToken }, headers: { 'user-agent': userAgent } });
  const liveFamilies = async (userId: string) =>
    new Set((await env.rt.orm.em.fork().find(RefreshToken, { userId, revokedAt: null, rotatedAt: null })).map((r) => r.familyId));

  it('lists my sessions, newest use first, with device, sign-in time and the current one marked', async () => {
    const laptop = await signIn(env.api, t, 'alice', onDevice('Laptop/1.0'));
    const phone = await signIn(env.api, t, 'alice', onDevice('Phone/2.0'));
    // The laptop refreshes later: it becomes the most recently used.
    const laptop2 = (await refresh(laptop.refreshToken, 'Laptop/1.0')).body;

    const res = await env.api.get('/api/v1/me/sessions', laptop2.accessToken);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(2);
    const [first, second] = res.body.items;
    expect(first).toMatchObject({ current: true, userAgent: 'Laptop/1.0', ip: expect.any(String) });
    expect(second).toMatchObject({ current: false, userAgent: 'Phone/2.0' });
    // Refreshing moved the last use, not the sign-in.
    expect(Date.parse(first.lastUsedAt)).toBeGreaterThan(Date.parse(first.signedInAt));
    expect(second.signedInAt).toBe(second.lastUsedAt);
    // Paginated like every listing.
    const page = await env.api.get('/api/v1/me/sessions?page=2&pageSize=1', phone.accessToken);
    expect(page.body).toMatchObject({ total: 2, page: 2, pageSize: 1 });
    expect(page.body.items).toHaveLength(1);
    expect(page.body.items[0]).toMatchObject({ userAgent: 'Phone/2.0', current: true });
  });

  it('ends one session: its refresh and access tokens stop at once, the other keeps working', async () => {
    const a = await signIn(env.api, t, 'pete', onDevice('A'));
    const b = await signIn(env.api, t, 'pete', onDevice('B'));
    const sessions = (await env.api.get('/api/v1/me/sessions', a.accessToken)).body.items;
    const bId = sessions.find((s: { userAgent: string }) => s.userAgent === 'B').sessionId;

    expect((await env.api.delete(`/api/v1/me/sessions/${bId}`, a.accessToken)).status).toBe(204);
    expect((await env.api.get('/api/v1/me', b.accessToken)).status).toBe(401);
    expect((await refresh(b.refreshToken)).status).toBe(401);
    expect((await env.api.get('/api/v1/me', a.accessToken)).status).toBe(200);
    // Ended already: not found, and nothing else changed.
    const again = await env.api.delete(`/api/v1/me/sessions/${bId}`, a.accessToken);
    expect([again.status, again.body.code]).toEqual([404, 'session_not_found']);
    expect((await env.api.get('/api/v1/me/sessions', a.accessToken)).body.total).toBe(1);
  });

  it('ends all my other sessions and keeps this one', async () => {
    const keep = await signIn(env.api, t, 'carol', onDevice('keep'));
    const others = [await signIn(env.api, t, 'carol'), await signIn(env.api, t, 'carol')];
    const res = await env.api.post('/api/v1/me/sessions/revoke-others', {}, keep.accessToken);
    expect([res.status, res.body]).toEqual([200, { revoked: 2 }]);
    for (const o of others) expect((await env.api.get('/api/v1/me', o.accessToken)).status).toBe(401);
    expect((await env.api.get('/api/v1/me', keep.accessToken)).status).toBe(200);
    expect((await refresh(keep.refreshToken)).status).toBe(200);
  });

  it("cannot end someone else's session through my own endpoint", async () => {
    const victim = await signIn(env.api, t, 'fiona');
    const attacker = await signIn(env.api, t, 'alice');
    const [victimSession] = [...(await liveFamilies(t.users.fiona.id))];
    const res = await env.api.delete(`/api/v1/me/sessions/${victimSession}`, attacker.accessToken);
    expect(res.status).toBe(404);
    expect((await env.api.get('/api/v1/me', victim.accessToken)).status).toBe(200);
    expect(await liveFamilies(t.users.fiona.id)).toContain(victimSession);
  });

  describe("an admin and a user's sessions", () => {
    it("cannot end the sessions of someone who outranks you (HR and the tenant admin)", async () => {
      const adminSession = await signIn(env.api, t, 'admin');
      const hr = await tokenFor(env.rt, t.users.harry);
      const [sessionId] = [...(await liveFamilies(t.users.admin.id))];
      const one = await env.api.delete(`/api/v1/users/${t.users.admin.id}/sessions/${sessionId}`, hr);
      expect([one.status, one.body.code]).toEqual([403, 'user_outranks_actor']);
      const all = await env.api.post(`/api/v1/users/${t.users.admin.id}/sessions/revoke-all`, {}, hr);
      expect([all.status, all.body.code]).toEqual([403, 'user_outranks_actor']);
      expect((await env.api.get('/api/v1/me', adminSession.accessToken)).status).toBe(200);
      // HR may still end an employee's sessions (harry's own sessions are ended in the next test,
      // whose revocation would also refuse a token minted for him in the same second).
      await signIn(env.api, t, 'alice');
      expect((await env.api.post(`/api/v1/users/${t.users.alice.id}/sessions/revoke-all`, {}, hr)).status).toBe(200);
    });

    it("lists and ends them; the user's tokens stop at once", async () => {
      const admin = await tokenFor(env.rt, t.users.admin);
      const s1 = await signIn(env.api, t, 'harry', onDevice('lost laptop'));
      const s2 = await signIn(env.api, t, 'harry', onDevice('desk'));
      const list = await env.api.get(`/api/v1/users/${t.users.harry.id}/sessions`, admin);
      expect(list.status).toBe(200);
      expect(list.body.items.map((s: { userAgent: string; current: boolean }) => [s.userAgent, s.current])).toEqual([
        ['desk', false],
        ['lost laptop', false],
      ]);
      const lost = list.body.items[1].sessionId;
      expect((await env.api.delete(`/api/v1/users/${t.users.harry.id}/sessions/${lost}`, admin)).status).toBe(204);
      expect((await env.api.get('/api/v1/me', s1.accessToken)).status).toBe(401);
      expect((await env.api.get('/api/v1/me', s2.accessToken)).status).toBe(200);

      const all = await env.api.post(`/api/v1/users/${t.users.harry.id}/sessions/revoke-all`, {}, admin);
      expect([all.status, all.body]).toEqual([200, { revoked: 1 }]);
      expect((await env.api.get('/api/v1/me', s2.accessToken)).status).toBe(401);
      expect((await refresh(s2.refreshToken)).status).toBe(401);
      expect(await liveFamilies(t.users.harry.id)).toEqual(new Set());
    });

    it('needs user:update (managers without it get 403)', async () => {
      const target = await signIn(env.api, t, 'fiona');
      for (const who of ['carol', 'pete'] as const) {
        const token = await tokenFor(env.rt, t.users[who]);
        expect((await env.api.get(`/api/v1/users/${t.users.fiona.id}/sessions`, token)).status).toBe(403);
        expect((await env.api.post(`/api/v1/users/${t.users.fiona.id}/sessions/revoke-all`, {}, token)).status).toBe(403);
      }
      expect((await env.api.get('/api/v1/me', target.accessToken)).status).toBe(200);
    });

    it("another tenant's admin sees nothing and ends nothing (404)", async () => {
      const victim = await signIn(env.api, t, 'carol');
      const [sessionId] = [...(await liveFamilies(t.users.carol.id))];
      const foreign = await tokenFor(env.rt, other.users.admin);
      expect((await env.api.get(`/api/v1/users/${t.users.carol.id}/sessions`, foreign)).status).toBe(404);
      expect((await env.api.delete(`/api/v1/users/${t.users.carol.id}/sessions/${sessionId}`, foreign)).status).toBe(404);
      expect((await env.api.post(`/api/v1/users/${t.users.carol.id}/sessions/revoke-all`, {}, foreign)).status).toBe(404);
      // Their own user with this tenant's session id: still 404, the session is not theirs.
      expect((await env.api.delete(`/api/v1/users/${other.users.carol.id}/sessions/${sessionId}`, foreign)).status).toBe(404);
      expect((await env.api.get('/api/v1/me', victim.accessToken)).status).toBe(200);
    });
  });
});
