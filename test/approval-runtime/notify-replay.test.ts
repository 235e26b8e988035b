/**
 * Replay of histories recorded with PATCHES.notifications and PATCHES.externalCancel: the notice
 * activities (fired, not awaited) and the clean-up after an outside cancellation must replay
 * against the current workflow code. The older histories (replay.test.ts) replay without them.
 *
 * Regenerate (only for an intended, compatible change or a new baseline):
 *   RECORD_HISTORIES=1 TEST_DB_NAME=signoff_test_notify npx jest test/approval-runtime/notify-replay
 */
import { join } from 'node:path';
import { parseCodecKeys } from '../../common/config';
import { createDataConverter } from '../../temporal/data-converter';
import { exportHistory, itReplaysCommittedHistory, recordingIt } from '../harness/replay';
import { APPROVALS, act, approval, openTaskOf, publish, startRuntimeEnv, submit, until } from './helpers';

const NOTIFY_HISTORY = join(__dirname, 'encrypted-histories', 'approval-notifications.json');
const CANCEL_HISTORY = join(__dirname, 'encrypted-histories', 'approval-external-cancel.json');

/**
 * The payloads are encrypted, as in production; each test run has random keys, so these
 * histories are recorded and replayed under a fixture key that exists only for them (so they live
 * in encrypted-histories/, apart from the clear pre-encryption histories the codec suite checks).
 */
const FIXTURE_KEY = 'notify-fixture:3q0pV6k0n0mJcX4Qx6cXy3w8f1Q9r2D7u5sT0aB1cE4=';
const recordingEnv = () => startRuntimeEnv({ TEMPORAL_CODEC_KEYS: `${process.env.TEMPORAL_CODEC_KEYS},${FIXTURE_KEY}`, TEMPORAL_CODEC_CURRENT_KEY: 'notify-fixture' });
const replayWith = { dataConverter: createDataConverter(parseCodecKeys(FIXTURE_KEY).keyring!) };

describe('approval workflow replay: notifications', () => {
  recordingIt('records a history with notices (transfer, comment, cc, approval)', async () => {
    const env = await recordingEnv();
    try {
      const key = await publish(env, [
        approval('one', [env.id('pete')]),
        { kind: 'cc', id: 'tell', name: 'Tell HR', recipients: { type: 'users', userIds: [env.id('harry')] } },
        approval('two', [env.id('fiona')]),
      ] as never);
      const id = await submit(env, key);
      let d = await until(env, id, (x) => x.tasks.some((t: any) => t.status === 'open'));
      d = (await env.api.post(`${APPROVALS}/${id}/tasks/${openTaskOf(d, env.id('pete'))}/transfer`, { toUserId: env.id('carol') }, env.tokens.pete)).body;
      await env.api.post(`${APPROVALS}/${id}/comment`, { comment: 'please hurry' }, env.tokens.carol);
      d = (await act(env, 'carol', id, openTaskOf(d, env.id('carol')), 'approve')).body;
      d = await until(env, id, (x) => x.tasks.some((t: any) => t.stepId === 'two' && t.status === 'open'));
      d = (await act(env, 'fiona', id, openTaskOf(d, env.id('fiona')), 'approve')).body;
      expect(d.status).toBe('approved');
      await (await env.rt.temporal()).workflow.getHandle(d.workflowId).result();
      exportHistory(env.rt.config, d.workflowId, undefined, NOTIFY_HISTORY);
    } finally {
      await env.close();
    }
  });

  itReplaysCommittedHistory(NOTIFY_HISTORY, replayWith);
});

describe('approval workflow replay: cancelled from outside', () => {
  recordingIt('records a history cancelled through the Temporal client', async () => {
    const env = await recordingEnv();
    try {
      const key = await publish(env, [approval('one', [env.id('pete'), env.id('fiona')], { mode: 'all' })]);
      const id = await submit(env, key);
      const d = await until(env, id, (x) => x.tasks.some((t: any) => t.status === 'open'));
      const handle = (await env.rt.temporal()).workflow.getHandle(d.workflowId);
      await handle.cancel();
      await handle.result().catch(() => undefined);
      await until(env, id, (x) => x.status === 'cancelled');
      exportHistory(env.rt.config, d.workflowId, undefined, CANCEL_HISTORY);
    } finally {
      await env.close();
    }
  });

  itReplaysCommittedHistory(CANCEL_HISTORY, replayWith);
});

/**
 * A numbered request (issue 9 §2): the serial number rides in the workflow input and in the
 * projection's argument only, so older histories (replay.test.ts and above, recorded without it) replay unchanged
 * without a patch, and this one, recorded with it, replays too.
 */
const SERIAL_HISTORY = join(__dirname, 'encrypted-histories', 'approval-serial-number.json');

describe('approval workflow replay: a request with a serial number', () => {
  recordingIt('records a numbered approval history', async () => {
    const env = await recordingEnv();
    try {
      const key = await publish(env, [approval('one', [env.id('pete')])], { settings: { serialRule: 'REPLAY-{yyyy}-{seq:3}' } });
      const id = await submit(env, key);
      let d = await until(env, id, (x) => x.tasks.some((t: any) => t.status === 'open'));
      expect(d.serialNumber).toMatch(/^REPLAY-\d{4}-001$/);
      d = (await act(env, 'pete', id, openTaskOf(d, env.id('pete')), 'approve')).body;
      expect(d.status).toBe('approved');
      exportHistory(env.rt.config, d.workflowId, undefined, SERIAL_HISTORY);
    } finally {
      await env.close();
    }
  });

  itReplaysCommittedHistory(SERIAL_HISTORY, replayWith);
});
