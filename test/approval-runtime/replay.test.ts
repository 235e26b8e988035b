/**
 * Replay: the committed history of a finished approval (parallel countersign with a transfer,
 * a comment and a rejection that cancels a sibling branch) must replay against the current
 * workflow code. A change that would break running approvals without `patched()` fails here.
 *
 * Regenerate (only for an intended, compatible change or a new baseline):
 *   RECORD_HISTORIES=1 TEST_DB_NAME=signoff_test_appr npx jest test/approval-runtime/replay
 */
import { join } from 'node:path';
import { exportHistory, itReplaysCommittedHistory, recordingIt } from '../harness/replay';
import { APPROVALS, act, approval, openTaskOf, publish, startRuntimeEnv, submit, until } from './helpers';

const HISTORY = join(__dirname, 'histories', 'approval-parallel-reject.json');
const ACTIONS_HISTORY = join(__dirname, 'histories', 'approval-actions.json');

describe('approval workflow replay', () => {
  recordingIt('records a finished approval history', async () => {
    const env = await startRuntimeEnv();
    try {
      const key = await publish(env, [
        approval('lead', [env.id('pete'), env.id('carol')], { mode: 'any' }),
        { kind: 'parallel', id: 'par', name: 'Checks', branches: [{ id: 'b1', name: 'Finance', steps: [approval('fin', [env.id('fiona')])] }, { id: 'b2', name: 'HR', steps: [approval('hr', [env.id('harry')], { mode: 'all' })] }] },
        { kind: 'cc', id: 'tell', name: 'Tell the admin', recipients: { type: 'users', userIds: [env.id('admin')] } },
      ]);
      const id = await submit(env, key);
      let d = await until(env, id, (x) => x.tasks.some((t: any) => t.status === 'open'));
      await env.api.post(`${APPROVALS}/${id}/comment`, { comment: 'urgent, please' }, env.tokens.alice);
      d = (await act(env, 'carol', id, openTaskOf(d, env.id('carol')), 'approve')).body;
      d = (await env.api.post(`${APPROVALS}/${id}/tasks/${openTaskOf(d, env.id('harry'))}/transfer`, { toUserId: env.id('admin') }, env.tokens.harry)).body;
      d = (await act(env, 'fiona', id, openTaskOf(d, env.id('fiona')), 'reject', 'no budget')).body;
      expect(d.status).toBe('rejected');
      exportHistory(env.rt.config, d.workflowId, undefined, HISTORY);
    } finally {
      await env.close();
    }
  });

  itReplaysCommittedHistory(HISTORY);
});

/**
 * Recorded with the engine's current patches (action steps, outcome hooks, ready strands):
 * add-sign before, delegate and confirm, a take-back across steps, then approval to the end.
 */
describe('approval workflow replay: add-sign, delegate, take back', () => {
  recordingIt('records an approval history with the holder actions', async () => {
    const env = await startRuntimeEnv();
    try {
      const post = (who: Parameters<typeof act>[1], path: string, body: unknown) => env.api.post(`${APPROVALS}/${path}`, body, env.tokens[who]);
      const key = await publish(env, [
        approval('one', [env.id('pete')], { allowAddSign: true }),
        approval('two', [env.id('fiona')], { allowDelegate: true }),
      ]);
      const id = await submit(env, key);
      let d = await until(env, id, (x) => x.tasks.some((t: any) => t.status === 'open'));
      const pete = openTaskOf(d, env.id('pete'));
      d = (await post('pete', `${id}/tasks/${pete}/add-sign`, { userIds: [env.id('carol')], position: 'before' })).body;
      d = (await act(env, 'carol', id, openTaskOf(d, env.id('carol')), 'approve')).body;
      d = (await act(env, 'pete', id, pete, 'approve')).body;
      d = (await post('pete', `${id}/tasks/${pete}/take-back`, {})).body;
      d = (await act(env, 'pete', id, openTaskOf(d, env.id('pete')), 'approve')).body;
      const fiona = openTaskOf(d, env.id('fiona'));
      d = (await post('fiona', `${id}/tasks/${fiona}/delegate`, { toUserId: env.id('harry') })).body;
      d = (await act(env, 'harry', id, openTaskOf(d, env.id('harry')), 'approve')).body;
      d = (await post('fiona', `${id}/tasks/${fiona}/confirm`, {})).body;
      expect(d.status).toBe('approved');
      exportHistory(env.rt.config, d.workflowId, undefined, ACTIONS_HISTORY);
    } finally {
      await env.close();
    }
  });

  itReplaysCommittedHistory(ACTIONS_HISTORY);
});
