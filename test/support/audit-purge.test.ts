/**
 * The scheduled audit purge: the `audit-purge` Temporal Schedule exists after ensure (once,
 * idempotently); a triggered run deletes, batch by batch, every row older than the retention
 * in every tenant (audit calls, changes and the login log) and keeps the younger ones. Its committed history replays.
 *
 * Regenerate the history (only for an intended, compatible change):
 *   RECORD_HISTORIES=1 TEST_DB_NAME=signoff_test_purge npx jest test/support/audit-purge
 */
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { Runtime } from '../../activities/runtime';
import { ensureAuditPurgeSchedule } from '../../activities/support/audit/purge';
import { auditEntry } from './helpers';
import { AuditLog, LoginLog } from '../../db/entities';
import { newId } from '../../common/ids';
import { SA } from '../../workflows/search-attributes';
import { AUDIT_PURGE_SCHEDULE_ID, type AuditPurgeResult } from '../../workflows/maintenance/contract';
import { auditPurgeWorkflow } from '../../workflows/maintenance/audit-purge';
import { createTestRuntime, startTestWorker, uniqueCode, type TestWorker } from '../harness/harness';
import { exportHistory, itReplaysCommittedHistory, recordingIt } from '../harness/replay';

const HISTORY = join(__dirname, 'histories', 'audit-purge.json');
const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);

const entry = (tenantId: string, requestId: string, createdAt: Date) => auditEntry(tenantId, { requestId, createdAt });

async function seedRows(rt: Runtime, marker: string) {
  const audit = rt.services.audit;
  audit.record(entry('00000000-0000-4000-8000-00000000000a', `${marker}-old`, daysAgo(40)));
  audit.record(entry('00000000-0000-4000-8000-00000000000b', `${marker}-old2`, daysAgo(31)));
  audit.record(entry('00000000-0000-4000-8000-00000000000a', `${marker}-young`, daysAgo(29)));
  await audit.flush();
  // The login log follows the same retention.
  const em = rt.orm.em.fork();
  for (const [suffix, days] of [['old', 45], ['young', 2]] as const) {
    em.create(LoginLog, { id: newId(), tenantId: null, tenantCode: 'purge', identifier: `${marker}-${suffix}`, success: false, reason: 'bad_password', createdAt: daysAgo(days) });
  }
  await em.flush();
}

describe('scheduled audit purge', () => {
  let rt: Runtime;
  let worker: TestWorker;
  let client: Client;

  beforeAll(async () => {
    const taskQueue = uniqueCode('tq-purge-');
    rt = await createTestRuntime({ TEMPORAL_TASK_QUEUE: taskQueue, AUDIT_RETENTION_DAYS: '30' });
    worker = await startTestWorker(rt, taskQueue);
    client = await rt.temporal();
  });

  afterAll(async () => {
    await client?.schedule.getHandle(AUDIT_PURGE_SCHEDULE_ID).delete().catch(() => undefined);
    await worker?.stop();
    await rt?.close();
  });

  it('is scheduled once, nightly; a triggered run removes what is past the retention, in every tenant', async () => {
    await client.schedule.getHandle(AUDIT_PURGE_SCHEDULE_ID).delete().catch(() => undefined);
    expect(await ensureAuditPurgeSchedule(rt)).toBe('created');
    expect(await ensureAuditPurgeSchedule(rt)).toBe('unchanged');
    const handle = client.schedule.getHandle(AUDIT_PURGE_SCHEDULE_ID);
    const described = await handle.describe();
    expect(described.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 3, end: 3, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }] });
    expect(described.typedSearchAttributes.get(SA.process)).toBe('audit-purge');

    const marker = uniqueCode('purge');
    await seedRows(rt, marker);
    await handle.trigger();
    const deadline = Date.now() + 20_000;
    let runId: string | undefined;
    while (!runId) {
      runId = (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId;
      if (!runId && Date.now() > deadline) throw new Error('the purge did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
    const result = (await client.workflow.getHandle(runId).result()) as AuditPurgeResult;
    expect(result.deleted).toBeGreaterThanOrEqual(2);
    expect(Date.parse(result.cutoff)).toBeGreaterThan(daysAgo(31).getTime());
    const left = await rt.orm.em.fork().find(AuditLog, { requestId: { $like: `${marker}-%` } });
    expect(left.map((r) => r.requestId)).toEqual([`${marker}-young`]);
    const logins = await rt.orm.em.fork().find(LoginLog, { identifier: { $like: `${marker}-%` } });
    expect(logins.map((r) => r.identifier)).toEqual([`${marker}-young`]);
  });

  recordingIt('records a purge run', async () => {
    await seedRows(rt, uniqueCode('purge'));
    const handle = await client.workflow.start(auditPurgeWorkflow, { taskQueue: worker.taskQueue, workflowId: `audit-purge-replay-${uniqueCode('')}` });
    await handle.result();
    exportHistory(rt.config, handle.workflowId, undefined, HISTORY);
  });

  itReplaysCommittedHistory(HISTORY);
});
