/**
 * Test harness: a real runtime (MariaDB, Redis, Temporal from global-setup), the real Koa app on
 * an ephemeral port, a small HTTP client, tenant fixtures and a worker on a private task queue.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { RequestContext } from '@mikro-orm/core';
import { DefaultLogger, NativeConnection, Runtime as TemporalRuntime, type Worker } from '@temporalio/worker';
import { loadConfig, type AppConfig } from '../../common/config';
import { createRuntime, type Runtime } from '../../activities/runtime';
import { createApp } from '../../api/app';
import { createWorker } from '../../workers/create-worker';
import type { Activities } from '../../activities';
import { seedDemoData, DEMO } from '../../db/seed';

export { DEMO };

export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({ ...process.env, ...overrides });
}

export async function createTestRuntime(overrides: Record<string, string> = {}): Promise<Runtime> {
  return createRuntime(testConfig(overrides), { name: 'test' });
}

/** Run code with a MikroORM context (like a request or an activity would have). */
export const inContext = <T>(rt: Runtime, fn: () => Promise<T>): Promise<T> => RequestContext.create(rt.orm.em, fn);

export interface HttpResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface ApiClient {
  baseUrl: string;
  request<T = any>(method: string, path: string, opts?: { body?: unknown; token?: string; headers?: Record<string, string>; raw?: string }): Promise<HttpResponse<T>>;
  get<T = any>(path: string, token?: string): Promise<HttpResponse<T>>;
  post<T = any>(path: string, body?: unknown, token?: string): Promise<HttpResponse<T>>;
  put<T = any>(path: string, body?: unknown, token?: string): Promise<HttpResponse<T>>;
  patch<T = any>(path: string, body?: unknown, token?: string): Promise<HttpResponse<T>>;
  delete<T = any>(path: string, token?: string): Promise<HttpResponse<T>>;
}

export interface TestApi extends ApiClient {
  server: Server;
  close(): Promise<void>;
}

export function apiClient(baseUrl: string): ApiClient {
  const request: ApiClient['request'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    if (opts.token) headers.authorization = opts.token.startsWith('ApiKey ') ? opts.token : `Bearer ${opts.token}`;
    let payload: string | undefined = opts.raw;
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(opts.body);
    } else if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(baseUrl + path, { method, headers, body: payload });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: body as never, headers: res.headers };
  };
  return {
    baseUrl,
    request,
    get: (p, t) => request('GET', p, { token: t }),
    post: (p, b, t) => request('POST', p, { body: b, token: t }),
    put: (p, b, t) => request('PUT', p, { body: b, token: t }),
    patch: (p, b, t) => request('PATCH', p, { body: b, token: t }),
    delete: (p, t) => request('DELETE', p, { token: t }),
  };
}

export async function startTestApi(rt: Runtime): Promise<TestApi> {
  const server = createApp(rt).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const client = apiClient(`http://127.0.0.1:${port}`);
  return {
    ...client,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const uniqueCode = (prefix = 't') => `${prefix}${randomBytes(4).toString('hex')}`;

export type TenantFixture = Awaited<ReturnType<typeof seedDemoData>>;

/** A fresh tenant with the demo org chart (admin, carol, pete, alice, fiona, harry) and built-in roles. */
export async function createTenant(rt: Runtime, code = uniqueCode()): Promise<TenantFixture> {
  return seedDemoData(rt.orm.em.fork(), { tenantCode: code, tenantName: `Tenant ${code}`, scryptLogN: rt.config.SCRYPT_LOG_N });
}

/** Mint an access token directly (no login), for tests that are not about auth. */
export async function tokenFor(rt: Runtime, user: { id: string; tenantId: string }): Promise<string> {
  return (await rt.tokens.issue(user)).token;
}

export type DemoUser = keyof TenantFixture['users'];
export type TenantWithTokens = TenantFixture & { tokens: Record<DemoUser, string> };

/** A fresh tenant with the demo org chart and an access token for each of its users. */
export async function tenantWithTokens(rt: Runtime): Promise<TenantWithTokens> {
  const t = await createTenant(rt);
  const tokens = {} as Record<DemoUser, string>;
  for (const [name, user] of Object.entries(t.users)) tokens[name as DemoUser] = await tokenFor(rt, user);
  return { ...t, tokens };
}

/** A runtime and the API on a free port (no worker), closed together. */
export interface ApiEnv {
  rt: Runtime;
  api: TestApi;
  close(): Promise<void>;
}

export async function startApiEnv(overrides: Record<string, string> = {}): Promise<ApiEnv> {
  const rt = await createTestRuntime(overrides);
  const api = await startTestApi(rt);
  return {
    rt,
    api,
    async close() {
      await api.close();
      await rt.close();
    },
  };
}

/** The same, started in beforeAll and closed in afterAll of the calling test file; filled in then. */
export function useSuite(overrides: Record<string, string> = {}): { rt: Runtime; api: TestApi } {
  const suite = {} as { rt: Runtime; api: TestApi };
  let env: ApiEnv | undefined;
  beforeAll(async () => {
    env = await startApiEnv(overrides);
    Object.assign(suite, { rt: env.rt, api: env.api });
  });
  afterAll(async () => {
    await env?.close();
  });
  return suite;
}

export interface TestWorker {
  worker: Worker;
  taskQueue: string;
  /** Stop polling and wait until the worker has shut down. */
  stop(): Promise<void>;
}

/** The SDK's runtime can be installed once per process: quiet (WARN) for tests. */
export function installQuietTemporalRuntime() {
  const g = globalThis as { __signoffTemporalRuntime?: boolean };
  if (g.__signoffTemporalRuntime) return;
  g.__signoffTemporalRuntime = true;
  try {
    TemporalRuntime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  } catch {
    /* already installed by an earlier suite in this process: keep it */
  }
}

/** A worker on its own task queue, using the bundle built in global setup. */
export async function startTestWorker(
  rt: Runtime,
  taskQueue = uniqueCode('tq-'),
  opts: { wrapActivities?: (a: Activities) => Activities } = {},
): Promise<TestWorker> {
  installQuietTemporalRuntime();
  const connection = await NativeConnection.connect({ address: rt.config.TEMPORAL_ADDRESS! });
  const worker = await createWorker(rt, {
    connection,
    taskQueue,
    workflowBundle: { codePath: process.env.SIGNOFF_TEST_BUNDLE! },
    wrapActivities: opts.wrapActivities,
  });
  const running = worker.run();
  let stopped: Promise<void> | undefined;
  return {
    worker,
    taskQueue,
    // Idempotent: a test that stops the worker itself (a restart) leaves the suite's close() to run it again.
    stop() {
      stopped ??= (async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
        await connection.close();
      })();
      return stopped;
    },
  };
}
