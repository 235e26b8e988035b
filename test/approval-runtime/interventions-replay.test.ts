/**
 * Replay of a history recorded BEFORE admin interventions existed (main at 6b585c8): a transfer,
 * a rejection that sends the request back to an earlier step (`returnToStep`), the approvals
 * again, then a webhook step whose receiver refuses (400), which failed the request. With the
 * intervention patches the same failure now waits for an administrator; a run recorded without
 * the marker must still fail, as it did. Exported with its payloads decrypted, so it sits with
 * the other clear histories.
 *
 * Regenerate only for a new baseline (with the code of that baseline):
 *   RECORD_HISTORIES=1 TEST_DB_NAME=signoff_test_interv npx jest test/approval-runtime/interventions-replay
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { exportClearHistory, itReplaysCommittedHistory, recordingIt } from '../harness/replay';
import { APPROVALS, act, approval, openTaskOf, publish, startRuntimeEnv, submit, until } from './helpers';

const HISTORY = join(__dirname, 'histories', 'approval-before-interventions.json');

describe('approval workflow replay: a history from before the interventions', () => {
  recordingIt('records a transfer, a send-back and a refused webhook that fails the request', async () => {
    const server: Server = createServer((_req, res) => res.writeHead(400, { 'content-type': 'application/json' }).end('{}'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const env = await startRuntimeEnv({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' });
    try {
      const key = await publish(env, [
        approval('one', [env.id('pete')]),
        approval('two', [env.id('fiona')], { onReject: { type: 'returnToStep', stepId: 'one' } }),
        { kind: 'action', id: 'erp', name: 'Tell the ERP', action: 'webhook', args: { url: `${base}/erp` } } as never,
      ]);
      const id = await submit(env, key);
      let d = await until(env, id, (x) => x.tasks.some((t: any) => t.status === 'open'));
      d = (await env.api.post(`${APPROVALS}/${id}/tasks/${openTaskOf(d, env.id('pete'))}/transfer`, { toUserId: env.id('carol') }, env.tokens.pete)).body;
      d = (await act(env, 'carol', id, openTaskOf(d, env.id('carol')), 'approve')).body;
      d = (await act(env, 'fiona', id, openTaskOf(d, env.id('fiona')), 'reject', 'check the amount')).body;
      d = await until(env, id, (x) => x.tasks.some((t: any) => t.stepId === 'one' && t.status === 'open'));
      d = (await act(env, 'pete', id, openTaskOf(d, env.id('pete')), 'approve')).body;
      d = (await act(env, 'fiona', id, openTaskOf(d, env.id('fiona')), 'approve')).body;
      d = await until(env, id, (x) => x.status !== 'running');
      expect(d.status).toBe('failed');
      await (await env.rt.temporal()).workflow.getHandle(d.workflowId).result();
      await exportClearHistory(env.rt.config, d.workflowId, HISTORY);
    } finally {
      await env.close();
      await new Promise((r) => server.close(r));
    }
  });

  itReplaysCommittedHistory(HISTORY);
});

/**
 * Recorded with the intervention patches: an administrator reassigns a task, a refused webhook
 * stalls the request, the administrator sends it back to a passed step, it stalls again and is
 * retried (the receiver fixed), then the administrator cancels it at the last step.
 *
 *   RECORD_HISTORIES=1 TEST_DB_NAME=signoff_test_interv npx jest test/approval-runtime/interventions-replay -t 'every intervention'
 */
const INTERVENTIONS_HISTORY = join(__dirname, 'histories', 'approval-interventions.json');

describe('approval workflow replay: every intervention', () => {
  recordingIt('records reassign, stall, return, stall, retry and cancel', async () => {
    const answers = [400, 400];
    const server: Server = createServer((_req, res) => res.writeHead(answers.shift() ?? 200, { 'content-type': 'application/json' }).end('{}'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const env = await startRuntimeEnv({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' });
    const admin = (id: string, kind: string, body: Record<string, unknown>) => env.api.post(`${APPROVALS}/${id}/interventions/${kind}`, body, env.tokens.admin);
    try {
      const key = await publish(env, [
        approval('one', [env.id('pete')]),
        approval('two', [env.id('fiona')]),
        { kind: 'action', id: 'erp', name: 'Tell the ERP', action: 'webhook', args: { url: `${base}/erp` } } as never,
        approval('three', [env.id('carol')]),
      ]);
      const id = await submit(env, key);
      let d = await until(env, id, (x) => x.tasks.some((t: any) => t.status === 'open'));
      d = (await admin(id, 'reassign', { reason: 'Pete is away', taskId: openTaskOf(d, env.id('pete')), toUserId: env.id('harry') })).body;
      d = (await act(env, 'harry', id, openTaskOf(d, env.id('harry')), 'approve')).body;
      d = (await act(env, 'fiona', id, openTaskOf(d, env.id('fiona')), 'approve')).body;
      expect(d.status).toBe('stalled');
      d = (await admin(id, 'return', { reason: 'Check the amount again', toStepId: 'two' })).body;
      d = (await act(env, 'fiona', id, openTaskOf(d, env.id('fiona')), 'approve')).body;
      expect(d.status).toBe('stalled');
      d = (await admin(id, 'retry', { reason: 'ERP fixed' })).body;
      expect(d.currentSteps.map((s: any) => s.stepId)).toEqual(['three']);
      d = (await admin(id, 'cancel', { reason: 'No longer needed' })).body;
      expect(d.status).toBe('cancelled');
      await (await env.rt.temporal()).workflow.getHandle(d.workflowId).result();
      await exportClearHistory(env.rt.config, d.workflowId, INTERVENTIONS_HISTORY);
    } finally {
      await env.close();
      await new Promise((r) => server.close(r));
    }
  });

  itReplaysCommittedHistory(INTERVENTIONS_HISTORY);
});
