/**
 * Replay: the committed history of a to-do reminder (rescheduled once, reminder + overdue
 * notice) must replay against the current workflow code.
 *
 * Regenerate (only for an intended, compatible change or a new baseline):
 *   RECORD_HISTORIES=1 TEST_DB_NAME=signoff_test_notify npx jest test/notifications/replay
 */
import { join } from 'node:path';
import type { Actor } from '../../common/actor';
import { todoReminderWorkflowId } from '../../workflows/reminders/contract';
import { createTenant, createTestRuntime, startTestWorker, uniqueCode } from '../harness/harness';
import { startSmtpListener } from '../harness/smtp';
import { exportHistory, itReplaysCommittedHistory, recordingIt } from '../harness/replay';

const HISTORY = join(__dirname, 'histories', 'todo-reminder.json');

describe('to-do reminder workflow replay', () => {
  recordingIt('records a rescheduled reminder history', async () => {
    const smtp = await startSmtpListener();
    const taskQueue = uniqueCode('tq-replay-');
    const rt = await createTestRuntime({ TEMPORAL_TASK_QUEUE: taskQueue, ...smtp.env });
    const worker = await startTestWorker(rt, taskQueue);
    try {
      const t = await createTenant(rt, 'replay' + uniqueCode('').slice(0, 4));
      const actor: Actor = { tenantId: t.tenantId, userId: t.users.alice.id, via: 'access_token', permissions: new Set() };
      await rt.services.notifications.updatePreferences(actor, { reminderLeadSeconds: 1, overdueRepeatSeconds: null, maxOverdueReminders: 1 });
      const todo = await rt.services.todos.create(actor, { title: 'Replay me', dueAt: new Date(Date.now() + 3_600_000).toISOString() });
      await rt.services.todos.update(actor, todo.id, { dueAt: new Date(Date.now() + 2_000).toISOString() });
      const client = await rt.temporal();
      const handle = client.workflow.getHandle(todoReminderWorkflowId(t.tenantCode, todo.id));
      await handle.result();
      exportHistory(rt.config, handle.workflowId, undefined, HISTORY);
    } finally {
      await worker.stop();
      await rt.close();
      await smtp.close();
    }
  });

  itReplaysCommittedHistory(HISTORY);
});
