/**
 * The in-workflow state of one approval instance: its tasks, the approval steps waiting for
 * people, the timeline events not yet projected, and the plumbing that keeps the read model,
 * the search attributes and the Temporal UI in step with it.
 *
 * Every state change is synchronous (no await between a check and its effect), so two actions
 * arriving together are serialised: the second one's validator already sees the first one's
 * effect. Changes are projected in order, one batch at a time, by the projection activity.
 */
import { condition, patched, proxyActivities, proxyLocalActivities, setCurrentDetails, upsertSearchAttributes, uuid4, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../../activities';
import { SA } from '../../search-attributes';
import type { ApprovalStep } from '../dsl/template';
import type { ValueScope } from '../dsl/values';
import type { ApprovalInput, ActionResult, EventRow, InstanceStatus, ProjectionBatch, TaskRow, TaskStatus } from '../contract';
import { cancelReason, decide, type Vote } from '../dsl/modes';

const { projectApproval } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  // The read model must catch up eventually: retry long, but not forever.
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 60 },
});

/**
 * The same projection as a local activity: it runs in the worker that holds the workflow, with
 * no round trip through the server's task queue, so an action is answered as soon as the read
 * model is written. Same retry budget; past a minute of local retries the SDK backs off with
 * durable timers.
 */
const local = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30s',
  localRetryThreshold: '1 minute',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 60 },
});

/** How a task added by a holder relates to the holder's own task (their "seat"). */
export type AddedRole = 'before' | 'after' | 'delegate';

export interface TaskState extends TaskRow {
  /** Position in a sequential step (a transferred task's successor keeps it). */
  order: number;
  /** Add-sign / delegation: the holder's task this one was added for (absent on a seat). */
  parentId?: string;
  role?: AddedRole;
}

const pending = (t: TaskState) => t.status === 'open' || t.status === 'waiting';

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

export class ApprovalInstanceState {
  readonly workflowId = workflowInfo().workflowId;
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

  private events: EventRow[] = [];
  private dirty = new Set<string>();
  private chain: Promise<void> = Promise.resolve();
  private flushing = 0;
  private shownStatus: InstanceStatus | null = null;
  private shownAssignees = '';

  // Quiescence: an action answers once the flow has reacted to it (next step assigned…).
  private strands = 1;
  private kicks = 0;
  private readonly waiters = new Map<number, { seen: number; ready: () => boolean }>();
  private nextWaiter = 0;
  /**
   * The SDK evaluates every blocked condition in one pass before any woken strand runs, so a
   * strand whose wait is already satisfied still sits in `waiters` when an action asks "idle?".
   * Such a strand is about to move: it must not count as waiting. Runs started before this rule
   * answered their actions without it; they keep doing so on replay.
   */
  private readonly readyStrandsAreBusy: boolean;
  /** Runs started before the projection went local keep projecting through the task queue. */
  private readonly projectLocally: boolean;

  constructor(readonly input: ApprovalInput) {
    this.form = input.form;
    this.readyStrandsAreBusy = patched('approval-ready-strands-are-busy');
    this.projectLocally = patched('approval-local-projection');
  }

  // ─────────────────────────────────────────── timeline and tasks

  event(type: string, e: Partial<Omit<EventRow, 'seq' | 'type' | 'at'>> = {}): void {
    this.events.push({ seq: ++this.seq, type, stepId: e.stepId ?? null, taskId: e.taskId ?? null, actorId: e.actorId ?? null, data: e.data ?? {}, at: Date.now() });
  }

  private putTask(task: TaskState) {
    this.tasks.set(task.id, task);
    this.dirty.add(task.id);
  }

  private setTask(task: TaskState, status: TaskStatus, patch: Partial<TaskRow> = {}) {
    Object.assign(task, { status, ...patch });
    this.dirty.add(task.id);
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

  // ─────────────────────────────────────────── approval steps

  /**
   * Put the resolved people to work. Approvals given automatically (initiator, repeated
   * approver) are recorded as such; in sequential mode only the first pending person is asked.
   */
  openStep(step: ApprovalStep, assignees: { userId: string; displayName: string; autoApproved: string | null }[]): StepRun {
    const run: StepRun = { step, taskIds: [], enteredAt: Date.now(), decision: null, decidedBySystem: false };
    if (this.lastPassed && this.parallelDepth === 0) run.after = this.lastPassed;
    this.lastPassed = null;
    this.runs.set(step.id, run);
    let asked = false;
    assignees.forEach((a, order) => {
      let status: TaskStatus = 'open';
      if (a.autoApproved) status = 'approved';
      else if (step.mode === 'sequential' && asked) status = 'waiting';
      if (status === 'open') asked = true;
      const task = this.newTask(step, 'approval', a.userId, status, order, a.autoApproved ? { autoApproved: a.autoApproved, actedAt: Date.now(), reason: `approved automatically (${a.autoApproved})` } : {});
      run.taskIds.push(task.id);
    });
    this.event('assigned', {
      stepId: step.id,
      data: { stepName: step.name, mode: step.mode, assignees: assignees.map((a) => ({ userId: a.userId, displayName: a.displayName, autoApproved: a.autoApproved })) },
    });
    this.settle(run);
    return run;
  }

  /** A holder approves or rejects their task; the step is re-evaluated at once. */
  decideTask(d: Decision, vote: 'approved' | 'rejected'): void {
    const task = this.tasks.get(d.taskId)!;
    this.setTask(task, vote, { actedAt: Date.now(), comment: d.comment ?? null });
    this.event(vote, { stepId: task.stepId, taskId: task.id, actorId: d.actorId, data: { comment: d.comment ?? null, ...(task.role ? { role: task.role } : {}) } });
    const parent = task.parentId ? this.tasks.get(task.parentId) : undefined;
    if (parent && task.role === 'delegate') {
      // The delegate has spoken: the task comes back to its holder to confirm (or decide otherwise).
      this.setTask(parent, 'open', { reason: null });
      this.event('delegation_returned', { stepId: task.stepId, taskId: parent.id, data: { delegateId: task.assigneeId, vote } });
    } else if (parent && task.role === 'before' && vote === 'approved' && parent.status === 'waiting' && !this.pendingAdded(parent, 'before').length) {
      this.setTask(parent, 'open', { reason: null });
      this.event('turn', { stepId: task.stepId, taskId: parent.id, data: { assigneeId: parent.assigneeId, after: 'added signers' } });
    } else if (!parent && vote === 'approved') {
      // Signers added "after" act once the holder has approved.
      for (const t of this.pendingAdded(task, 'after')) if (t.status === 'waiting') this.setTask(t, 'open', { openedAt: Date.now() });
    }
    const run = this.runOf(task);
    if (run) this.settle(run);
  }

  /** Tasks added for a seat (add-sign, delegation) still waiting for their holder. */
  pendingAdded(seat: TaskState, role?: AddedRole): TaskState[] {
    return [...this.tasks.values()].filter((t) => t.parentId === seat.id && (!role || t.role === role) && pending(t));
  }

  /**
   * Add signers to a seat's task: "before" = they act first and the task comes back to the
   * holder; "after" = they act once the holder has approved. Their rejection is the seat's.
   */
  addSigners(d: Decision, userIds: string[], position: 'before' | 'after'): TaskState[] {
    const seat = this.tasks.get(d.taskId)!;
    const run = this.runOf(seat)!;
    if (position === 'before') this.setTask(seat, 'waiting', { reason: 'waiting for added signers' });
    const added = userIds.map((userId) =>
      this.newTask({ id: seat.stepId, name: seat.stepName }, 'approval', userId, position === 'before' ? 'open' : 'waiting', seat.order, {
        parentId: seat.id,
        role: position,
        reason: `added ${position} ${seat.assigneeId}`,
      }),
    );
    run.taskIds.push(...added.map((t) => t.id));
    this.event('sign_added', { stepId: seat.stepId, taskId: seat.id, actorId: d.actorId, data: { position, userIds, taskIds: added.map((t) => t.id), comment: d.comment ?? null } });
    this.settle(run);
    return added;
  }

  /** The holder removes a signer they added who has not acted yet. */
  removeSigner(d: Decision): void {
    const task = this.tasks.get(d.taskId)!;
    const seat = this.tasks.get(task.parentId!)!;
    this.setTask(task, 'cancelled', { reason: 'cancelled: removed by the holder' });
    this.event('sign_removed', { stepId: task.stepId, taskId: task.id, actorId: d.actorId, data: { userId: task.assigneeId, position: task.role, comment: d.comment ?? null } });
    if (task.role === 'before' && seat.status === 'waiting' && !this.pendingAdded(seat, 'before').length) {
      this.setTask(seat, 'open', { reason: null });
      this.event('turn', { stepId: seat.stepId, taskId: seat.id, data: { assigneeId: seat.assigneeId, after: 'added signers' } });
    }
    const run = this.runOf(seat);
    if (run) this.settle(run);
  }

  /** Another person acts for the holder; the task then comes back to the holder to confirm. */
  delegateTask(d: Decision, toUserId: string): TaskState {
    const seat = this.tasks.get(d.taskId)!;
    const run = this.runOf(seat)!;
    this.setTask(seat, 'waiting', { reason: `delegated to ${toUserId}` });
    const delegate = this.newTask({ id: seat.stepId, name: seat.stepName }, 'approval', toUserId, 'open', seat.order, { parentId: seat.id, role: 'delegate', reason: `delegated by ${seat.assigneeId}` });
    run.taskIds.push(delegate.id);
    this.event('delegated', { stepId: seat.stepId, taskId: seat.id, actorId: d.actorId, data: { from: seat.assigneeId, to: toUserId, delegateTaskId: delegate.id, comment: d.comment ?? null } });
    return delegate;
  }

  /**
   * Take back an approval. While its step is undecided, the task simply opens again (in
   * sequential mode whoever was asked next waits again). Once the step has passed, and while
   * nobody in the next approval step has acted, that step is called off and the flow returns
   * to the step taken back from (`takenBackTo`), where the approvers are asked again.
   */
  takeBack(d: Decision): void {
    const task = this.tasks.get(d.taskId)!;
    const run = this.runOf(task);
    if (run && !run.decision) {
      this.setTask(task, 'open', { actedAt: null, comment: null, openedAt: Date.now() });
      if (run.step.mode === 'sequential') {
        for (const t of this.tasksOf(run)) if (t.id !== task.id && !t.parentId && t.status === 'open') this.setTask(t, 'waiting');
      }
      this.event('taken_back', { stepId: task.stepId, taskId: task.id, actorId: d.actorId, data: { comment: d.comment ?? null, reopened: true } });
      return;
    }
    const next = this.takeBackTarget(task)!;
    next.takenBackTo = task.stepId;
    next.decision = 'rejected';
    for (const t of this.tasksOf(next)) if (pending(t)) this.setTask(t, 'cancelled', { reason: 'cancelled: approval taken back' });
    this.event('taken_back', { stepId: task.stepId, taskId: task.id, actorId: d.actorId, data: { comment: d.comment ?? null, calledOff: next.step.id } });
  }

  /** The current step a take-back of an earlier step's approval would call off, if nobody there acted yet. */
  takeBackTarget(task: TaskState): StepRun | undefined {
    if (this.parallelDepth) return undefined;
    const next = [...this.runs.values()].find((r) => !r.decision && r.after?.taskIds.includes(task.id));
    if (!next) return undefined;
    const untouched = this.tasksOf(next).every((t) => !t.parentId && (pending(t) || (t.status === 'approved' && t.autoApproved)));
    return untouched ? next : undefined;
  }

  /** The latest decided delegation of a seat (what "confirm" takes over). */
  delegationOf(seat: TaskState): TaskState | undefined {
    return [...this.tasks.values()].filter((t) => t.parentId === seat.id && t.role === 'delegate' && (t.status === 'approved' || t.status === 'rejected')).pop();
  }

  /** A seat's say in the step, counting the signers added for it. */
  private voteOf(seat: TaskState): Vote {
    const added = [...this.tasks.values()].filter((t) => t.parentId === seat.id && t.role !== 'delegate');
    if (added.some((t) => t.status === 'rejected')) return 'rejected';
    if (seat.status === 'approved') return added.some((t) => t.role === 'after' && pending(t)) ? 'pending' : 'approved';
    return seat.status === 'rejected' ? 'rejected' : 'pending';
  }

  /** Is a seat being worked on now (its holder, someone added for it, or its delegate)? */
  private busy(seat: TaskState): boolean {
    if (seat.status === 'open') return true;
    if (seat.status !== 'waiting' && seat.status !== 'approved') return false;
    return this.pendingAdded(seat).some((t) => seat.status === 'waiting' ? t.role !== 'after' : t.role === 'after');
  }

  /** The task moves to someone else; the original holder sees it done as "transferred". */
  transferTask(d: Decision, toUserId: string, reason = 'transferred'): TaskState {
    const task = this.tasks.get(d.taskId)!;
    this.setTask(task, 'transferred', { actedAt: Date.now(), comment: d.comment ?? null, reason: `${reason} to ${toUserId}` });
    const next = this.newTask({ id: task.stepId, name: task.stepName }, task.kind, toUserId, 'open', task.order, task.parentId ? { parentId: task.parentId, role: task.role } : {});
    this.runOf(task)?.taskIds.push(next.id);
    this.event('transferred', { stepId: task.stepId, taskId: task.id, actorId: d.actorId, data: { from: task.assigneeId, to: toUserId, newTaskId: next.id, comment: d.comment ?? null, reason } });
    return next;
  }

  /** The system decides a step (timeout): the people still asked are released. */
  decideStepBySystem(run: StepRun, outcome: 'approved' | 'rejected', why: string): void {
    run.decidedBySystem = true;
    this.closeStep(run, outcome, `cancelled: ${why}`);
  }

  /**
   * Re-evaluate a step after a change. Decided: close the remaining tasks (they were not acted
   * on: "cancelled", never "done"). A rejection also ends every other strand of the flow.
   * Sequential and still pending: ask the next person in line.
   */
  settle(run: StepRun): void {
    if (run.decision) return;
    // Signers added by a holder and delegates are not seats of their own: they count through the holder's.
    const seats = this.tasksOf(run).filter((t) => !t.parentId && t.status !== 'transferred' && t.status !== 'cancelled');
    const votes: Vote[] = seats.map((t) => this.voteOf(t));
    const outcome = decide(run.step.mode, votes, run.step.voteThreshold ?? 100);
    if (outcome) {
      this.closeStep(run, outcome, cancelReason(run.step.mode, outcome));
      return;
    }
    if (run.step.mode === 'sequential' && !seats.some((t) => this.busy(t))) {
      const next = seats.filter((t) => t.status === 'waiting').sort((a, b) => a.order - b.order)[0];
      if (next) {
        this.setTask(next, 'open', { openedAt: Date.now() });
        this.event('turn', { stepId: run.step.id, taskId: next.id, data: { assigneeId: next.assigneeId } });
      }
    }
  }

  private closeStep(run: StepRun, outcome: 'approved' | 'rejected', reason: string) {
    run.decision = outcome;
    for (const t of this.tasksOf(run)) if (t.status === 'open' || t.status === 'waiting') this.setTask(t, 'cancelled', { reason });
    this.event(outcome === 'approved' ? 'step_approved' : 'step_rejected', { stepId: run.step.id, data: { stepName: run.step.name, mode: run.step.mode, bySystem: run.decidedBySystem } });
    if (outcome === 'rejected') this.interrupt(run.step.id, `cancelled: ${run.step.name} rejected`);
  }

  /** Step finished (whatever the outcome): it no longer counts as current. */
  leaveStep(run: StepRun): void {
    if (this.runs.get(run.step.id) === run) this.runs.delete(run.step.id);
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
    if (status !== 'running' && status !== 'returned') this.finishedAt = Date.now();
  }

  /** A method, not a field read, so control-flow narrowing does not outlive an await. */
  isWithdrawn(): boolean {
    return this.status === 'withdrawn';
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

  // ─────────────────────────────────────────── projection

  private takeBatch(): ProjectionBatch | null {
    if (!this.events.length && !this.dirty.size) return null;
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
        status: this.status,
        form: this.form,
        currentStepIds: this.currentStepIds(),
        currentAssigneeIds: this.currentAssigneeIds(),
        round: this.round,
        submittedAt: Date.parse(input.submittedAt),
        finishedAt: this.finishedAt,
      },
      tasks: [...this.dirty].map((id) => {
        const { order: _order, parentId: _parent, role: _role, ...row } = this.tasks.get(id)!;
        return row;
      }),
      events: this.events,
    };
    this.events = [];
    this.dirty = new Set();
    this.publishVisibility();
    return batch;
  }

  /** Write what changed to the read model; batches go out one at a time, in order. */
  flush(): Promise<void> {
    const run = async () => {
      const batch = this.takeBatch();
      if (!batch) return;
      this.flushing++;
      try {
        const summary = `Timeline up to #${batch.seq}`;
        if (this.projectLocally) await local.projectApproval.executeWithOptions({ summary }, [batch]);
        else await projectApproval.executeWithOptions({ summary }, [batch]);
      } finally {
        this.flushing--;
      }
    };
    this.chain = this.chain.then(run);
    return this.chain;
  }

  /** Search attributes and the UI's current details follow the state. */
  private publishVisibility() {
    const assignees = this.currentAssigneeIds();
    const key = assignees.join(',');
    if (this.shownStatus !== this.status || this.shownAssignees !== key) {
      upsertSearchAttributes([
        { key: SA.status, value: this.status },
        { key: SA.assignees, value: assignees.length ? assignees : null },
      ]);
      this.shownStatus = this.status;
      this.shownAssignees = key;
    }
    setCurrentDetails(this.describe());
  }

  private describe(): string {
    const { input } = this;
    const lines = [`**${input.title}** (${input.definition.name} v${input.templateVersion}): ${this.status}${this.round > 1 ? `, round ${this.round}` : ''}`];
    const runs = [...this.runs.values()].filter((r) => !r.decision);
    if (runs.length) {
      lines.push('', '**Waiting for**');
      for (const run of runs) {
        const holders = this.tasksOf(run).filter((t) => t.status === 'open').map((t) => `\`${t.assigneeId}\``);
        lines.push(`- ⏳ ${run.step.name} (${run.step.mode}): ${holders.join(', ') || '—'}`);
      }
    }
    if (this.reason) lines.push('', this.reason);
    return lines.join('\n');
  }

  // ─────────────────────────────────────────── quiescence

  /**
   * Wait until `ready()` holds or `deadline` (epoch ms) passes; false on the deadline. While
   * waiting, this strand counts as idle, and any action (a kick) makes it re-check.
   */
  async waitFor(ready: () => boolean, deadline?: number): Promise<boolean> {
    for (;;) {
      if (ready()) return true;
      const id = this.nextWaiter++;
      this.waiters.set(id, { seen: this.kicks, ready });
      const seen = this.kicks;
      const timeout = deadline === undefined ? undefined : Math.max(deadline - Date.now(), 1);
      let woke: boolean;
      try {
        woke = timeout === undefined ? (await condition(() => ready() || this.kicks !== seen), true) : await condition(() => ready() || this.kicks !== seen, timeout);
      } finally {
        this.waiters.delete(id);
      }
      if (!woke) return ready();
    }
  }

  /** An action changed the state: every waiting strand looks again. */
  kick(): void {
    this.kicks++;
  }

  /**
   * Parallel branches: the strand count follows them, so "idle" means every branch still
   * running is waiting. The parent strand hands over to `n` branches…
   */
  fork(n: number): void {
    this.strands += n - 1;
  }

  /** …each finished branch stops counting… */
  branchDone(): void {
    this.strands--;
  }

  /** …and the parent carries on once all have finished. */
  join(): void {
    this.strands++;
  }

  /** The main flow is over: nothing more will wait. */
  done(): void {
    this.strands = 0;
  }

  /** Every strand waits (having seen the latest action) and the read model is written. */
  idle(): boolean {
    if (this.flushing || this.events.length || this.dirty.size) return false;
    if (this.waiters.size < this.strands) return false;
    for (const w of this.waiters.values()) {
      if (w.seen !== this.kicks) return false;
      if (this.readyStrandsAreBusy && w.ready()) return false;
    }
    return true;
  }
}
