/**
 * The approval workflow's logic alone: the real workflow bundle on a real worker (dev server),
 * but every activity replaced by an in-memory fake. The people of each step are fixed, the
 * projection only records its batches; actions go in as Updates. No database, no API: what is
 * asserted here is what the workflow decided and what it asked the read model to show.
 */
import { Client, Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Activities } from '../../activities';
import type { StepResolution } from '../../activities/approval/assignees';
import { TemplateDefinition, type StepInput } from '../../workflows/approval/dsl';
import {
  APPROVAL_WORKFLOW_TYPE,
  approveUpdate,
  rejectUpdate,
  resubmitUpdate,
  stateQuery,
  type ActionResult,
  type ApprovalInput,
  type ProjectionBatch,
  type ResolveApprovalArgs,
  type TaskRow,
} from '../../workflows/approval/contract';
import type { approvalWorkflow } from '../../workflows/approval/workflow';
import { installQuietTemporalRuntime, testConfig, uniqueCode } from '../harness/harness';
import { dataConverterFor } from '../../temporal/data-converter';

type Fakes = Pick<Activities, 'projectApproval' | 'resolveApprovalAssignees' | 'resolveCcRecipients' | 'resolveEscalation' | 'notifyApprovalUsers' | 'notifyTenantAdmins'>;

/** What the fakes saw, per workflow id. */
const batches = new Map<string, ProjectionBatch[]>();
const resolutions: ResolveApprovalArgs[] = [];
/** The people each step id names (every one asked, none approved automatically). */
const PEOPLE: Record<string, string[]> = { lead: ['pete', 'carol'], finance: ['fiona'], board: ['harry', 'pete'] };

const fakes: Fakes = {
  async projectApproval(batch) {
    const list = batches.get(batch.workflowId) ?? [];
    list.push(batch);
    batches.set(batch.workflowId, list);
    return { applied: true };
  },
  async resolveApprovalAssignees(args): Promise<StepResolution> {
    resolutions.push(args);
    return { outcome: 'assigned', assignees: (PEOPLE[args.step.id] ?? []).map((userId) => ({ userId, displayName: userId, autoApproved: null })), notes: [] };
  },
  async resolveCcRecipients() {
    return [];
  },
  async resolveEscalation() {
    return {};
  },
  async notifyApprovalUsers(args) {
    return { sent: args.userIds.length };
  },
  async notifyTenantAdmins() {
    return { sent: 0 };
  },
};

const approval = (id: string, extra: Record<string, unknown> = {}): StepInput => ({ kind: 'approval', id, name: `Step ${id}`, assignees: { type: 'role', roleCodes: ['approver'] }, ...extra }) as StepInput;

function input(flow: StepInput[]): ApprovalInput {
  const instanceId = uniqueCode('inst-');
  return {
    tenantId: 'tenant-1',
    tenantCode: 'acme',
    instanceId,
    templateId: 'template-1',
    templateVersion: 1,
    definition: TemplateDefinition.parse({ key: 'trip', name: 'Business trip', category: 'general', flow }),
    title: 'Trip to Berlin',
    form: { days: 3 },
    initiator: { userId: 'alice', displayName: 'Alice', departmentId: null, roleCodes: [], positionCode: null },
    selections: {},
    submittedAt: new Date().toISOString(),
  };
}

/** The read model the batches build: latest row per task, every event once, the last summary. */
function readModel(workflowId: string) {
  const list = batches.get(workflowId) ?? [];
  const tasks = new Map<string, TaskRow>();
  for (const b of list) for (const t of b.tasks) tasks.set(t.id, t);
  return {
    seqs: list.map((b) => b.seq),
    instance: list.at(-1)?.instance,
    tasks: [...tasks.values()].sort((a, b) => a.position - b.position),
    events: list.flatMap((b) => b.events),
  };
}

const task = (tasks: TaskRow[], stepId: string, assigneeId: string) => tasks.filter((t) => t.stepId === stepId && t.assigneeId === assigneeId).pop()!;
const open = (r: ActionResult, userId: string) => r.openTasks.find((t) => t.assigneeId === userId)!.taskId;

describe('approval workflow logic, with in-memory activities', () => {
  let client: Client;
  let connection: Connection;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueCode('tq-logic-');

  beforeAll(async () => {
    installQuietTemporalRuntime();
    const dataConverter = dataConverterFor(testConfig());
    const native = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
    worker = await Worker.create({ connection: native, taskQueue, dataConverter, workflowBundle: { codePath: process.env.SIGNOFF_TEST_BUNDLE! }, activities: fakes });
    running = worker.run().finally(() => native.close());
    connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
    client = new Client({ connection, dataConverter });
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await connection?.close();
  });

  async function start(flow: StepInput[]) {
    const args = input(flow);
    const handle = await client.workflow.start<typeof approvalWorkflow>(APPROVAL_WORKFLOW_TYPE, { taskQueue, workflowId: `approval:acme:${args.instanceId}`, args: [args] });
    // Wait until the first step has its people (the Query reads the workflow's own state).
    const deadline = Date.now() + 20_000;
    for (;;) {
      const state = await handle.query(stateQuery);
      if (state.openTasks.length) return { handle, state };
      if (Date.now() > deadline) throw new Error(`no task opened: ${JSON.stringify(state)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('or-sign then a second step: the first approval passes, the sibling is released, the answer shows the next step', async () => {
    const { handle, state } = await start([approval('lead', { mode: 'any' }), approval('finance')]);
    expect(state.openTasks.map((t) => t.assigneeId).sort()).toEqual(['carol', 'pete']);

    const afterCarol = await handle.executeUpdate(approveUpdate, { args: [{ actorId: 'carol', taskId: open(state, 'carol'), comment: 'ok' }] });
    // Answered once the flow has reacted: the next step is already assigned.
    expect(afterCarol).toMatchObject({ status: 'running', currentStepIds: ['finance'], openTasks: [{ stepId: 'finance', assigneeId: 'fiona' }] });

    const done = await handle.executeUpdate(approveUpdate, { args: [{ actorId: 'fiona', taskId: open(afterCarol, 'fiona') }] });
    expect(done.status).toBe('approved');
    expect(await handle.result()).toEqual({ status: 'approved', rounds: 1, reason: null });

    const rm = readModel(handle.workflowId);
    // Batches go out in order, each newer than the last.
    expect(rm.seqs).toEqual([...rm.seqs].sort((a, b) => a - b));
    expect(new Set(rm.seqs).size).toBe(rm.seqs.length);
    expect(rm.instance).toMatchObject({ status: 'approved', currentStepIds: [], currentAssigneeIds: [], round: 1, title: 'Trip to Berlin' });
    expect(rm.tasks.map((t) => `${t.stepId}:${t.assigneeId}:${t.status}`)).toEqual(['lead:pete:cancelled', 'lead:carol:approved', 'finance:fiona:approved']);
    expect(task(rm.tasks, 'lead', 'pete').reason).toBe('cancelled: approved by another approver');
    expect(task(rm.tasks, 'lead', 'carol').comment).toBe('ok');
    expect(rm.events.map((e) => e.type)).toEqual(['submitted', 'assigned', 'approved', 'step_approved', 'assigned', 'approved', 'step_approved', 'completed']);
    expect(rm.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // The second step learnt who approved just before (for the repeated-approver rule).
    const finance = resolutions.filter((r) => r.step.id === 'finance').pop()!;
    expect(finance.previousApprovers).toEqual(['carol']);
  });

  it('countersign: the first reject rejects the request, cancels the sibling, and later actions are refused', async () => {
    const { handle, state } = await start([approval('board', { mode: 'all' }), approval('finance')]);
    expect(state.openTasks.map((t) => t.assigneeId)).toEqual(['harry', 'pete']);
    const harry = open(state, 'harry');

    const refusal = await handle.executeUpdate(approveUpdate, { args: [{ actorId: 'pete', taskId: harry }] }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((refusal as WorkflowUpdateFailedError).cause).toBeInstanceOf(ApplicationFailure);
    expect(((refusal as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe('not_task_holder');

    const rejected = await handle.executeUpdate(rejectUpdate, { args: [{ actorId: 'harry', taskId: harry, comment: 'no budget' }] });
    expect(rejected).toMatchObject({ status: 'rejected', openTasks: [] });
    expect(await handle.result()).toEqual({ status: 'rejected', rounds: 1, reason: 'Rejected at "Step board"' });

    const rm = readModel(handle.workflowId);
    expect(rm.tasks.map((t) => `${t.assigneeId}:${t.status}`)).toEqual(['harry:rejected', 'pete:cancelled']);
    expect(task(rm.tasks, 'board', 'pete').reason).toBe('cancelled: step rejected');
    expect(rm.events.map((e) => e.type)).toEqual(['submitted', 'assigned', 'rejected', 'step_rejected', 'completed']);
    // The finance step was never reached.
    expect(rm.tasks.some((t) => t.stepId === 'finance')).toBe(false);
  });

  it('parallel branches: a rejection in one branch cancels the tasks of the other', async () => {
    const { handle, state } = await start([
      {
        kind: 'parallel',
        id: 'checks',
        name: 'Checks',
        branches: [
          { id: 'money', name: 'Money', steps: [approval('finance')] },
          { id: 'people', name: 'People', steps: [approval('board', { mode: 'all' })] },
        ],
      } as StepInput,
    ]);
    expect(state.currentStepIds.sort()).toEqual(['board', 'finance']);
    const afterHarry = await handle.executeUpdate(approveUpdate, { args: [{ actorId: 'harry', taskId: open(state, 'harry') }] });
    expect(afterHarry.openTasks.map((t) => t.assigneeId).sort()).toEqual(['fiona', 'pete']);
    const rejected = await handle.executeUpdate(rejectUpdate, { args: [{ actorId: 'fiona', taskId: open(afterHarry, 'fiona') }] });
    expect(rejected).toMatchObject({ status: 'rejected', currentStepIds: [], openTasks: [] });
    expect((await handle.result()).status).toBe('rejected');

    const rm = readModel(handle.workflowId);
    expect(rm.tasks.map((t) => `${t.stepId}:${t.assigneeId}:${t.status}`).sort()).toEqual(['board:harry:approved', 'board:pete:cancelled', 'finance:fiona:rejected']);
    expect(task(rm.tasks, 'board', 'pete').reason).toBe('cancelled: Step finance rejected');
    expect(rm.events.map((e) => e.type)).not.toContain('joined');
  });

  it('returned to the initiator: resubmitted with a changed form, the flow restarts in round 2', async () => {
    const { handle, state } = await start([approval('finance', { onReject: { type: 'returnToInitiator' } })]);
    const returned = await handle.executeUpdate(rejectUpdate, { args: [{ actorId: 'fiona', taskId: open(state, 'fiona'), comment: 'add the hotel' }] });
    expect(returned).toMatchObject({ status: 'returned', openTasks: [] });

    const notYours = await handle.executeUpdate(resubmitUpdate, { args: [{ actorId: 'fiona' }] }).catch((e: unknown) => e);
    expect(((notYours as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe('not_initiator');

    const again = await handle.executeUpdate(resubmitUpdate, { args: [{ actorId: 'alice', form: { days: 4 } }] });
    expect(again).toMatchObject({ status: 'running', currentStepIds: ['finance'] });
    const done = await handle.executeUpdate(approveUpdate, { args: [{ actorId: 'fiona', taskId: open(again, 'fiona') }] });
    expect(done.status).toBe('approved');
    expect(await handle.result()).toEqual({ status: 'approved', rounds: 2, reason: null });

    const rm = readModel(handle.workflowId);
    expect(rm.instance).toMatchObject({ status: 'approved', round: 2, form: { days: 4 } });
    expect(rm.tasks.map((t) => `${t.round}:${t.assigneeId}:${t.status}`)).toEqual(['1:fiona:rejected', '2:fiona:approved']);
    expect(rm.events.map((e) => e.type)).toEqual(['submitted', 'assigned', 'rejected', 'step_rejected', 'returned', 'resubmitted', 'assigned', 'approved', 'step_approved', 'completed']);
  });
});
