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
  const { tenantId, instanceId } = batch;
  const mismatch = () => ApplicationFailure.nonRetryable(`Instance ${instanceId} belongs to another workflow`, 'projection_mismatch');
  const attempt = (lookFirst: boolean) =>
    rt.orm.em.fork().transactional(async (tx) => {
      // The row lock orders concurrent attempts of the same instance. A first batch inserts
      // without that read: on InnoDB a locking read of a missing key takes a gap lock, and two
      // first batches of different instances falling into the same gap then deadlock on their
      // inserts. A later batch finds the row (batches are applied in order) and locks it in the
      // same read that fetches it; a first batch that finds its row written (a retry) hits the
      // unique key and looks (see below).
      const instance = lookFirst ? await tx.findOne(ApprovalInstance, { tenantId, id: instanceId }, { lockMode: LockMode.PESSIMISTIC_WRITE }) : null;
      if (instance && instance.workflowId !== batch.workflowId) throw mismatch();
      if (instance && instance.projectedSeq >= batch.seq) return { applied: false };
      if (instance) tx.assign(instance, { ...instanceFields(batch.instance), projectedSeq: batch.seq });
      else tx.create(ApprovalInstance, { id: instanceId, tenantId, workflowId: batch.workflowId, ...instanceFields(batch.instance), projectedSeq: batch.seq });

      const ids = batch.tasks.map((t) => t.id);
      const existing = ids.length ? new Map((await tx.find(ApprovalTask, { tenantId, instanceId, id: { $in: ids } })).map((t) => [t.id, t])) : new Map<string, ApprovalTask>();
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
  let lookFirst = batch.seq > 1;
  for (let tries = 1; ; tries++) {
    try {
      return await attempt(lookFirst);
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) {
        // The rows exist already (a retry, or a racing duplicate): the look decides. Still
        // refused after looking: the id is another tenant's.
        if (lookFirst) throw mismatch();
        lookFirst = true;
        continue;
      }
      // The database picked this transaction as a deadlock victim: nothing was applied, so
      // trying again at once is safe and cheaper than an activity retry a second later.
      if ((err instanceof DeadlockException || err instanceof LockWaitTimeoutException) && tries < 4) continue;
      throw err;
    }
  }
}
