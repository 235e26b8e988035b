/**
 * `GET /metrics` of the API: what a request leaves there (names, labels), that label values are
 * templates and codes (never ids), that the endpoint is closed without its token, and the
 * business gauges read from the read model after a real two-step approval.
 */
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { startMetricsServer } from '../../api/ops/metrics-endpoint';
import { createTestRuntime, startApiEnv } from '../harness/harness';
import { act, approval, openTaskOf, publish, startRuntimeEnv, submit, until, type RuntimeEnv } from '../approval-runtime/helpers';

const TOKEN = 'metrics-test-token-0123456789';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format, enough of it: `name{a="b",…} value`. */
function parse(text: string): Sample[] {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((line) => {
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!m) throw new Error(`not a sample line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, k, v] of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k] = v;
      return { name: m[1], labels, value: Number(m[3]) };
    });
}

const find = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

const UUIDISH = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

describe('API metrics', () => {
  let env: RuntimeEnv;
  const scrape = async () => {
    const res = await env.api.request('GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parse(res.body as string);
  };

  beforeAll(async () => {
    // No read-model cache: each scrape below must see the state just reached.
    env = await startRuntimeEnv({ METRICS_TOKEN: TOKEN, METRICS_CACHE_SECONDS: '0' });
  });
  afterAll(() => env?.close());

  it('refuses a scrape without the token or with a wrong one', async () => {
    expect((await env.api.get('/metrics')).status).toBe(401);
    expect((await env.api.request('GET', '/metrics', { headers: { authorization: 'Bearer wrong-token-wrong-token-xx' } })).status).toBe(401);
  });

  it('counts requests by method, route template and status, and auth failures by reason, with no id in any label', async () => {
    const someId = randomUUID();
    expect((await env.api.get(`/api/v1/approvals/${someId}`, env.tokens.alice)).status).toBe(404);
    expect((await env.api.get(`/api/v1/approvals/${someId}`, 'not-a-token')).status).toBe(401);
    expect((await env.api.get(`/api/v1/no-such/${someId}`)).status).toBe(404);

    const samples = await scrape();
    const hits = find(samples, 'signoff_http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/approvals/:id', status: '404' });
    expect(hits).toHaveLength(1);
    expect(hits[0].value).toBeGreaterThanOrEqual(1);
    expect(find(samples, 'signoff_http_request_duration_seconds_bucket', { route: '/api/v1/approvals/:id', status: '404', le: '0.1' })).toHaveLength(1);
    expect(find(samples, 'signoff_http_request_duration_seconds_count', { route: 'unmatched', status: '404' })[0]?.value).toBeGreaterThanOrEqual(1);
    expect(find(samples, 'signoff_auth_failures_total').map((s) => s.labels.reason)).toContain('token_invalid');
    expect(find(samples, 'signoff_http_requests_in_flight')).toHaveLength(1);
    expect(find(samples, 'process_resident_memory_bytes')).toHaveLength(1);
    expect(find(samples, 'signoff_dependency_up', { dependency: 'database' })[0]?.value).toBe(1);
    expect(find(samples, 'signoff_dependency_up', { dependency: 'redis' })[0]?.value).toBe(1);

    // Bounded labels: every route is a template or `unmatched`, and no label value is an id.
    for (const s of find(samples, 'signoff_http_request_duration_seconds_count')) expect(s.labels.route === 'unmatched' || s.labels.route.startsWith('/')).toBe(true);
    for (const s of samples) for (const v of Object.values(s.labels)) expect(v).not.toMatch(UUIDISH);
  });

  it('times Temporal client calls by operation and reads approvals, open tasks and their age from the read model', async () => {
    const key = await publish(env, [approval('one', [env.id('pete')]), approval('two', [env.id('carol')])]);
    const instanceId = await submit(env, key);
    const detail = await until(env, instanceId, (d) => d.tasks.some((t: any) => t.status === 'open'));

    let samples = await scrape();
    expect(find(samples, 'signoff_temporal_client_duration_seconds_count', { operation: 'start', outcome: 'ok' })[0]?.value).toBeGreaterThanOrEqual(1);
    expect(find(samples, 'signoff_approval_requests', { template: key, status: 'running' })[0]?.value).toBe(1);
    expect(find(samples, 'signoff_approval_open_tasks', { template: key, step: 'one' })[0]?.value).toBe(1);
    expect(find(samples, 'signoff_approval_oldest_open_task_age_seconds', { template: key, step: 'one' })[0]?.value).toBeGreaterThanOrEqual(0);
    expect(find(samples, 'signoff_read_model_up')[0]?.value).toBe(1);

    expect((await act(env, 'pete', instanceId, openTaskOf(detail, env.id('pete')), 'approve')).status).toBe(200);
    const second = await until(env, instanceId, (d) => d.tasks.some((t: any) => t.stepId === 'two' && t.status === 'open'));
    expect((await act(env, 'carol', instanceId, openTaskOf(second, env.id('carol')), 'approve')).status).toBe(200);
    await until(env, instanceId, (d) => d.status === 'approved');

    samples = await scrape();
    expect(find(samples, 'signoff_temporal_client_duration_seconds_count', { operation: 'update', outcome: 'ok' })[0]?.value).toBeGreaterThanOrEqual(2);
    expect(find(samples, 'signoff_approval_requests', { template: key, status: 'approved' })[0]?.value).toBe(1);
    expect(find(samples, 'signoff_approval_requests', { template: key, status: 'running' })).toHaveLength(0);
    expect(find(samples, 'signoff_approval_open_tasks', { template: key })).toHaveLength(0);
    for (const s of samples) for (const v of Object.values(s.labels)) expect(v).not.toMatch(UUIDISH);
  });
});

describe('where metrics are served', () => {
  it('is not served at all without METRICS_TOKEN or METRICS_PORT', async () => {
    const env = await startApiEnv({ METRICS_TOKEN: '', METRICS_PORT: '' });
    try {
      const res = await env.api.get('/metrics');
      expect(res.status).toBe(404);
    } finally {
      await env.close();
    }
  });

  it('serves them on the internal port only when METRICS_PORT is set', async () => {
    const rt = await createTestRuntime({ METRICS_PORT: '0', METRICS_TOKEN: '' });
    const env = await startApiEnv({ METRICS_PORT: '0', METRICS_TOKEN: '' });
    const server = await startMetricsServer(rt);
    try {
      expect((await env.api.get('/metrics')).status).toBe(404);
      const { port } = server!.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('signoff_http_request_duration_seconds');
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    } finally {
      server?.close();
      await env.close();
      await rt.close();
    }
  });
});
