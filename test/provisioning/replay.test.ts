/**
 * Replay: the committed history of a completed provisioning must replay against the current
 * workflow code. A change that would break running workflows (a step added, removed or
 * reordered without `patched()`) fails here.
 *
 * Regenerate the history (only for an intended, compatible change or a new baseline):
 *   RECORD_HISTORIES=1 TEST_DB_NAME=signoff_test_prov npx jest test/provisioning/replay
 */
import { join } from 'node:path';
import { provisioningWorkflowId, type ProvisionUserInput } from '../../workflows/provisioning/contract';
import { createTenant, createTestRuntime, startTestWorker, uniqueCode } from '../harness/harness';
import { startSmtpListener } from '../harness/smtp';
import { exportHistory, itReplaysCommittedHistory, recordingIt } from '../harness/replay';

const HISTORY = join(__dirname, 'histories', 'provision-happy.json');

describe('provisioning workflow replay', () => {
  recordingIt('records a completed happy-path history', async () => {
    const smtp = await startSmtpListener();
    const rt = await createTestRuntime(smtp.env);
    const worker = await startTestWorker(rt);
    try {
      const t = await createTenant(rt, 'replay' + uniqueCode('').slice(0, 4));
      const input: ProvisionUserInput = {
        username: 'replay.user',
        email: 'replay.user@example.test',
        displayName: 'Replay User',
        departmentId: t.departments.platform.id,
        roleIds: [t.roles.employee.id],
        tenantId: t.tenantId,
        tenantCode: t.tenantCode,
        requestedBy: t.users.admin.id,
        sendWelcomeEmail: true,
      };
      const client = await rt.temporal();
      const handle = await client.workflow.start('provisionUserWorkflow', {
        workflowId: provisioningWorkflowId(t.tenantCode, input.username),
        taskQueue: worker.taskQueue,
        args: [input],
      });
      await handle.result();
      // The CLI's JSON export is the format the replayer reads (and the Temporal UI downloads).
      exportHistory(rt.config, handle.workflowId, handle.firstExecutionRunId, HISTORY);
    } finally {
      await worker.stop();
      await rt.close();
      await smtp.close();
    }
  });

  itReplaysCommittedHistory(HISTORY);
});
