/** Shared set-up of the auth tests: a runtime with its own Redis key space, and login helpers. */
import { DEMO, startApiEnv, uniqueCode, type ApiEnv, type TestApi, type TenantFixture } from '../harness/harness';

/**
 * Every login in these suites comes from 127.0.0.1, so the per-IP failure counter would be
 * shared with every other suite of the run. A private Redis prefix keeps it to this suite.
 */
export function startAuthEnv(overrides: Record<string, string> = {}): Promise<ApiEnv> {
  return startApiEnv({ REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX ?? 'signoff-test:'}${uniqueCode('auth-')}:`, ...overrides });
}

export interface LoginOptions {
  password?: string;
  headers?: Record<string, string>;
}

/** POST /auth/login as one of the fixture's users (by user name unless told otherwise). */
export function login(api: TestApi, t: Pick<TenantFixture, 'tenantCode'>, identifier: string, opts: LoginOptions = {}) {
  const password = opts.password ?? (identifier === 'admin' ? DEMO.adminPassword : DEMO.userPassword);
  return api.request('POST', '/api/v1/auth/login', { body: { tenantCode: t.tenantCode, identifier, password }, headers: opts.headers });
}

/** Log in and return the token pair, failing the test if the login does not succeed. */
export async function signIn(api: TestApi, t: Pick<TenantFixture, 'tenantCode'>, identifier: string, opts: LoginOptions = {}) {
  const res = await login(api, t, identifier, opts);
  if (res.status !== 200) throw new Error(`login of ${identifier} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { accessToken: string; refreshToken: string; accessTokenExpiresAt: string; refreshTokenExpiresAt: string; user: { id: string } };
}
