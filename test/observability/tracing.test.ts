/**
 * One trace from the HTTP request through the Temporal client into the workflow and its
 * activities, caught by an in-memory exporter; and the trace id in problem+json responses.
 * Tracing is process-wide: this suite installs it first and removes it at the end.
 */
import { randomUUID } from 'node:crypto';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { installTracing, shutdownTracing } from '../../common/tracing';
import { act, approval, openTaskOf, publish, startRuntimeEnv, until, APPROVALS, type RuntimeEnv } from '../approval-runtime/helpers';

const exporter = new InMemorySpanExporter();

const traceIdOf = (headers: Headers) => headers.get('traceparent')?.split('-')[1];

async function spansOf(traceId: string, ready: (spans: ReadableSpan[]) => boolean, timeoutMs = 20_000): Promise<ReadableSpan[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    if (ready(spans)) return spans;
    if (Date.now() > deadline) throw new Error(`trace incomplete: ${spans.map((s) => s.name).join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('tracing', () => {
  let env: RuntimeEnv;
  beforeAll(async () => {
    // Before the runtime and the worker: the client and the workflow span sink look at it when built.
    installTracing('signoff-test', { exporter });
    env = await startRuntimeEnv();
  });
  afterAll(async () => {
    await env?.close();
    await shutdownTracing();
  });

  it('follows an approval from the HTTP request into the workflow and its activities', async () => {
    const key = await publish(env, [approval('one', [env.id('pete')])]);
    const res = await env.api.request('POST', APPROVALS, { body: { templateKey: key, form: { amount: 5 } }, token: env.tokens.alice });
    expect(res.status).toBe(202);
    const traceId = traceIdOf(res.headers);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const instanceId = res.body.instanceId as string;
    const detail = await until(env, instanceId, (d) => d.tasks.some((t: any) => t.status === 'open'));
    // Finishing the request closes the workflow's run span, which is exported when it ends.
    expect((await act(env, 'pete', instanceId, openTaskOf(detail, env.id('pete')), 'approve')).status).toBe(200);

    // Pete's assignment notice is mailed by an activity of the same trace.
    const spans = await spansOf(
      traceId!,
      (s) => s.some((x) => x.name.startsWith('RunWorkflow:')) && s.some((x) => x.name.startsWith('RunActivity:')) && s.some((x) => x.name === 'mail send'),
    );
    const byName = (prefix: string) => spans.filter((s) => s.name.startsWith(prefix));
    const server = byName('POST /api/v1/approvals');
    expect(server).toHaveLength(1);
    expect(server[0].attributes['http.route']).toBe('/api/v1/approvals');
    const start = byName('StartWorkflow:');
    expect(start).toHaveLength(1);
    // Parent chain: HTTP server span → client start → workflow run → activity.
    expect(start[0].parentSpanId).toBe(server[0].spanContext().spanId);
    const run = byName('RunWorkflow:');
    expect(run.length).toBeGreaterThanOrEqual(1);
    const activities = byName('RunActivity:');
    expect(activities.length).toBeGreaterThanOrEqual(1);
    // SQL statements are spans of whoever ran them: the API request and the activities.
    const db = byName('db ');
    const parentOf = (ids: string[]) => db.filter((d) => ids.includes(d.parentSpanId ?? ''));
    expect(parentOf([server[0].spanContext().spanId]).length).toBeGreaterThanOrEqual(1);
    expect(parentOf(activities.map((a) => a.spanContext().spanId)).length).toBeGreaterThanOrEqual(1);
    expect(db.every((d) => d.attributes['db.system'] === 'mysql' && typeof d.attributes['db.operation'] === 'string')).toBe(true);
    // The mail goes out inside the notifying activity.
    const mail = byName('mail send');
    expect(activities.map((a) => a.spanContext().spanId)).toContain(mail[0].parentSpanId);
  });

  it('puts the trace id and the request id into problem+json and the response headers', async () => {
    const res = await env.api.request('GET', `${APPROVALS}/${randomUUID()}`, { token: env.tokens.alice, headers: { 'x-request-id': 'req-trace-1' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(res.body.requestId).toBe('req-trace-1');
    expect(res.body.traceId).toBe(traceIdOf(res.headers));
    expect(res.body.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('continues a caller\'s trace from its traceparent header', async () => {
    const callerTrace = randomUUID().replace(/-/g, '');
    const res = await env.api.request('GET', `${APPROVALS}/${randomUUID()}`, { token: env.tokens.alice, headers: { traceparent: `00-${callerTrace}-00f067aa0ba902b7-01` } });
    expect(res.body.traceId).toBe(callerTrace);
  });
});
