/**
 * Replay: the committed history of a daily digest run (two recipients with news, the rest
 * skipped) must replay against the current workflow code.
 *
 * Regenerate (only for an intended, compatible change or a new baseline):
 *   RECORD_HISTORIES=1 TEST_DB_NAME=signoff_test_digest npx jest test/notifications/digest-replay
 */
import { join } from 'node:path';
import type { Actor } from '../../common/actor';
import { dailyDigestWorkflow } from '../../workflows/digest/workflow';
import { createTenant, createTestRuntime, startTestWorker, uniqueCode } from '../harness/harness';
import { startSmtpListener } from '../harness/smtp';
import { exportHistory, itReplaysCommittedHistory, recordingIt } from '../harness/replay';

const HISTORY = join(__dirname, 'histories', 'daily-digest.json');

describe('daily digest workflow replay', () => {
  recordingIt('records a digest run', async () => {
    const smtp = await startSmtpListener();
    const taskQueue = uniqueCode('tq-replay-');
    const rt = await createTestRuntime({ TEMPORAL_TASK_QUEUE: taskQueue, ...smtp.env });
    const worker = await startTestWorker(rt, taskQueue);
    try {
      const t = await createTenant(rt, 'replay' + uniqueCode('').slice(0, 4));
      for (const who of ['alice', 'pete'] as const) {
        const actor: Actor = { tenantId: t.tenantId, userId: t.users[who].id, via: 'access_token', permissions: new Set() };
        await rt.services.todos.create(actor, { title: `Overdue of ${who}`, dueAt: new Date(Date.now() - 60_000).toISOString() });
      }
      const client = await rt.temporal();
      const handle = await client.workflow.start(dailyDigestWorkflow, { taskQueue, workflowId: `digest:${t.tenantCode}-replay`, args: [{ tenantId: t.tenantId, tenantCode: t.tenantCode }] });
      const result = await handle.result();
      expect(result.sent).toBe(2);
      exportHistory(rt.config, handle.workflowId, undefined, HISTORY);
    } finally {
      await worker.stop();
      await rt.close();
      await smtp.close();
    }
  });

  itReplaysCommittedHistory(HISTORY);
});
