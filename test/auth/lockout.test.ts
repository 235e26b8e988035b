/** Brute-force protection: per-account and per-IP locks in Redis, Retry-After, reset on success. */
import { setTimeout as sleep } from 'node:timers/promises';
import { createTenant, type TenantFixture, type ApiEnv } from '../harness/harness';
import { LoginLog } from '../../db/entities';
import { accountOf, loginGuardKeys } from '../../activities/auth/login-guard';
import { login, startAuthEnv } from './helpers';

const WRONG = 'Wrong-password-1';
let ipSeq = 0;
/** A fresh client address per test (the app trusts X-Forwarded-For in this suite). */
const freshIp = () => ({ 'x-forwarded-for': `10.77.${Math.floor(++ipSeq / 250)}.${ipSeq % 250}` });

describe('login lockout', () => {
  let env: ApiEnv;
  let t: TenantFixture;
  const previousTrustProxy = process.env.TRUST_PROXY;

  beforeAll(async () => {
    process.env.TRUST_PROXY = 'true';
    env = await startAuthEnv({
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
      LOGIN_MAX_FAILURES_PER_IP: '6',
      LOGIN_FAILURE_WINDOW_SECONDS: '60',
      LOGIN_LOCK_SECONDS: '30',
      // The account's first delay (at the limit) is 30 s, doubling per further failure.
      LOGIN_DELAY_BASE_SECONDS: '30',
      LOGIN_DELAY_MAX_SECONDS: '120',
    });
    t = await createTenant(env.rt);
  });
  afterAll(async () => {
    await env.close();
    if (previousTrustProxy === undefined) delete process.env.TRUST_PROXY;
    else process.env.TRUST_PROXY = previousTrustProxy;
  });

  const reasonsOf = async (userId: string) =>
    (await env.rt.orm.em.fork().find(LoginLog, { userId }, { orderBy: { createdAt: 'asc', id: 'asc' } })).map((l) => l.reason);

  it('locks an account after the configured failures, with Retry-After, without trying the password', async () => {
    const headers = freshIp();
    for (let i = 1; i <= 3; i++) {
      const res = await login(env.api, t, 'alice', { password: WRONG, headers });
      expect(res.status).toBe(401);
    }
    // Even the right password is not tried while the lock lasts.
    const locked = await login(env.api, t, 'alice', { headers });
    expect(locked.status).toBe(429);
    expect(locked.headers.get('content-type')).toContain('application/problem+json');
    expect(locked.body.code).toBe('login_locked');
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(25);
    expect(retryAfter).toBeLessThanOrEqual(30);
    expect(locked.body.retryAfter).toBe(retryAfter);

    // The lock is per account: the same identifier from elsewhere is locked too…
    expect((await login(env.api, t, 'alice', { headers: freshIp() })).status).toBe(429);
    // …and another account from the same address is not.
    expect((await login(env.api, t, 'pete', { headers })).status).toBe(200);

    expect(await reasonsOf(t.users.alice.id)).toEqual(['bad_credentials', 'bad_credentials', 'bad_credentials', 'locked', 'locked']);
  });

  it('counts the identifier case-insensitively', async () => {
    const headers = freshIp();
    for (const id of ['Fiona', 'FIONA', ' fiona']) expect((await login(env.api, t, id, { password: WRONG, headers })).status).toBe(401);
    expect((await login(env.api, t, 'fiona', { headers })).status).toBe(429);
  });

  it('resets the account counter on a successful login', async () => {
    const headers = freshIp();
    for (let i = 0; i < 2; i++) expect((await login(env.api, t, 'carol', { password: WRONG, headers })).status).toBe(401);
    expect((await login(env.api, t, 'carol', { headers })).status).toBe(200);
    // Without the reset these two would be failures 3 and 4 and the next login would be locked.
    for (let i = 0; i < 2; i++) expect((await login(env.api, t, 'carol', { password: WRONG, headers })).status).toBe(401);
    expect((await login(env.api, t, 'carol', { headers })).status).toBe(200);
  });

  it('locks a client address that fails across many accounts', async () => {
    const headers = freshIp();
    // Six different identifiers, one failure each: no account reaches its limit, the IP does.
    for (const id of ['u1', 'u2', 'u3', 'u4', 'u5', 'u6']) expect((await login(env.api, t, id, { password: WRONG, headers })).status).toBe(401);
    const locked = await login(env.api, t, 'harry', { headers });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('login_locked');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // harry himself is not locked: from another address he gets in.
    expect((await login(env.api, t, 'harry', { headers: freshIp() })).status).toBe(200);
    expect(await reasonsOf(t.users.harry.id)).toEqual(['locked', 'ok']);
  });

  it('counts concurrent failures atomically: exactly the limit delays the account', async () => {
    const headers = freshIp();
    const burst = await Promise.all([1, 2, 3].map(() => login(env.api, { tenantCode: t.tenantCode }, 'burst-user', { password: WRONG, headers })));
    expect(burst.map((r) => r.status)).toEqual([401, 401, 401]);
    const account = accountOf({ tenantCode: t.tenantCode, identifier: 'burst-user' });
    expect(await env.rt.redis.exists(loginGuardKeys.accountLock(account))).toBe(1);
    // The count lives on: the next failure after the delay earns a longer one.
    expect(await env.rt.redis.get(loginGuardKeys.accountFailures(account))).toBe('3');
    expect((await login(env.api, t, 'burst-user', { password: WRONG, headers: freshIp() })).status).toBe(429);
  });

  it('lets the account in again once the lock has expired', async () => {
    const short = await startAuthEnv({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '2', LOGIN_DELAY_BASE_SECONDS: '1' });
    try {
      const s = await createTenant(short.rt);
      for (let i = 0; i < 2; i++) expect((await login(short.api, s, 'alice', { password: WRONG })).status).toBe(401);
      const locked = await login(short.api, s, 'alice');
      expect(locked.status).toBe(429);
      expect(locked.headers.get('retry-after')).toBe('1');
      await sleep(1200);
      expect((await login(short.api, s, 'alice')).status).toBe(200);
    } finally {
      await short.close();
    }
  });
});
