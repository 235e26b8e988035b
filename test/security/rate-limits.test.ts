/**
 * Tiered request limits (issue 8, item 8), against the real API and Redis. Each suite has its
 * own Redis key prefix, so its counters start at zero (the test run turns limits off for
 * everyone else, see test/global-setup.ts).
 *  - the default 100 requests a minute per user: the 101st is refused, and changes nothing;
 *    another user of the same tenant is unaffected;
 *  - per tenant, per address (before authentication too), batch approve counted per item;
 *  - Redis unreachable: limits fail open, authentication stays closed.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../common/config';
import { Todo } from '../../db/entities';
import { startApiEnv, tenantWithTokens, uniqueCode, useSuite, type TenantWithTokens } from '../harness/harness';

/** The API with these limits and counters of its own; Redis connected (limits fail open until then). */
function limitedSuite(limits: Record<string, string>) {
  const suite = useSuite({ ...limits, REDIS_KEY_PREFIX: `sec-rl:${uniqueCode()}:` });
  beforeAll(() => suite.rt.redis.ping());
  return suite;
}
const TODOS = '/api/v1/todos';

const expect429 = (res: { status: number; body: any; headers: Headers }, limit: number) => {
  expect(res.status).toBe(429);
  expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(res.body.code).toBe('rate_limited');
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(res.headers.get('ratelimit-limit')).toBe(String(limit));
  expect(res.headers.get('ratelimit-remaining')).toBe('0');
  expect(Number(res.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
};

describe('per user, with the default limits', () => {
  const defaults = loadConfig({});
  const suite = limitedSuite({
    RATE_LIMIT_PER_USER: String(defaults.RATE_LIMIT_PER_USER),
    RATE_LIMIT_PER_TENANT: String(defaults.RATE_LIMIT_PER_TENANT),
    RATE_LIMIT_PER_IP: String(defaults.RATE_LIMIT_PER_IP),
    RATE_LIMIT_PER_API_KEY: String(defaults.RATE_LIMIT_PER_API_KEY),
  });
  let t: TenantWithTokens;
  beforeAll(async () => {
    t = await tenantWithTokens(suite.rt);
  });

  it('the defaults are 100 per user, 10,000 per tenant, 1,000 per address, 5,000 per API key, a minute', () => {
    expect(defaults).toMatchObject({ RATE_LIMIT_PER_USER: 100, RATE_LIMIT_PER_TENANT: 10_000, RATE_LIMIT_PER_IP: 1_000, RATE_LIMIT_PER_API_KEY: 5_000, RATE_LIMIT_WINDOW_SECONDS: 60 });
  });

  it('the 101st request in a minute is refused and writes nothing; another user is unaffected', async () => {
    for (let i = 0; i < 100; i++) {
      const res = await suite.api.get('/api/v1/me', t.tokens.alice);
      expect(res.status).toBe(200);
      if (i === 0) expect(res.headers.get('ratelimit-limit')).toBe('100');
    }
    const before = await suite.rt.orm.em.fork().count(Todo, { tenantId: t.tenantId, userId: t.users.alice.id });
    const refused = await suite.api.post(TODOS, { title: 'one too many' }, t.tokens.alice);
    expect429(refused, 100);
    expect(await suite.rt.orm.em.fork().count(Todo, { tenantId: t.tenantId, userId: t.users.alice.id })).toBe(before);

    const other = await suite.api.post(TODOS, { title: 'not limited' }, t.tokens.pete);
    expect(other.status).toBe(201);
    // The headers show the tier closest to its limit: by now the address (1,000), after 102 calls
    // (the refused one counts too).
    expect(other.headers.get('ratelimit-limit')).toBe('1000');
    expect(Number(other.headers.get('ratelimit-remaining'))).toBe(1000 - 102);
  });
});

describe('per tenant, per address and batch approve, with low limits', () => {
  const suite = limitedSuite({ RATE_LIMIT_PER_USER: '5', RATE_LIMIT_PER_TENANT: '8', RATE_LIMIT_PER_IP: '0' });
  let t: TenantWithTokens;
  let other: TenantWithTokens;
  beforeAll(async () => {
    t = await tenantWithTokens(suite.rt);
    other = await tenantWithTokens(suite.rt);
  });

  it('a batch approve counts each item: six items are over a limit of five, and nothing is approved', async () => {
    const items = Array.from({ length: 6 }, () => ({ instanceId: randomUUID(), taskId: randomUUID() }));
    const res = await suite.api.post('/api/v1/approvals/batch-approve', { items }, t.tokens.carol);
    expect429(res, 5);
    // The batch was refused before any item ran: a single approve by carol is refused too.
    expect((await suite.api.get('/api/v1/me', t.tokens.carol)).status).toBe(429);
  });

  it('the tenant tier adds its users up; another tenant is unaffected', async () => {
    // carol already spent 7 of the tenant's 8: the batch (1 + 5 more items) and her refused call,
    // since refused calls count too. Alice gets the last one; the others are over the tenant's limit.
    const statuses: number[] = [];
    for (const user of ['alice', 'pete', 'fiona'] as const) statuses.push((await suite.api.get('/api/v1/me', t.tokens[user])).status);
    expect(statuses).toEqual([200, 429, 429]);
    const res = await suite.api.post(TODOS, { title: 'over the tenant' }, t.tokens.harry);
    expect429(res, 8);
    expect(await suite.rt.orm.em.fork().count(Todo, { tenantId: t.tenantId, title: 'over the tenant' })).toBe(0);
    expect((await suite.api.get('/api/v1/me', other.tokens.alice)).status).toBe(200);
  });
});

describe('per API key', () => {
  const suite = limitedSuite({ RATE_LIMIT_PER_API_KEY: '3', RATE_LIMIT_PER_USER: '2', RATE_LIMIT_PER_TENANT: '0', RATE_LIMIT_PER_IP: '0' });
  let t: TenantWithTokens;
  beforeAll(async () => {
    t = await tenantWithTokens(suite.rt);
  });

  it('a key has its own limit, apart from its owner\'s; the 4th call is refused', async () => {
    const created = await suite.api.post('/api/v1/api-keys', { name: 'export', scopes: ['loginlog:read'] }, t.tokens.admin); // admin: 1 of 2
    expect(created.status).toBe(201);
    const withKey = () => suite.api.request('GET', '/api/v1/auth/login-logs', { token: `ApiKey ${created.body.key}` });
    // Three calls pass although the owner's own limit is 2: keys count per key, not per user.
    for (let i = 0; i < 3; i++) expect((await withKey()).status).toBe(200);
    expect429(await withKey(), 3);
    // The owner, signed in, is on the user tier and still has a call left.
    expect((await suite.api.get('/api/v1/auth/login-logs', t.tokens.admin)).status).toBe(200);
  });
});

describe('per address, before authentication', () => {
  const suite = limitedSuite({ RATE_LIMIT_PER_IP: '3' });

  it('unauthenticated calls count: the 4th login attempt is refused before the password is checked', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await suite.api.post('/api/v1/auth/login', { tenantCode: 'nope', identifier: 'x', password: 'wrong-password-1' });
      statuses.push(res.status);
      if (i === 3) expect429(res, 3);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    // A spoofed X-Forwarded-For (no trusted proxy) is the same address.
    const spoofed = await suite.api.request('GET', '/api/v1/me', { headers: { 'x-forwarded-for': '198.51.100.1' } });
    expect(spoofed.status).toBe(429);
    // Outside /api (health, docs, the console) is not counted.
    expect((await suite.api.get('/health')).status).toBe(200);
  });
});

describe('Redis unreachable', () => {
  it('limits fail open; authentication stays closed', async () => {
    // Nothing listens on port 1: every Redis call fails.
    const env = await startApiEnv({ REDIS_URL: 'redis://127.0.0.1:1', RATE_LIMIT_PER_IP: '1', RATE_LIMIT_PER_USER: '1' });
    try {
      const t = await tenantWithTokens(env.rt);
      for (let i = 0; i < 3; i++) {
        const open = await env.api.get('/api/v1/console-config');
        expect(open.status).toBe(200);
      }
      // The access token is valid, but its revocation cannot be checked: refused, not let through.
      const authed = await env.api.get('/api/v1/me', t.tokens.alice);
      expect(authed.status).toBeGreaterThanOrEqual(500);
    } finally {
      await env.close();
    }
  });
});
