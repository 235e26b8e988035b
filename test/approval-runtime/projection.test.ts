/**
 * The read model's writer (activities/approval/instances/projection.ts) on the real database:
 * batches apply once and in order, a retry or a late batch changes nothing, a later batch finds
 * and locks the row in one read, and an instance id of another tenant or workflow is refused.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { applyProjection } from '../../activities/approval/instances/projection';
import { ApprovalEvent, ApprovalInstance, ApprovalTask } from '../../db/entities';
import type { ProjectionBatch, TaskRow } from '../../workflows/approval/contract';
import { createTenant, useSuite } from '../harness/harness';

const suite = useSuite();

function batches(tenantId: string, initiatorId: string) {
  const instanceId = randomUUID();
  const workflowId = `approval:test:${instanceId}`;
  const taskId = randomUUID();
  const task = (status: TaskRow['status']): TaskRow => ({
    id: taskId,
    position: 1,
    stepId: 'manager',
    stepName: 'Manager',
    kind: 'approval',
    assigneeId: initiatorId,
    status,
    reason: null,
    comment: null,
    autoApproved: null,
    round: 1,
    openedAt: 1_700_000_000_000,
    actedAt: status === 'open' ? null : 1_700_000_060_000,
  });
  const batch = (seq: number, status: 'running' | 'approved', tasks: TaskRow[]): ProjectionBatch => ({
    tenantId,
    instanceId,
    workflowId,
    seq,
    instance: {
      templateId: randomUUID(),
      templateKey: 'projection-test',
      templateVersion: 1,
      templateName: 'Projection test',
      title: `Request ${seq}`,
      initiatorId,
      initiatorDepartmentId: null,
      serialNumber: null,
      status,
      form: {},
      currentStepIds: status === 'running' ? ['manager'] : [],
      currentAssigneeIds: status === 'running' ? [initiatorId] : [],
      round: 1,
      submittedAt: 1_700_000_000_000,
      finishedAt: status === 'running' ? null : 1_700_000_060_000,
    },
    tasks,
    events: [{ seq, type: status === 'running' ? 'step_started' : 'approved', stepId: 'manager', taskId: null, actorId: null, data: {}, at: 1_700_000_000_000 + seq }],
  });
  return { instanceId, workflowId, first: batch(1, 'running', [task('open')]), second: batch(2, 'approved', [task('approved')]) };
}

describe('approval read-model projection', () => {
  it('applies each batch once and in order: retries and late batches change nothing', async () => {
    const t = await createTenant(suite.rt);
    const { instanceId, first, second } = batches(t.tenantId, t.users.alice.id);
    expect(await applyProjection(suite.rt, first)).toEqual({ applied: true });
    // A retry of the first batch: the insert meets the row, the look finds it applied.
    expect(await applyProjection(suite.rt, first)).toEqual({ applied: false });
    expect(await applyProjection(suite.rt, second)).toEqual({ applied: true });
    expect(await applyProjection(suite.rt, second)).toEqual({ applied: false });
    // The first batch arriving late must not roll the instance back.
    expect(await applyProjection(suite.rt, first)).toEqual({ applied: false });

    const em = suite.rt.orm.em.fork();
    const row = await em.findOneOrFail(ApprovalInstance, { tenantId: t.tenantId, id: instanceId });
    expect([row.status, row.projectedSeq, row.title]).toEqual(['approved', 2, 'Request 2']);
    const tasks = await em.find(ApprovalTask, { tenantId: t.tenantId, instanceId });
    expect(tasks.map((x) => x.status)).toEqual(['approved']);
    expect((await em.find(ApprovalEvent, { tenantId: t.tenantId, instanceId }, { orderBy: { seq: 'asc' } })).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('a later batch whose first never landed creates the rows', async () => {
    const t = await createTenant(suite.rt);
    const { instanceId, second } = batches(t.tenantId, t.users.alice.id);
    expect(await applyProjection(suite.rt, second)).toEqual({ applied: true });
    expect((await suite.rt.orm.em.fork().findOneOrFail(ApprovalInstance, { tenantId: t.tenantId, id: instanceId })).projectedSeq).toBe(2);
  });

  it('refuses, without retrying, an instance id that belongs to another tenant or workflow', async () => {
    const t = await createTenant(suite.rt);
    const intruder = await createTenant(suite.rt);
    const { instanceId, first, second } = batches(t.tenantId, t.users.alice.id);
    await applyProjection(suite.rt, first);
    const refused = async (batch: ProjectionBatch) => {
      const err = await applyProjection(suite.rt, batch).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ApplicationFailure);
      expect(err).toMatchObject({ type: 'projection_mismatch', nonRetryable: true });
    };
    await refused({ ...first, tenantId: intruder.tenantId });
    await refused({ ...second, tenantId: intruder.tenantId });
    await refused({ ...second, workflowId: 'approval:test:someone-else' });
    const row = await suite.rt.orm.em.fork().findOneOrFail(ApprovalInstance, { id: instanceId });
    expect([row.tenantId, row.projectedSeq]).toEqual([t.tenantId, 1]);
    expect(await suite.rt.orm.em.fork().count(ApprovalEvent, { instanceId })).toBe(1);
  });
});
