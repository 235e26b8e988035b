/**
 * The in-workflow state of one approval instance: its tasks, the approval steps waiting for
 * people, its status, and the timeline events not yet projected. Around it, one module per
 * concern: step-runs.ts (an approval step's tasks decided under its mode), task-actions.ts
 * (what holders do), rules.ts (who may do what), projection.ts (the read model follows),
 * visibility.ts (search attributes, UI details), strands.ts (when an action is answered).
 *
 * Every state change is synchronous (no await between a check and its effect), so two actions
 * arriving together are serialised: the second one's validator already sees the first one's
 * effect. Changes are projected in order, one batch at a time, by the projection activity.
 */
import { uuid4 } from '@temporalio/workflow';
import type { ApprovalStep } from '../dsl/template';
import type { ValueScope } from '../dsl/values';
import { isFinished, type ApprovalInput, type ActionResult, type EventRow, type InstanceStatus, type ProjectionBatch, type TaskRow, type TaskStatus } from '../contract';
import type { Notifier } from '../notify';
import { Projection } from './projection';
import { Strands } from './strands';
import { Visibility } from './visibility';

/** How a task added by a holder relates to the holder's own task (their "seat"). */
export type AddedRole = 'before' | 'after' | 'delegate';

export interface TaskState extends TaskRow {
  /** Position in a sequential step (a transferred task's successor keeps it). */
  order: number;
  /** Add-sign / delegation: the holder's task this one was added for (absent on a seat). */
  parentId?: string;
  role?: AddedRole;
}

/** Still to act: asked now, or queued. */
export const isPending = (t: TaskState) => t.status === 'open' || t.status === 'waiting';

/** An approval step waiting for people. */
export interface StepRun {
  step: ApprovalStep;
  taskIds: string[];
  enteredAt: number;
  decision: 'approved' | 'rejected' | null;
  /** Set when a timeout decided it rather than a person. */
  decidedBySystem: boolean;
  /** The approval step passed just before this one on a linear path (what a take-back reopens). */
  after?: PassedStep;
  /** Set when an approver of `after` took their approval back: the flow returns there. */
  takenBackTo?: string;
}

export interface PassedStep {
  stepId: string;
  /** The approved tasks (by people, not automatic ones). */
  taskIds: string[];
}

/** A person acting: approve or reject one task. */
export interface Decision {
  taskId: string;
  /** Null when the system acts (an escalation). */
  actorId: string | null;
  comment?: string;
}

/** What the state needs from its run; the workflow passes its patch flags (tests pass their own). */
export interface InstanceOptions {
  workflowId: string;
  /** PATCHES.readyStrandsAreBusy (strands.ts). */
  readyStrandsAreBusy: boolean;
  /** PATCHES.localProjection (projection.ts). */
  projectLocally: boolean;
}

export class ApprovalInstanceState {
  readonly workflowId: string;
  status: InstanceStatus = 'running';
  round = 1;
  seq = 0;
  form: Record<string, unknown>;
  finishedAt: number | null = null;
  reason: string | null = null;
  readonly tasks = new Map<string, TaskState>();
  readonly runs = new Map<string, StepRun>();
  /**
   * A rejection, return, failure or withdrawal ends every other strand of the flow (steps in
   * parallel branches): they see this and unwind. Holds the step id that caused it.
   */
  interruptedBy: string | null = null;
  lastUrgeAt: number | null = null;
  /** The approval step passed last, while no parallel step runs (null inside parallel branches). */
  lastPassed: PassedStep | null = null;
  /** How many parallel steps are running (take-back across steps only outside them). */
  parallelDepth = 0;
  /** An administrator sent the request back to this approval step: the flow restarts there once it has unwound. */
  adminReturnTo: string | null = null;
  /** System steps that failed and wait for an administrator (PATCHES.stallFailedSystemSteps). */
  readonly stalledSteps = new Set<string>();
  /** Bumped by each retry intervention: the stalled steps waiting see it and run again. */
  retries = 0;

  /** Tells people what each batch changed (PATCHES.notifications); absent on runs before it. */
  notifier: Notifier | null = null;

  /** The flow's strands: an action is answered once they all wait again. */
  readonly strands: Strands;
  private readonly projection: Projection;
  private readonly visibility = new Visibility();

  constructor(
    readonly input: ApprovalInput,
    options: InstanceOptions,
  ) {
    this.workflowId = options.workflowId;
    this.form = input.form;
    this.strands = new Strands(options.readyStrandsAreBusy);
    this.projection = new Projection(options.projectLocally, (events, taskIds) => this.composeBatch(events, taskIds));
  }

  // ─────────────────────────────────────────── timeline and tasks

  event(type: string, e: Partial<Omit<EventRow, 'seq' | 'type' | 'at'>> = {}): void {
    this.projection.record({ seq: ++this.seq, type, stepId: e.stepId ?? null, taskId: e.taskId ?? null, actorId: e.actorId ?? null, data: e.data ?? {}, at: Date.now() });
  }

  private putTask(task: TaskState) {
    this.tasks.set(task.id, task);
    this.projection.taskChanged(task.id);
  }

  /** Every change of a task goes through here, so the next batch carries it. */
  setTask(task: TaskState, status: TaskStatus, patch: Partial<TaskRow> = {}) {
    Object.assign(task, { status, ...patch });
    this.projection.taskChanged(task.id);
  }

  newTask(step: { id: string; name: string }, kind: TaskRow['kind'], assigneeId: string, status: TaskStatus, order = 0, extra: Partial<TaskState> = {}): TaskState {
    const task: TaskState = {
      id: uuid4(),
      position: this.tasks.size + 1,
      stepId: step.id,
      stepName: step.name,
      kind,
      assigneeId,
      status,
      reason: null,
      comment: null,
      autoApproved: null,
      round: this.round,
      openedAt: Date.now(),
      actedAt: null,
      order,
      ...extra,
    };
    this.putTask(task);
    return task;
  }

  tasksOf(run: StepRun): TaskState[] {
    return run.taskIds.map((id) => this.tasks.get(id)!);
  }

  openTasks(): TaskState[] {
    return [...this.tasks.values()].filter((t) => t.status === 'open');
  }

  runOf(task: TaskState): StepRun | undefined {
    const run = this.runs.get(task.stepId);
    return run && run.taskIds.includes(task.id) ? run : undefined;
  }

  // ─────────────────────────────────────────── steps and strands

  /** Tasks added for a seat (add-sign, delegation) still waiting for their holder. */
  pendingAdded(seat: TaskState, role?: AddedRole): TaskState[] {
    return [...this.tasks.values()].filter((t) => t.parentId === seat.id && (!role || t.role === role) && isPending(t));
  }

  /** The current step a take-back of an earlier step's approval would call off, if nobody there acted yet. */
  takeBackTarget(task: TaskState): StepRun | undefined {
    if (this.parallelDepth) return undefined;
    const next = [...this.runs.values()].find((r) => !r.decision && r.after?.taskIds.includes(task.id));
    if (!next) return undefined;
    const untouched = this.tasksOf(next).every((t) => !t.parentId && (isPending(t) || (t.status === 'approved' && t.autoApproved)));
    return untouched ? next : undefined;
  }

  /** The latest decided delegation of a seat (what "confirm" takes over). */
  delegationOf(seat: TaskState): TaskState | undefined {
    return [...this.tasks.values()].filter((t) => t.parentId === seat.id && t.role === 'delegate' && (t.status === 'approved' || t.status === 'rejected')).pop();
  }

  /** End every other strand: their open tasks are cancelled now, in the same projection. */
  interrupt(byStepId: string, reason: string): void {
    if (this.interruptedBy) return;
    this.interruptedBy = byStepId;
    for (const t of this.tasks.values()) if (t.status === 'open' || t.status === 'waiting') this.setTask(t, 'cancelled', { reason });
    for (const run of this.runs.values()) if (run.step.id !== byStepId && !run.decision) run.decision = 'rejected';
  }

  /** Is this strand to unwind because something else ended the flow? */
  interruptedFor(stepId: string | null): boolean {
    return this.interruptedBy !== null && this.interruptedBy !== stepId;
  }

  // ─────────────────────────────────────────── instance status

  setStatus(status: InstanceStatus, reason: string | null = null): void {
    this.status = status;
    this.reason = reason;
    if (isFinished(status)) this.finishedAt = Date.now();
  }

  /** A method, not a field read, so control-flow narrowing does not outlive an await. */
  isWithdrawn(): boolean {
    return this.status === 'withdrawn';
  }

  /**
   * A person ended the request while the flow ran: the initiator withdrew it, or an
   * administrator cancelled it. Before interventions only a withdrawal could (an outside
   * cancellation ends the run another way: cancel.ts), so old runs replay the same.
   */
  endedByPerson(): boolean {
    return this.status === 'withdrawn' || this.status === 'cancelled';
  }

  currentStepIds(): string[] {
    return [...this.runs.values()].filter((r) => !r.decision).map((r) => r.step.id);
  }

  currentAssigneeIds(): string[] {
    return [...new Set(this.openTasks().map((t) => t.assigneeId))];
  }

  /** What the template's value references (`form.x`, `initiator.id`, …) read in this instance. */
  valueScope(): ValueScope {
    const { input } = this;
    return {
      form: this.form,
      initiator: { id: input.initiator.userId, department: input.initiator.departmentId, position: input.initiator.positionCode, roles: input.initiator.roleCodes },
      instance: { id: input.instanceId },
      template: { key: input.definition.key, version: input.templateVersion },
    };
  }

  result(): ActionResult {
    return {
      status: this.status,
      seq: this.seq,
      currentStepIds: this.currentStepIds(),
      openTasks: this.openTasks().map((t) => ({ taskId: t.id, stepId: t.stepId, assigneeId: t.assigneeId })),
    };
  }

  // ─────────────────────────────────────────── projection and quiescence

  /** The next projection batch: the instance's summary, the changed tasks and the new events. */
  private composeBatch(events: EventRow[], taskIds: string[]): ProjectionBatch {
    const { input } = this;
    const batch: ProjectionBatch = {
      tenantId: input.tenantId,
      instanceId: input.instanceId,
      workflowId: this.workflowId,
      seq: this.seq,
      instance: {
        templateId: input.templateId,
        templateKey: input.definition.key,
        templateVersion: input.templateVersion,
        templateName: input.definition.name,
        title: input.title,
        initiatorId: input.initiator.userId,
        initiatorDepartmentId: input.initiator.departmentId,
        // An activity argument, not a command: replaying older runs (without it) is unaffected.
        serialNumber: input.serialNumber ?? null,
        status: this.status,
        form: this.form,
        currentStepIds: this.currentStepIds(),
        currentAssigneeIds: this.currentAssigneeIds(),
        round: this.round,
        submittedAt: Date.parse(input.submittedAt),
        finishedAt: this.finishedAt,
      },
      tasks: taskIds.map((id) => {
        const { order: _order, parentId: _parent, role: _role, ...row } = this.tasks.get(id)!;
        return row;
      }),
      events,
    };
    this.visibility.publish(this);
    this.notifier?.observe(batch);
    return batch;
  }

  /** Write what changed to the read model; batches go out one at a time, in order. */
  flush(): Promise<void> {
    return this.projection.flush();
  }

  /** After a cancellation interrupted the projection: the next batch carries every task again. */
  resumeProjection(): void {
    this.projection.restart();
    for (const id of this.tasks.keys()) this.projection.taskChanged(id);
  }

  /** Every strand waits (having seen the latest action) and the read model is written. */
  idle(): boolean {
    return !this.projection.busy() && this.strands.allWaiting();
  }
}
