/**
 * What holders do to their tasks: decide, transfer, add or remove signers, delegate, take an
 * approval back. Each change is synchronous and re-evaluates the step at once; who may do what
 * is checked before, by the Update validators (rules.ts).
 */
import { isPending, type ApprovalInstanceState, type Decision, type TaskState } from './instance';
import { settle } from './step-runs';

/** A holder approves or rejects their task; the step is re-evaluated at once. */
export function decideTask(s: ApprovalInstanceState, d: Decision, vote: 'approved' | 'rejected'): void {
  const task = s.tasks.get(d.taskId)!;
  s.setTask(task, vote, { actedAt: Date.now(), comment: d.comment ?? null });
  s.event(vote, { stepId: task.stepId, taskId: task.id, actorId: d.actorId, data: { comment: d.comment ?? null, ...(task.role ? { role: task.role } : {}) } });
  const parent = task.parentId ? s.tasks.get(task.parentId) : undefined;
  if (parent && task.role === 'delegate') {
    // The delegate has spoken: the task comes back to its holder to confirm (or decide otherwise).
    s.setTask(parent, 'open', { reason: null });
    s.event('delegation_returned', { stepId: task.stepId, taskId: parent.id, data: { delegateId: task.assigneeId, vote } });
  } else if (parent && task.role === 'before' && vote === 'approved' && parent.status === 'waiting' && !s.pendingAdded(parent, 'before').length) {
    s.setTask(parent, 'open', { reason: null });
    s.event('turn', { stepId: task.stepId, taskId: parent.id, data: { assigneeId: parent.assigneeId, after: 'added signers' } });
  } else if (!parent && vote === 'approved') {
    // Signers added "after" act once the holder has approved.
    for (const t of s.pendingAdded(task, 'after')) if (t.status === 'waiting') s.setTask(t, 'open', { openedAt: Date.now() });
  }
  const run = s.runOf(task);
  if (run) settle(s, run);
}

/**
 * Add signers to a seat's task: "before" = they act first and the task comes back to the
 * holder; "after" = they act once the holder has approved. Their rejection is the seat's.
 */
export function addSigners(s: ApprovalInstanceState, d: Decision, userIds: string[], position: 'before' | 'after'): TaskState[] {
  const seat = s.tasks.get(d.taskId)!;
  const run = s.runOf(seat)!;
  if (position === 'before') s.setTask(seat, 'waiting', { reason: 'waiting for added signers' });
  const added = userIds.map((userId) =>
    s.newTask({ id: seat.stepId, name: seat.stepName }, 'approval', userId, position === 'before' ? 'open' : 'waiting', seat.order, {
      parentId: seat.id,
      role: position,
      reason: `added ${position} ${seat.assigneeId}`,
    }),
  );
  run.taskIds.push(...added.map((t) => t.id));
  s.event('sign_added', { stepId: seat.stepId, taskId: seat.id, actorId: d.actorId, data: { position, userIds, taskIds: added.map((t) => t.id), comment: d.comment ?? null } });
  settle(s, run);
  return added;
}

/** The holder removes a signer they added who has not acted yet. */
export function removeSigner(s: ApprovalInstanceState, d: Decision): void {
  const task = s.tasks.get(d.taskId)!;
  const seat = s.tasks.get(task.parentId!)!;
  s.setTask(task, 'cancelled', { reason: 'cancelled: removed by the holder' });
  s.event('sign_removed', { stepId: task.stepId, taskId: task.id, actorId: d.actorId, data: { userId: task.assigneeId, position: task.role, comment: d.comment ?? null } });
  if (task.role === 'before' && seat.status === 'waiting' && !s.pendingAdded(seat, 'before').length) {
    s.setTask(seat, 'open', { reason: null });
    s.event('turn', { stepId: seat.stepId, taskId: seat.id, data: { assigneeId: seat.assigneeId, after: 'added signers' } });
  }
  const run = s.runOf(seat);
  if (run) settle(s, run);
}

/** Another person acts for the holder; the task then comes back to the holder to confirm. */
export function delegateTask(s: ApprovalInstanceState, d: Decision, toUserId: string): TaskState {
  const seat = s.tasks.get(d.taskId)!;
  const run = s.runOf(seat)!;
  s.setTask(seat, 'waiting', { reason: `delegated to ${toUserId}` });
  const delegate = s.newTask({ id: seat.stepId, name: seat.stepName }, 'approval', toUserId, 'open', seat.order, { parentId: seat.id, role: 'delegate', reason: `delegated by ${seat.assigneeId}` });
  run.taskIds.push(delegate.id);
  s.event('delegated', { stepId: seat.stepId, taskId: seat.id, actorId: d.actorId, data: { from: seat.assigneeId, to: toUserId, delegateTaskId: delegate.id, comment: d.comment ?? null } });
  return delegate;
}

/**
 * Take back an approval. While its step is undecided, the task simply opens again (in
 * sequential mode whoever was asked next waits again). Once the step has passed, and while
 * nobody in the next approval step has acted, that step is called off and the flow returns
 * to the step taken back from (`takenBackTo`), where the approvers are asked again.
 */
export function takeBack(s: ApprovalInstanceState, d: Decision): void {
  const task = s.tasks.get(d.taskId)!;
  const run = s.runOf(task);
  if (run && !run.decision) {
    s.setTask(task, 'open', { actedAt: null, comment: null, openedAt: Date.now() });
    if (run.step.mode === 'sequential') {
      for (const t of s.tasksOf(run)) if (t.id !== task.id && !t.parentId && t.status === 'open') s.setTask(t, 'waiting');
    }
    s.event('taken_back', { stepId: task.stepId, taskId: task.id, actorId: d.actorId, data: { comment: d.comment ?? null, reopened: true } });
    return;
  }
  const next = s.takeBackTarget(task)!;
  next.takenBackTo = task.stepId;
  next.decision = 'rejected';
  for (const t of s.tasksOf(next)) if (isPending(t)) s.setTask(t, 'cancelled', { reason: 'cancelled: approval taken back' });
  s.event('taken_back', { stepId: task.stepId, taskId: task.id, actorId: d.actorId, data: { comment: d.comment ?? null, calledOff: next.step.id } });
}

/** The task moves to someone else; the original holder sees it done as "transferred". */
export function transferTask(s: ApprovalInstanceState, d: Decision, toUserId: string, reason = 'transferred'): TaskState {
  const task = s.tasks.get(d.taskId)!;
  s.setTask(task, 'transferred', { actedAt: Date.now(), comment: d.comment ?? null, reason: `${reason} to ${toUserId}` });
  const next = s.newTask({ id: task.stepId, name: task.stepName }, task.kind, toUserId, 'open', task.order, task.parentId ? { parentId: task.parentId, role: task.role } : {});
  s.runOf(task)?.taskIds.push(next.id);
  s.event('transferred', { stepId: task.stepId, taskId: task.id, actorId: d.actorId, data: { from: task.assigneeId, to: toUserId, newTaskId: next.id, comment: d.comment ?? null, reason } });
  return next;
}

/**
 * An administrator gives a pending task to someone else (the holder did not act: the old task
 * closes as `reassigned`, not "transferred"). The new task takes the old one's place: same
 * order, same status (open or still waiting its turn), and the signers or delegate the old
 * holder added now answer to the new one.
 */
export function reassignTask(s: ApprovalInstanceState, a: { taskId: string; toUserId: string; actorId: string; reason: string }): TaskState {
  const task = s.tasks.get(a.taskId)!;
  const run = s.runOf(task)!;
  const status = task.status;
  s.setTask(task, 'reassigned', { actedAt: Date.now(), reason: `reassigned to ${a.toUserId} by an administrator` });
  const next = s.newTask({ id: task.stepId, name: task.stepName }, task.kind, a.toUserId, status, task.order, task.parentId ? { parentId: task.parentId, role: task.role } : {});
  for (const t of s.tasks.values()) if (t.parentId === task.id) t.parentId = next.id;
  run.taskIds.push(next.id);
  s.event('admin_reassigned', { stepId: task.stepId, taskId: task.id, actorId: a.actorId, data: { from: task.assigneeId, to: a.toUserId, newTaskId: next.id, reason: a.reason } });
  settle(s, run);
  return next;
}
