/**
 * The reconciler's side of the approval read model: requests the database still shows open are
 * compared with their workflow in Temporal, a page at a time; those whose workflow closed
 * without telling (terminated, timed out, or cancelled/failed before the workflow handled that)
 * are closed here the way the workflow would have: open tasks cancelled, status final, one
 * timeline event. Idempotent: a closed request is no longer in the page, and the close is
 * conditional on the row still being open (under a row lock).
 */
import { LockMode } from '@mikro-orm/core';
import { ScheduleOverlapPolicy, WorkflowNotFoundError } from '@temporalio/client';
import type { Runtime } from '../../runtime';
import { newId } from '../../../common/ids';
import { ApprovalEvent, ApprovalInstance, ApprovalTask } from '../../../db/entities';
import { createScheduleIfMissing } from '../../../temporal/schedules';
import { scheduledStart } from '../../../temporal/processes';
import { eventKey } from '../../../workflows/approval/contract';
import { RECONCILE, RECONCILE_SCHEDULE_ID, type ReconcilePage } from '../../../workflows/maintenance/reconcile-contract';
import { processAttributes } from '../../../workflows/search-attributes';

/** Read-model statuses of a request whose workflow should be running. */
const OPEN_STATUSES = ['running', 'returned', 'stalled'] as const;
type ClosedBy = 'terminated' | 'cancelled' | 'failed';

/** What the read model must say for a closed execution it still shows open (null: leave it). */
const CLOSED_AS: Record<string, ClosedBy> = { TERMINATED: 'terminated', TIMED_OUT: 'terminated', CANCELLED: 'cancelled', FAILED: 'failed' };

/** Describes at once: a page is described in slices, not in 100 parallel calls. */
const DESCRIBE_CONCURRENCY = 10;

async function closeInstance(rt: Runtime, instanceId: string, status: ClosedBy, execution: string): Promise<boolean> {
  return rt.orm.em.fork().transactional(async (tx) => {
    const inst = await tx.findOne(ApprovalInstance, { id: instanceId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!inst || !(OPEN_STATUSES as readonly string[]).includes(inst.status)) return false;
    const now = new Date();
    const seq = inst.projectedSeq + 1;
    tx.assign(inst, { status, finishedAt: now, currentStepIds: [], currentAssigneeIds: [], projectedSeq: seq });
    const open = await tx.find(ApprovalTask, { instanceId, status: { $in: ['open', 'waiting'] } });
    for (const task of open) tx.assign(task, { status: 'cancelled', reason: `cancelled: request ${status}` });
    tx.create(ApprovalEvent, {
      id: newId(),
      tenantId: inst.tenantId,
      instanceId,
      eventKey: eventKey(inst.workflowId, seq),
      seq,
      type: status,
      stepId: null,
      taskId: null,
      actorId: null,
      data: { execution: execution.toLowerCase(), by: 'reconciler', tasksClosed: open.length },
      occurredAt: now,
    });
    return true;
  });
}

export function createReconcileActivities(rt: Runtime) {
  return {
    /** One page of open requests (all tenants, by id), each described in Temporal by its workflow id. */
    async reconcileApprovalPage(input: { afterId: string | null; limit: number }): Promise<ReconcilePage> {
      const rows = await rt.orm.em.fork().find(
        ApprovalInstance,
        { status: { $in: [...OPEN_STATUSES] }, ...(input.afterId ? { id: { $gt: input.afterId } } : {}) },
        { orderBy: { id: 'asc' }, limit: input.limit, fields: ['id', 'workflowId'] },
      );
      const client = await rt.temporal();
      const closed = { terminated: 0, cancelled: 0, failed: 0 };
      for (let i = 0; i < rows.length; i += DESCRIBE_CONCURRENCY) {
        await Promise.all(
          rows.slice(i, i + DESCRIBE_CONCURRENCY).map(async (row) => {
            let execution: string;
            try {
              execution = (await client.workflow.getHandle(row.workflowId).describe()).status.name;
            } catch (err) {
              // No history (retention removed it, or another namespace): nothing to compare with.
              if (err instanceof WorkflowNotFoundError) return;
              throw err;
            }
            const status = CLOSED_AS[execution];
            if (status && (await closeInstance(rt, row.id, status, execution))) closed[status]++;
          }),
        );
      }
      return { checked: rows.length, closed, next: rows.length === input.limit ? rows[rows.length - 1].id : null };
    },
  };
}

/** Create the reconcile schedule if it is missing (every RECONCILE_INTERVAL_SECONDS); ops own it from then on. */
export async function ensureReconcileSchedule(rt: Runtime, intervalSeconds = rt.config.RECONCILE_INTERVAL_SECONDS): Promise<'created' | 'unchanged'> {
  const created = await createScheduleIfMissing(await rt.temporal(), {
    scheduleId: RECONCILE_SCHEDULE_ID,
    spec: { intervals: [{ every: `${intervalSeconds}s` }] },
    action: scheduledStart(RECONCILE, { tenantCode: '', businessKey: '', taskQueue: rt.config.TEMPORAL_TASK_QUEUE, args: [{}], summary: 'Read models follow Temporal (terminated requests)' }),
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10 minutes' },
    typedSearchAttributes: processAttributes({ process: RECONCILE.process }),
    state: { note: `Closes requests whose workflow was terminated; every ${intervalSeconds}s at creation (RECONCILE_INTERVAL_SECONDS)` },
  });
  return created ? 'created' : 'unchanged';
}
