/**
 * A backing store down is an outage, not a defect: with Redis unreachable, authenticated calls
 * and logins fail closed with 503 `dependency_unavailable` and Retry-After (the session
 * denylist and the login lock cannot be checked), never 200 and never a bare 500.
 */
import { createServer } from 'node:net';
import { ConnectionException } from '@mikro-orm/core';
import { createTenant, createTestRuntime, DEMO, startTestApi, type TenantFixture, type TestApi } from '../harness/harness';
import type { Runtime } from '../../activities/runtime';
import { toProblem } from '../../api/middleware/errors';

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('a backing store is down', () => {
  let healthy: Runtime;
  let rt: Runtime;
  let api: TestApi;
  let t: TenantFixture;

  beforeAll(async () => {
    // The tenant is seeded through a healthy runtime; the API under test has no Redis.
    healthy = await createTestRuntime();
    t = await createTenant(healthy);
    rt = await createTestRuntime({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
    api = await startTestApi(rt);
  });
  afterAll(async () => {
    await api?.close();
    rt?.redis.disconnect();
    await rt?.close().catch(() => undefined);
    await healthy?.close();
  });

  it('answers 503 dependency_unavailable with Retry-After to a login and to an authenticated call', async () => {
    const login = await api.post('/api/v1/auth/login', { tenantCode: t.tenantCode, identifier: 'alice', password: DEMO.userPassword });
    expect([login.status, login.body.code]).toEqual([503, 'dependency_unavailable']);
    expect(login.headers.get('retry-after')).toBe('5');
    expect(login.body.detail).toContain('session store');

    const token = await healthy.tokens.issue(t.users.alice);
    const me = await api.get('/api/v1/me', token.token);
    expect([me.status, me.body.code]).toEqual([503, 'dependency_unavailable']);
  });

  it('still answers the health probe (liveness does not depend on Redis)', async () => {
    expect((await api.get('/health')).status).toBe(200);
  });

  it('maps a lost database connection the same way', () => {
    const problem = toProblem(new ConnectionException(new Error('connect ECONNREFUSED 127.0.0.1:3306')));
    expect(problem).toMatchObject({ status: 503, code: 'dependency_unavailable', retryAfter: 5 });
    expect(problem.detail).toContain('database');
  });
});
