/**
 * Replay: committed histories of the tenant processes (an onboarding that completed, one that
 * failed at the schedule step and compensated, a deletion) must replay against the current
 * workflow code. A change that would break running sagas without `patched()` fails here.
 *
 * Regenerate (only for an intended, compatible change or a new baseline):
 *   RECORD_HISTORIES=1 TEST_DB_NAME=signoff_test_platform npx jest test/platform/tenants/replay
 */
import { join } from 'node:path';
import { exportClearHistory, itReplaysCommittedHistory, recordingIt } from '../../harness/replay';
import { createTenant, uniqueCode } from '../../harness/harness';
import { TENANTS, closedRun, createBody, startPlatformEnv } from './helpers';

const DIR = join(__dirname, '..', 'histories');
const HAPPY = join(DIR, 'tenant-onboarding-happy.json');
const COMPENSATED = join(DIR, 'tenant-onboarding-compensated.json');
const DELETION = join(DIR, 'tenant-deletion.json');

describe('tenant processes replay', () => {
  recordingIt('records an onboarding, a compensated onboarding and a deletion', async () => {
    const env = await startPlatformEnv();
    try {
      const happy = await env.api.post(TENANTS, createBody(uniqueCode('replay-')), env.operator.token);
      const h = await closedRun(env, happy.body.workflowId);
      expect(h.status).toBe('COMPLETED');
      await exportClearHistory(env.rt.config, happy.body.workflowId, HAPPY);

      const code = uniqueCode('replayf-');
      env.failAt.set(code, 'schedule');
      const failed = await env.api.post(TENANTS, createBody(code), env.operator.token);
      const f = await closedRun(env, failed.body.workflowId);
      expect(f.status).toBe('FAILED');
      await exportClearHistory(env.rt.config, failed.body.workflowId, COMPENSATED);

      const victim = await createTenant(env.rt);
      await env.api.post(`${TENANTS}/${victim.tenantCode}/suspend`, undefined, env.operator.token);
      const deletion = await env.api.delete(`${TENANTS}/${victim.tenantCode}`, env.operator.token);
      const d = await closedRun(env, deletion.body.workflowId);
      expect(d.status).toBe('COMPLETED');
      await exportClearHistory(env.rt.config, deletion.body.workflowId, DELETION);
    } finally {
      await env.close();
    }
  });

  describe('completed onboarding', () => itReplaysCommittedHistory(HAPPY));
  describe('compensated onboarding', () => itReplaysCommittedHistory(COMPENSATED));
  describe('deletion', () => itReplaysCommittedHistory(DELETION));
});
