/**
 * Action steps that reach outside the engine, against real parts: a webhook to a local HTTP
 * receiver (a 503 first, so the retry must carry the same Idempotency-Key), a named system
 * activity that puts a to-do on the initiator's list, and an activity hook that posts a
 * message once the request is approved. A receiver that says 400 stalls the request for an administrator (interventions.test.ts retries it).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { InAppMessage, Todo } from '../../db/entities';
import { exportHistory, itReplaysCommittedHistory } from '../harness/replay';
import { act, approval, openTaskOf, publish, startRuntimeEnv, submit, until, type RuntimeEnv } from './helpers';

/** Recorded from the first scenario with RECORD_HISTORIES=1 (webhook retry, activity step, activity hook). */
const HISTORY = join(__dirname, 'histories', 'approval-system-steps.json');

interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

describe('approval system steps: webhook, system activities, activity hooks', () => {
  let env: RuntimeEnv;
  let server: Server;
  let base: string;
  const received: Received[] = [];
  /** Path → the statuses to answer, in turn (then 200). */
  const script = new Map<string, number[]>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        received.push({ method: req.method!, path: req.url!, headers: req.headers, body: data ? JSON.parse(data) : null });
        const status = script.get(req.url!)?.shift() ?? 200;
        res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The receiver is on loopback: webhooks reach internal addresses only for hosts listed here.
    env = await startRuntimeEnv({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' });
  });
  afterAll(async () => {
    await env?.close();
    await new Promise((r) => server.close(r));
  });

  it('calls the webhook (retrying a 503 with the same key), runs the activity step and the approval hook', async () => {
    script.set('/erp/approved', [503]);
    const key = await publish(
      env,
      [
        approval('one', [env.id('pete')]),
        { kind: 'action', id: 'erp', name: 'Tell the ERP', action: 'webhook', args: { url: `${base}/erp/approved`, body: { amount: { ref: 'form.amount' }, by: { ref: 'initiator.id' } } } } as any,
        { kind: 'action', id: 'todo', name: 'Follow up', action: 'activity', args: { name: 'createTodo', input: { title: { const: 'Book the trip' }, dueInDays: { const: 3 } } } } as any,
      ],
      { hooks: { onApproved: [{ kind: 'activity', name: 'postMessage', args: { title: { const: 'All set' }, body: { ref: 'instance.outcome' } } }], onRejected: [] } },
    );
    const id = await submit(env, key, { amount: 250 });
    const d = await until(env, id, (x) => x.tasks.some((t: any) => t.status === 'open'));
    await act(env, 'pete', id, openTaskOf(d, env.id('pete')), 'approve');
    const done = await until(env, id, (x) => x.status !== 'running', 'alice', 30_000);
    expect(done.status).toBe('approved');

    const calls = received.filter((r) => r.path === '/erp/approved');
    expect(calls).toHaveLength(2);
    expect(calls[0].headers['idempotency-key']).toBe(`${done.workflowId}:erp:1`);
    expect(calls[1].headers['idempotency-key']).toBe(calls[0].headers['idempotency-key']);
    expect(calls[1]).toMatchObject({ method: 'POST', body: { amount: 250, by: env.id('alice') }, headers: { 'x-signoff-instance': id, 'x-signoff-step': 'erp' } });

    const todos = await env.rt.orm.em.fork().find(Todo, { tenantId: env.t.tenantId, userId: env.id('alice'), title: 'Book the trip' });
    expect(todos).toHaveLength(1);
    expect(todos[0].dueAt!.getTime()).toBeGreaterThan(Date.now() + 2 * 86_400_000);
    const messages = await env.rt.orm.em.fork().find(InAppMessage, { tenantId: env.t.tenantId, userId: env.id('alice'), dedupeKey: `${done.workflowId}:hook:onApproved:0` });
    expect(messages.map((m) => [m.title, m.body])).toEqual([['All set', 'approved']]);
    const types = done.timeline.map((e: any) => e.type);
    expect(types.filter((t: string) => t === 'action_done')).toHaveLength(2);
    expect(types).toContain('hook_done');
    if (process.env.RECORD_HISTORIES) exportHistory(env.rt.config, done.workflowId, undefined, HISTORY);
  });

  it('a receiver that refuses (400) stalls the request (for an administrator) with the reason, without retrying', async () => {
    script.set('/erp/refuses', [400]);
    const key = await publish(env, [
      approval('one', [env.id('pete')]),
      { kind: 'action', id: 'erp', name: 'Tell the ERP', action: 'webhook', args: { url: `${base}/erp/refuses` } } as any,
    ]);
    const id = await submit(env, key);
    const d = await until(env, id, (x) => x.tasks.some((t: any) => t.status === 'open'));
    await act(env, 'pete', id, openTaskOf(d, env.id('pete')), 'approve');
    const failed = await until(env, id, (x) => x.status !== 'running');
    expect(failed.status).toBe('stalled');
    expect(failed.timeline.find((e: any) => e.type === 'step_stalled').data.reason).toMatch(/the webhook failed: the receiver refused the call/);
    expect(received.filter((r) => r.path === '/erp/refuses')).toHaveLength(1);
  });

  itReplaysCommittedHistory(HISTORY);
});
