/**
 * Login lockout attacks (issue 8, item 10), through the real API and Redis:
 *  - guessing through the username and then the email does not double the attempts: one
 *    account, one counter;
 *  - the account is slowed by a progressive delay, not shut for a long lock: once the
 *    (short) delay has passed, the owner signs in, and each further failure earns a longer one.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LoginLog, User } from '../../db/entities';
import { createTenant, type ApiEnv, type TenantFixture } from '../harness/harness';
import { login, startAuthEnv } from '../auth/helpers';

const WRONG = 'Wrong-password-1';

describe('login lockout attacks', () => {
  let env: ApiEnv;
  let t: TenantFixture;
  beforeAll(async () => {
    env = await startAuthEnv({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_DELAY_BASE_SECONDS: '1', LOGIN_DELAY_MAX_SECONDS: '4', LOGIN_MAX_FAILURES_PER_IP: '1000' });
    t = await createTenant(env.rt);
  });
  afterAll(() => env?.close());

  const reasonsOf = async (userId: string) =>
    (await env.rt.orm.em.fork().find(LoginLog, { userId }, { orderBy: { createdAt: 'asc', id: 'asc' } })).map((l) => l.reason);

  it('username and email are one account: switching identifiers does not buy more guesses', async () => {
    const email = (await env.rt.orm.em.fork().findOneOrFail(User, { id: t.users.carol.id })).email;
    for (const identifier of ['carol', email, 'CAROL']) expect((await login(env.api, t, identifier, { password: WRONG })).status).toBe(401);
    // The fourth guess, by email, meets the delay: not even the right password is tried.
    const delayed = await login(env.api, t, email);
    expect([delayed.status, delayed.body.code]).toEqual([429, 'login_locked']);
    expect(Number(delayed.headers.get('retry-after'))).toBe(1);
    expect(await reasonsOf(t.users.carol.id)).toEqual(['bad_credentials', 'bad_credentials', 'bad_credentials', 'locked']);
  });

  it('the delay grows per failure but never becomes a lock the attacker can hold: the owner gets in after it', async () => {
    const retryAfters: number[] = [];
    for (let i = 0; i < 3; i++) expect((await login(env.api, t, 'fiona', { password: WRONG })).status).toBe(401);
    for (let round = 0; round < 2; round++) {
      const delayed = await login(env.api, t, 'fiona', { password: WRONG });
      expect(delayed.status).toBe(429);
      const wait = Number(delayed.headers.get('retry-after'));
      retryAfters.push(wait);
      await sleep(wait * 1000 + 200);
      // The attacker guesses again as soon as allowed: another failure, a longer delay.
      expect((await login(env.api, t, 'fiona', { password: WRONG })).status).toBe(401);
    }
    expect(retryAfters).toEqual([1, 2]);
    const capped = await login(env.api, t, 'fiona');
    expect(Number(capped.headers.get('retry-after'))).toBe(4);
    // After the (capped) delay the owner signs in, and the count is cleared.
    await sleep(4200);
    expect((await login(env.api, t, 'fiona')).status).toBe(200);
    expect((await login(env.api, t, 'fiona', { password: WRONG })).status).toBe(401);
  });
});
