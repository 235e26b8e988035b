/**
 * Who may do what, right now: the synchronous validators of the approval Updates. Each returns
 * the refusal (a stable code and a sentence) or null. They read only the workflow's state, so
 * Temporal can run them before accepting an Update into the history.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import {
  URGE_INTERVAL_MS,
  isFinished,
  type ActionResult,
  type AddSignAction,
  type DelegateAction,
  type Intervention,
  type ReassignIntervention,
  type RejectionCode,
  type ReturnIntervention,
  type TaskAction,
  type TransferAction,
} from '../contract';
import { iterateSteps } from '../dsl/flow';
import type { ApprovalInstanceState } from './instance';

export interface Refusal {
  code: RejectionCode;
  message: string;
}

const no = (code: RejectionCode, message: string): Refusal => ({ code, message });

/** Throw the refusal as the validator's answer: the Update is rejected and nothing is recorded. */
export function enforce(refusal: Refusal | null): void {
  if (refusal) throw ApplicationFailure.create({ message: refusal.message, type: refusal.code, nonRetryable: true });
}

const finished = (s: ApprovalInstanceState) => isFinished(s.status);

/** Approve / reject: the instance runs, the task is open, and the caller holds it. */
export function mayDecide(s: ApprovalInstanceState, a: TaskAction): Refusal | null {
  // The task first: "closed meanwhile" is the precise answer for the loser of a race.
  const task = s.tasks.get(a.taskId);
  if (!task || task.kind !== 'approval') return no('task_not_found', `No approval task ${a.taskId} in this request`);
  if (task.status !== 'open') return no('task_not_open', `The task is ${task.status === 'waiting' ? 'not your turn yet' : `already closed (${task.status})`}`);
  if (task.assigneeId !== a.actorId) return no('not_task_holder', 'Only the holder of the task can act on it');
  if (finished(s)) return no('instance_finished', `The request is already ${s.status}`);
  if (s.status !== 'running') return no('instance_not_running', 'The request was returned to its initiator; nothing can be approved until it is resubmitted');
  if (!s.runOf(task)) return no('task_not_open', 'The step of this task has already been decided');
  return null;
}

export function mayTransfer(s: ApprovalInstanceState, a: TransferAction): Refusal | null {
  const refusal = mayDecide(s, a);
  if (refusal) return refusal;
  const task = s.tasks.get(a.taskId)!;
  const run = s.runOf(task)!;
  if (!run.step.allowTransfer) return no('action_not_allowed', `The step "${run.step.name}" does not allow transfers`);
  if (a.toUserId === a.actorId) return no('action_not_allowed', 'A task cannot be transferred to its own holder');
  if (s.pendingAdded(task).length) return no('action_not_allowed', 'Remove the signers you added (or wait for your delegate) before transferring');
  const alreadyAsked = s.tasksOf(run).some((t) => t.assigneeId === a.toUserId && (t.status === 'open' || t.status === 'waiting'));
  if (alreadyAsked) return no('action_not_allowed', 'That person already holds a task in this step');
  return null;
}

/** Add-sign / delegate: the holder of a seat (not an added signer or delegate), if the step allows it. */
function mayExtend(s: ApprovalInstanceState, a: TaskAction, newcomers: string[], allowed: 'allowAddSign' | 'allowDelegate'): Refusal | null {
  const refusal = mayDecide(s, a);
  if (refusal) return refusal;
  const task = s.tasks.get(a.taskId)!;
  const run = s.runOf(task)!;
  const what = allowed === 'allowAddSign' ? 'adding signers' : 'delegation';
  if (task.parentId) return no('action_not_allowed', `An added signer or delegate cannot pass the task on (${what})`);
  if (!run.step[allowed]) return no('action_not_allowed', `The step "${run.step.name}" does not allow ${what}`);
  if (!newcomers.length || new Set(newcomers).size !== newcomers.length) return no('action_not_allowed', 'Name each person once');
  if (newcomers.includes(a.actorId)) return no('action_not_allowed', 'You cannot add yourself');
  const asked = s.tasksOf(run).filter((t) => t.status === 'open' || t.status === 'waiting').map((t) => t.assigneeId);
  if (newcomers.some((u) => asked.includes(u))) return no('action_not_allowed', 'That person already holds a task in this step');
  return null;
}

export const mayAddSign = (s: ApprovalInstanceState, a: AddSignAction): Refusal | null => mayExtend(s, a, a.userIds, 'allowAddSign');
export const mayDelegate = (s: ApprovalInstanceState, a: DelegateAction): Refusal | null => mayExtend(s, a, [a.toUserId], 'allowDelegate');

/** Remove-sign: the holder who added a signer, while that signer has not acted. */
export function mayRemoveSign(s: ApprovalInstanceState, a: TaskAction): Refusal | null {
  const task = s.tasks.get(a.taskId);
  if (!task || task.kind !== 'approval') return no('task_not_found', `No approval task ${a.taskId} in this request`);
  if (!task.parentId || task.role === 'delegate') return no('action_not_allowed', 'Only a signer added by a holder can be removed');
  if (task.status !== 'open' && task.status !== 'waiting') return no('task_not_open', `The added signer already acted (${task.status})`);
  if (s.tasks.get(task.parentId)!.assigneeId !== a.actorId) return no('not_task_holder', 'Only the holder who added this signer can remove them');
  if (finished(s)) return no('instance_finished', `The request is already ${s.status}`);
  if (s.status !== 'running') return no('instance_not_running', `The request is ${s.status}`);
  if (!s.runOf(task)) return no('task_not_open', 'The step of this task has already been decided');
  return null;
}

/** Take back: the approver's own (human) approval, while its step waits or the next step is untouched. */
export function mayTakeBack(s: ApprovalInstanceState, a: TaskAction): Refusal | null {
  const task = s.tasks.get(a.taskId);
  if (!task || task.kind !== 'approval') return no('task_not_found', `No approval task ${a.taskId} in this request`);
  if (task.assigneeId !== a.actorId) return no('not_task_holder', 'Only the approver can take their approval back');
  if (task.status !== 'approved' || task.autoApproved) return no('action_not_allowed', 'Only an approval you gave can be taken back');
  if (finished(s)) return no('instance_finished', `The request is already ${s.status}`);
  if (s.status !== 'running') return no('instance_not_running', `The request is ${s.status}`);
  if (task.parentId || s.pendingAdded(task).length) return no('action_not_allowed', 'Approvals involving added signers cannot be taken back');
  const run = s.runOf(task);
  if (run && !run.decision) return null;
  if (!s.takeBackTarget(task)) return no('task_not_open', 'Too late: the request has moved on since your approval');
  return null;
}

/** Confirm: the holder, back from a delegation, takes the delegate's decision as their own. */
export function mayConfirm(s: ApprovalInstanceState, a: TaskAction): Refusal | null {
  const refusal = mayDecide(s, a);
  if (refusal) return refusal;
  if (!s.delegationOf(s.tasks.get(a.taskId)!)) return no('action_not_allowed', 'There is no delegate decision to confirm');
  return null;
}

export function mayWithdraw(s: ApprovalInstanceState, actorId: string): Refusal | null {
  if (actorId !== s.input.initiator.userId) return no('not_initiator', 'Only the initiator can withdraw the request');
  if (finished(s)) return no('instance_finished', `The request is already ${s.status}`);
  return null;
}

export function mayResubmit(s: ApprovalInstanceState, actorId: string): Refusal | null {
  if (actorId !== s.input.initiator.userId) return no('not_initiator', 'Only the initiator can resubmit the request');
  if (s.status !== 'returned') return no('instance_not_returned', `Only a returned request can be resubmitted (it is ${s.status})`);
  return null;
}

/** Comments: anyone taking part (initiator, anyone ever asked or copied), while it is not finished. */
export function mayComment(s: ApprovalInstanceState, actorId: string, taskId?: string): Refusal | null {
  if (finished(s)) return no('instance_finished', `The request is already ${s.status}`);
  if (taskId && !s.tasks.has(taskId)) return no('task_not_found', `No task ${taskId} in this request`);
  const takesPart = actorId === s.input.initiator.userId || [...s.tasks.values()].some((t) => t.assigneeId === actorId);
  if (!takesPart) return no('not_participant', 'Only the initiator and the people asked can comment');
  return null;
}

/** Urge: the initiator reminds the current holders, at most once per URGE_INTERVAL_MS. */
export function mayUrge(s: ApprovalInstanceState, actorId: string, now: number): Refusal | null {
  if (actorId !== s.input.initiator.userId) return no('not_initiator', 'Only the initiator can urge the approvers');
  if (s.status !== 'running') return no('instance_not_running', `The request is ${s.status}`);
  if (!s.openTasks().length) return no('action_not_allowed', 'Nobody holds an open task right now');
  if (s.lastUrgeAt !== null && now - s.lastUrgeAt < URGE_INTERVAL_MS) {
    return no('urge_too_soon', `The approvers were urged ${Math.round((now - s.lastUrgeAt) / 60000)} min ago; try again later`);
  }
  return null;
}

// ───────────────────────────────────────────── interventions (administrators)
// Who may intervene (the permission, the data scope) is the API's check; these say whether the
// request's state allows it.

function mayIntervene(s: ApprovalInstanceState, a: Intervention): Refusal | null {
  if (!a.reason?.trim()) return no('reason_required', 'An intervention needs a reason');
  if (finished(s)) return no('instance_finished', `The request is already ${s.status}`);
  return null;
}

/** Cancel: any request not finished (running, returned to its initiator, stalled). */
export const mayCancelRequest = (s: ApprovalInstanceState, a: Intervention): Refusal | null => mayIntervene(s, a);

/** Reassign: a pending approval task of a step that still waits, to someone not already asked there. */
export function mayReassign(s: ApprovalInstanceState, a: ReassignIntervention): Refusal | null {
  const refusal = mayIntervene(s, a);
  if (refusal) return refusal;
  const task = s.tasks.get(a.taskId);
  if (!task || task.kind !== 'approval') return no('task_not_found', `No approval task ${a.taskId} in this request`);
  if (task.status !== 'open' && task.status !== 'waiting') return no('task_not_open', `The task is already closed (${task.status})`);
  if (s.status !== 'running') return no('instance_not_running', `The request is ${s.status}`);
  const run = s.runOf(task);
  if (!run) return no('task_not_open', 'The step of this task has already been decided');
  if (a.toUserId === task.assigneeId) return no('action_not_allowed', 'The task already belongs to this person');
  if (a.toUserId === s.input.initiator.userId) return no('action_not_allowed', 'The initiator cannot approve their own request');
  const asked = s.tasksOf(run).some((t) => t.assigneeId === a.toUserId && (t.status === 'open' || t.status === 'waiting'));
  if (asked) return no('action_not_allowed', 'That person already holds a task in this step');
  return null;
}

/** Retry: only a request whose system step failed and waits (`stalled`). */
export function mayRetry(s: ApprovalInstanceState, a: Intervention): Refusal | null {
  const refusal = mayIntervene(s, a);
  if (refusal) return refusal;
  if (s.status !== 'stalled' || !s.stalledSteps.size) return no('instance_not_stalled', `Only a request whose system step failed can be retried (it is ${s.status})`);
  return null;
}

/**
 * Return: to an approval step the request passed this round, while the flow runs or is stalled
 * and some step waits for people or is stalled (not during a delay or a running system step). Not while it is
 * returned to its initiator (theirs to resubmit) or already unwinding from another ending.
 */
export function mayReturnTo(s: ApprovalInstanceState, a: ReturnIntervention): Refusal | null {
  const refusal = mayIntervene(s, a);
  if (refusal) return refusal;
  if (s.status !== 'running' && s.status !== 'stalled') return no('instance_not_running', `The request is ${s.status}`);
  if (s.interruptedBy !== null || s.adminReturnTo !== null) return no('instance_not_running', 'The request is changing course right now; try again');
  // Passed = approved this round and before where the flow stands now (the steps waiting for
  // people or stalled), in the flow's order: never a jump forward past a step still waiting.
  const order = new Map([...iterateSteps(s.input.definition.flow)].map((loc, i) => [loc.step.id, { i, kind: loc.step.kind }]));
  const target = order.get(a.toStepId);
  const here = [...s.currentStepIds(), ...s.stalledSteps].map((id) => order.get(id)?.i ?? -1);
  const approved = [...s.tasks.values()].some((t) => t.stepId === a.toStepId && t.kind === 'approval' && t.round === s.round && t.status === 'approved');
  if (!target || target.kind !== 'approval' || !approved || !here.length || target.i >= Math.min(...here)) {
    return no('step_not_passed', `"${a.toStepId}" is not an approval step this request has passed`);
  }
  return null;
}

export type { ActionResult };
