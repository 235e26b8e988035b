/**
 * An approval step's run: its people put to work, and the step re-evaluated under its mode
 * after every change (dsl/modes.ts decides), until it is approved or rejected. Mutations of the
 * instance state, synchronous like every state change.
 */
import type { ApprovalStep } from '../dsl/template';
import type { TaskStatus } from '../contract';
import { cancelReason, decide, type Vote } from '../dsl/modes';
import { isPending, type ApprovalInstanceState, type StepRun, type TaskState } from './instance';

/**
 * Put the resolved people to work. Approvals given automatically (initiator, repeated
 * approver) are recorded as such; in sequential mode only the first pending person is asked.
 */
export function openStep(s: ApprovalInstanceState, step: ApprovalStep, assignees: { userId: string; displayName: string; autoApproved: string | null }[]): StepRun {
  const run: StepRun = { step, taskIds: [], enteredAt: Date.now(), decision: null, decidedBySystem: false };
  if (s.lastPassed && s.parallelDepth === 0) run.after = s.lastPassed;
  s.lastPassed = null;
  s.runs.set(step.id, run);
  let asked = false;
  assignees.forEach((a, order) => {
    let status: TaskStatus = 'open';
    if (a.autoApproved) status = 'approved';
    else if (step.mode === 'sequential' && asked) status = 'waiting';
    if (status === 'open') asked = true;
    const task = s.newTask(step, 'approval', a.userId, status, order, a.autoApproved ? { autoApproved: a.autoApproved, actedAt: Date.now(), reason: `approved automatically (${a.autoApproved})` } : {});
    run.taskIds.push(task.id);
  });
  s.event('assigned', {
    stepId: step.id,
    data: { stepName: step.name, mode: step.mode, assignees: assignees.map((a) => ({ userId: a.userId, displayName: a.displayName, autoApproved: a.autoApproved })) },
  });
  settle(s, run);
  return run;
}

/** The system decides a step (timeout): the people still asked are released. */
export function decideStepBySystem(s: ApprovalInstanceState, run: StepRun, outcome: 'approved' | 'rejected', why: string): void {
  run.decidedBySystem = true;
  closeStep(s, run, outcome, `cancelled: ${why}`);
}

/**
 * Re-evaluate a step after a change. Decided: close the remaining tasks (they were not acted
 * on: "cancelled", never "done"). A rejection also ends every other strand of the flow.
 * Sequential and still pending: ask the next person in line.
 */
export function settle(s: ApprovalInstanceState, run: StepRun): void {
  if (run.decision) return;
  // Signers added by a holder and delegates are not seats of their own: they count through the holder's.
  // A transferred or reassigned task handed its seat to the task made for the new holder.
  const seats = s.tasksOf(run).filter((t) => !t.parentId && t.status !== 'transferred' && t.status !== 'reassigned' && t.status !== 'cancelled');
  const votes: Vote[] = seats.map((t) => voteOf(s, t));
  const outcome = decide(run.step.mode, votes, run.step.voteThreshold ?? 100);
  if (outcome) {
    closeStep(s, run, outcome, cancelReason(run.step.mode, outcome));
    return;
  }
  if (run.step.mode === 'sequential' && !seats.some((t) => busy(s, t))) {
    const next = seats.filter((t) => t.status === 'waiting').sort((a, b) => a.order - b.order)[0];
    if (next) {
      s.setTask(next, 'open', { openedAt: Date.now() });
      s.event('turn', { stepId: run.step.id, taskId: next.id, data: { assigneeId: next.assigneeId } });
    }
  }
}

function closeStep(s: ApprovalInstanceState, run: StepRun, outcome: 'approved' | 'rejected', reason: string) {
  run.decision = outcome;
  for (const t of s.tasksOf(run)) if (t.status === 'open' || t.status === 'waiting') s.setTask(t, 'cancelled', { reason });
  s.event(outcome === 'approved' ? 'step_approved' : 'step_rejected', { stepId: run.step.id, data: { stepName: run.step.name, mode: run.step.mode, bySystem: run.decidedBySystem } });
  if (outcome === 'rejected') s.interrupt(run.step.id, `cancelled: ${run.step.name} rejected`);
}

/** A seat's say in the step, counting the signers added for it. */
function voteOf(s: ApprovalInstanceState, seat: TaskState): Vote {
  const added = [...s.tasks.values()].filter((t) => t.parentId === seat.id && t.role !== 'delegate');
  if (added.some((t) => t.status === 'rejected')) return 'rejected';
  if (seat.status === 'approved') return added.some((t) => t.role === 'after' && isPending(t)) ? 'pending' : 'approved';
  return seat.status === 'rejected' ? 'rejected' : 'pending';
}

/** Is a seat being worked on now (its holder, someone added for it, or its delegate)? */
function busy(s: ApprovalInstanceState, seat: TaskState): boolean {
  if (seat.status === 'open') return true;
  if (seat.status !== 'waiting' && seat.status !== 'approved') return false;
  return s.pendingAdded(seat).some((t) => seat.status === 'waiting' ? t.role !== 'after' : t.role === 'after');
}

/** Step finished (whatever the outcome): it no longer counts as current. */
export function leaveStep(s: ApprovalInstanceState, run: StepRun): void {
  if (s.runs.get(run.step.id) === run) s.runs.delete(run.step.id);
}
