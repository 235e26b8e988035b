/**
 * The user actions, each a Temporal Update, and the state Query. The validator decides
 * synchronously whether an action may happen (engine/rules.ts); the handler applies it
 * synchronously, writes the read model, and answers once the flow has reacted (the next step
 * assigned, the request finished…), so the caller sees the state their action led to.
 */
import { condition, setHandler } from '@temporalio/workflow';
import {
  addSignUpdate,
  approveUpdate,
  confirmUpdate,
  delegateUpdate,
  removeSignUpdate,
  commentUpdate,
  rejectUpdate,
  resubmitUpdate,
  stateQuery,
  takeBackUpdate,
  transferUpdate,
  urgeUpdate,
  withdrawUpdate,
  type ActionResult,
} from './contract';
import type { ApprovalInstanceState } from './engine/instance';
import { enforce, mayAddSign, mayComment, mayConfirm, mayDecide, mayDelegate, mayRemoveSign, mayResubmit, mayTakeBack, mayTransfer, mayUrge, mayWithdraw } from './engine/rules';
import { addSigners, decideTask, delegateTask, removeSigner, takeBack, transferTask } from './engine/task-actions';
import { notify } from './proxies';

/** Let the flow react to an action, write the read model, and answer with the state it led to. */
export async function settledAfterAction(s: ApprovalInstanceState): Promise<ActionResult> {
  s.strands.kick();
  await s.flush();
  await condition(() => s.idle());
  return s.result();
}

export function handleActions(s: ApprovalInstanceState) {
  const settled = () => settledAfterAction(s);

  setHandler(
    approveUpdate,
    (a) => {
      decideTask(s, a, 'approved');
      return settled();
    },
    { validator: (a) => enforce(mayDecide(s, a)) },
  );

  setHandler(
    rejectUpdate,
    (a) => {
      decideTask(s, a, 'rejected');
      return settled();
    },
    { validator: (a) => enforce(mayDecide(s, a)) },
  );

  setHandler(
    transferUpdate,
    (a) => {
      transferTask(s, a, a.toUserId);
      return settled();
    },
    { validator: (a) => enforce(mayTransfer(s, a)) },
  );

  setHandler(
    addSignUpdate,
    (a) => {
      addSigners(s, a, a.userIds, a.position);
      return settled();
    },
    { validator: (a) => enforce(mayAddSign(s, a)) },
  );

  setHandler(
    removeSignUpdate,
    (a) => {
      removeSigner(s, a);
      return settled();
    },
    { validator: (a) => enforce(mayRemoveSign(s, a)) },
  );

  setHandler(
    delegateUpdate,
    (a) => {
      delegateTask(s, a, a.toUserId);
      return settled();
    },
    { validator: (a) => enforce(mayDelegate(s, a)) },
  );

  setHandler(
    takeBackUpdate,
    (a) => {
      takeBack(s, a);
      return settled();
    },
    { validator: (a) => enforce(mayTakeBack(s, a)) },
  );

  setHandler(
    confirmUpdate,
    (a) => {
      const seat = s.tasks.get(a.taskId)!;
      const delegation = s.delegationOf(seat)!;
      s.event('confirmed', { stepId: seat.stepId, taskId: seat.id, actorId: a.actorId, data: { delegateId: delegation.assigneeId, vote: delegation.status } });
      decideTask(s, { ...a, comment: a.comment ?? delegation.comment ?? undefined }, delegation.status as 'approved' | 'rejected');
      return settled();
    },
    { validator: (a) => enforce(mayConfirm(s, a)) },
  );

  setHandler(
    commentUpdate,
    (a) => {
      s.event('commented', { taskId: a.taskId ?? null, stepId: a.taskId ? s.tasks.get(a.taskId)!.stepId : null, actorId: a.actorId, data: { comment: a.comment ?? '' } });
      return settled();
    },
    { validator: (a) => enforce(mayComment(s, a.actorId, a.taskId)) },
  );

  setHandler(
    withdrawUpdate,
    (a) => {
      s.interrupt('(withdrawn)', 'cancelled: withdrawn by the initiator');
      s.setStatus('withdrawn', 'Withdrawn by the initiator');
      s.event('withdrawn', { actorId: a.actorId, data: { comment: a.comment ?? null } });
      return settled();
    },
    { validator: (a) => enforce(mayWithdraw(s, a.actorId)) },
  );

  setHandler(
    resubmitUpdate,
    (a) => {
      if (a.form) s.form = a.form;
      s.round++;
      s.setStatus('running');
      s.event('resubmitted', { actorId: a.actorId, data: { round: s.round, comment: a.comment ?? null, formChanged: !!a.form } });
      return settled();
    },
    { validator: (a) => enforce(mayResubmit(s, a.actorId)) },
  );

  setHandler(
    urgeUpdate,
    async (a) => {
      s.lastUrgeAt = Date.now();
      const holders = s.currentAssigneeIds();
      s.event('urged', { actorId: a.actorId, data: { userIds: holders, comment: a.comment ?? null } });
      await notify(s, holders, `Please look at "${s.input.title}"`, a.comment ?? `${s.input.initiator.displayName} is waiting for your decision.`);
      return settled();
    },
    { validator: (a) => enforce(mayUrge(s, a.actorId, Date.now())) },
  );

  setHandler(stateQuery, () => s.result());
}
