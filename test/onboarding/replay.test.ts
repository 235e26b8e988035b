/**
 * Replay: the committed history of a completed onboarding (activation, checklist updates, the
 * start-date timer, day one) must replay against the current workflow code. A change that would
 * break running onboardings without `patched()` fails here.
 *
 * Regenerate (only for an intended, compatible change or a new baseline):
 *   RECORD_HISTORIES=1 TEST_DB_NAME=signoff_test_onb npx jest test/onboarding/replay
 */
import { join } from 'node:path';
import { exportHistory, itReplaysCommittedHistory, recordingIt } from '../harness/replay';
import { ONB, STRONG_PASSWORD, startOnbEnv, startOnboarding, until, url, waitForTokens } from './helpers';

const HISTORY = join(__dirname, 'histories', 'onboarding-happy.json');

describe('onboarding workflow replay', () => {
  recordingIt('records a completed happy-path history', async () => {
    const env = await startOnbEnv();
    try {
      const id = await startOnboarding(env, 'replay.hire', { startInMs: 3000, reminderIntervalMs: 600_000, activationDeadlineMs: 600_000 });
      const [token] = await waitForTokens(env, 'replay.hire@example.test', 1);
      const activated = await env.api.post(`${ONB}/activate`, { token, password: STRONG_PASSWORD, profile: { phone: '+1 555 0100' } });
      if (activated.status !== 200) throw new Error(JSON.stringify(activated.body));
      const ready = await until(env, id, (v) => v.progress?.stepsDone.includes('checklist_created'));
      for (const item of ready.progress.checklist) await env.api.post(url(id, `/checklist/${item.id}/done`), undefined, env.tokens.harry);
      const done = await until(env, id, (v) => v.execution === 'completed');
      const runId = (await (await env.rt.temporal()).workflow.getHandle(id).describe()).runId;
      expect(done.progress.status).toBe('completed');
      exportHistory(env.rt.config, id, runId, HISTORY);
    } finally {
      await env.close();
    }
  });

  itReplaysCommittedHistory(HISTORY);
});
