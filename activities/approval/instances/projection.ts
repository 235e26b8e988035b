/**
 * The approval read model's only writer. The workflow sends its changes as numbered batches;
 * a batch is applied in one transaction, and only when it is newer than the last one applied,
 * so an activity retry (or a late duplicate) never duplicates a timeline event, resurrects a
 * closed task or rolls the instance back. Event keys (`<workflowId>:<seq>`) are unique as a
 * backstop.
 */
import { DeadlockException, LockMode, LockWaitTimeoutException, UniqueConstraintViolationException } from '@mikro-orm/core';
import { ApplicationFailure } from '@temporalio/common';
import type { Runtime } from '../../runtime';
import { newId } from '../../../common/ids';
import { ApprovalEvent, ApprovalInstance, ApprovalTask } from '../../../db/entities';
import { eventKey, type InstanceRow, type ProjectionBatch, type TaskRow } from '../../../workflows/approval/contract';

const instanceFields = (row: InstanceRow) => ({
  ...row,
  submittedAt: new Date(row.submittedAt),
  finishedAt: row.finishedAt === null ? null : new Date(row.finishedAt),
});

const taskFields = (row: TaskRow) => ({
  ...row,
  openedAt: new Date(row.openedAt),
  actedAt: row.actedAt === null ? null : new Date(row.actedAt),
});

export async function applyProjection(rt: Runtime, batch: ProjectionBatch): Promise<{ applied: boolean }> {
  const attempt = () =>
    rt.orm.em.fork().transactional(async (tx) => {
      const { tenantId, instanceId } = batch;
      // The row lock orders concurrent attempts of the same instance. Only once the row exists:
      // on InnoDB a locking read of a missing key takes a gap lock, and two first batches of
      // different instances falling into the same gap then deadlock on their inserts. A first
      // batch inserts without that read; a racing duplicate hits the unique key (see below).
      const exists = await tx.count(ApprovalInstance, { id: instanceId });
      const instance = exists ? await tx.findOne(ApprovalInstance, { id: instanceId }, { lockMode: LockMode.PESSIMISTIC_WRITE }) : null;
      if (instance && (instance.tenantId !== tenantId || instance.workflowId !== batch.workflowId)) {
        throw ApplicationFailure.nonRetryable(`Instance ${instanceId} belongs to another workflow`, 'projection_mismatch');
      }
      if (instance && instance.projectedSeq >= batch.seq) return { applied: false };
      if (instance) tx.assign(instance, { ...instanceFields(batch.instance), projectedSeq: batch.seq });
      else tx.create(ApprovalInstance, { id: instanceId, tenantId, workflowId: batch.workflowId, ...instanceFields(batch.instance), projectedSeq: batch.seq });

      const ids = batch.tasks.map((t) => t.id);
      const existing = ids.length ? new Map((await tx.find(ApprovalTask, { id: { $in: ids } })).map((t) => [t.id, t])) : new Map<string, ApprovalTask>();
      for (const row of batch.tasks) {
        const found = existing.get(row.id);
        if (found) tx.assign(found, taskFields(row));
        else tx.create(ApprovalTask, { tenantId, instanceId, ...taskFields(row) });
      }
      for (const e of batch.events) {
        tx.create(ApprovalEvent, {
          id: newId(),
          tenantId,
          instanceId,
          eventKey: eventKey(batch.workflowId, e.seq),
          seq: e.seq,
          type: e.type,
          stepId: e.stepId,
          taskId: e.taskId,
          actorId: e.actorId,
          data: e.data,
          occurredAt: new Date(e.at),
        });
      }
      await tx.flush();
      return { applied: true };
    });
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (err) {
      // Two attempts raced to create the first rows: the second look finds them and decides.
      if (err instanceof UniqueConstraintViolationException && tries === 1) continue;
      // The database picked this transaction as a deadlock victim: nothing was applied, so
      // trying again at once is safe and cheaper than an activity retry a second later.
      if ((err instanceof DeadlockException || err instanceof LockWaitTimeoutException) && tries < 4) continue;
      throw err;
    }
  }
}
