/**
 * The Update validators (engine/rules.ts): who may do what, right now. Each answers a refusal
 * with a stable code (the API's problem `code`) or null; `enforce` turns a refusal into the
 * ApplicationFailure Temporal rejects the Update with.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { REJECTIONS, URGE_INTERVAL_MS } from '../../../workflows/approval/contract';
import {
  enforce,
  mayAddSign,
  mayComment,
  mayConfirm,
  mayDecide,
  mayDelegate,
  mayRemoveSign,
  mayResubmit,
  mayTakeBack,
  mayTransfer,
  mayUrge,
  mayWithdraw,
  type Refusal,
} from '../../../workflows/approval/engine/rules';
import { leaveStep } from '../../../workflows/approval/engine/step-runs';
import { addSigners, decideTask, delegateTask } from '../../../workflows/approval/engine/task-actions';
import { approvalStep, INITIATOR, open, stateOf, taskOf } from './helpers';

const code = (refusal: Refusal | null) => refusal?.code ?? null;
const act = (actorId: string, taskId: string) => ({ actorId, taskId });

/** Pete holds the open task of step one (sequential: Carol waits her turn). */
function petesTurn(extra: Record<string, unknown> = {}) {
  const s = stateOf([approvalStep('one', { mode: 'sequential', ...extra }), approvalStep('two')]);
  const run = open(s, 'one', ['pete', 'carol']);
  return { s, run, pete: taskOf(s, 'one', 'pete'), carol: taskOf(s, 'one', 'carol') };
}

describe('approve / reject (mayDecide)', () => {
  it('lets the holder of an open task act', () => {
    const { s, pete } = petesTurn();
    expect(mayDecide(s, act('pete', pete.id))).toBeNull();
  });

  it('refuses, with a precise code, everything else', () => {
    const { s, pete, carol } = petesTurn();
    expect(code(mayDecide(s, act('pete', 'no-such-task')))).toBe('task_not_found');
    expect(mayDecide(s, act('carol', carol.id))).toEqual({ code: 'task_not_open', message: 'The task is not your turn yet' });
    expect(code(mayDecide(s, act('carol', pete.id)))).toBe('not_task_holder');
    decideTask(s, act('pete', pete.id), 'approved');
    expect(mayDecide(s, act('pete', pete.id))?.message).toBe('The task is already closed (approved)');
  });

  it('refuses while the request is returned, and once it is finished', () => {
    const { s, pete } = petesTurn();
    s.setStatus('returned');
    expect(code(mayDecide(s, act('pete', pete.id)))).toBe('instance_not_running');
    s.setStatus('withdrawn');
    expect(code(mayDecide(s, act('pete', pete.id)))).toBe('instance_finished');
  });

  it('refuses a task whose step is no longer current', () => {
    const { s, run, pete } = petesTurn();
    leaveStep(s, run);
    expect(code(mayDecide(s, act('pete', pete.id)))).toBe('task_not_open');
  });

  it('refuses a cc item: it is not an approval task', () => {
    const s = stateOf([approvalStep('one')]);
    const cc = s.newTask({ id: 'tell', name: 'Tell' }, 'cc', 'harry', 'cc');
    expect(code(mayDecide(s, act('harry', cc.id)))).toBe('task_not_found');
  });
});

describe('transfer', () => {
  it('moves an open task to someone not already asked, if the step allows it', () => {
    const { s, pete } = petesTurn();
    expect(mayTransfer(s, { ...act('pete', pete.id), toUserId: 'harry' })).toBeNull();
    expect(code(mayTransfer(s, { ...act('pete', pete.id), toUserId: 'pete' }))).toBe('action_not_allowed');
    expect(mayTransfer(s, { ...act('pete', pete.id), toUserId: 'carol' })?.message).toBe('That person already holds a task in this step');
  });

  it('is refused where the step forbids it', () => {
    const { s, pete } = petesTurn({ allowTransfer: false });
    expect(mayTransfer(s, { ...act('pete', pete.id), toUserId: 'harry' })?.message).toMatch(/does not allow transfers/);
  });

  it('is refused while the holder has added signers pending', () => {
    const { s, pete } = petesTurn({ allowAddSign: true });
    addSigners(s, act('pete', pete.id), ['harry'], 'after');
    expect(mayTransfer(s, { ...act('pete', pete.id), toUserId: 'fiona' })?.message).toMatch(/Remove the signers you added/);
  });
});

describe('add-sign, remove-sign, delegate', () => {
  it('add-sign: only where allowed, each new person once, not oneself, not someone already asked', () => {
    const plain = petesTurn();
    expect(mayAddSign(plain.s, { ...act('pete', plain.pete.id), userIds: ['harry'], position: 'before' })?.message).toMatch(/does not allow adding signers/);
    const { s, pete } = petesTurn({ allowAddSign: true });
    const add = (userIds: string[]) => mayAddSign(s, { ...act('pete', pete.id), userIds, position: 'before' });
    expect(add(['harry'])).toBeNull();
    expect(add([])?.message).toBe('Name each person once');
    expect(add(['harry', 'harry'])?.message).toBe('Name each person once');
    expect(add(['pete'])?.message).toBe('You cannot add yourself');
    expect(add(['carol'])?.message).toBe('That person already holds a task in this step');
  });

  it('an added signer cannot pass the task on', () => {
    const { s, pete } = petesTurn({ allowAddSign: true, allowDelegate: true });
    const [harry] = addSigners(s, act('pete', pete.id), ['harry'], 'before');
    expect(mayDelegate(s, { ...act('harry', harry.id), toUserId: 'fiona' })?.message).toMatch(/added signer or delegate cannot pass the task on/);
  });

  it('remove-sign: the holder who added them, while they have not acted', () => {
    const { s, pete } = petesTurn({ allowAddSign: true });
    const [harry] = addSigners(s, act('pete', pete.id), ['harry'], 'before');
    expect(mayRemoveSign(s, act('pete', harry.id))).toBeNull();
    expect(code(mayRemoveSign(s, act('carol', harry.id)))).toBe('not_task_holder');
    expect(code(mayRemoveSign(s, act('pete', pete.id)))).toBe('action_not_allowed');
    decideTask(s, act('harry', harry.id), 'approved');
    expect(code(mayRemoveSign(s, act('pete', harry.id)))).toBe('task_not_open');
  });

  it('delegate and confirm: confirm only once the delegate has decided', () => {
    const { s, pete } = petesTurn({ allowDelegate: true });
    expect(mayDelegate(s, { ...act('pete', pete.id), toUserId: 'harry' })).toBeNull();
    expect(code(mayConfirm(s, act('pete', pete.id)))).toBe('action_not_allowed');
    const harry = delegateTask(s, act('pete', pete.id), 'harry');
    // While the delegate works on it, the holder's task waits.
    expect(code(mayConfirm(s, act('pete', pete.id)))).toBe('task_not_open');
    decideTask(s, act('harry', harry.id), 'approved');
    expect(mayConfirm(s, act('pete', pete.id))).toBeNull();
  });
});

describe('take back', () => {
  it('the approver, for an approval they gave themselves', () => {
    const { s, pete, carol } = petesTurn();
    expect(mayTakeBack(s, act('pete', pete.id))?.message).toBe('Only an approval you gave can be taken back');
    decideTask(s, act('pete', pete.id), 'approved');
    expect(mayTakeBack(s, act('pete', pete.id))).toBeNull();
    expect(code(mayTakeBack(s, act('carol', pete.id)))).toBe('not_task_holder');
    expect(code(mayTakeBack(s, act('carol', carol.id)))).toBe('action_not_allowed');
  });

  it('not an automatic approval', () => {
    const s = stateOf([approvalStep('one')]);
    open(s, 'one', [INITIATOR, 'pete'], { [INITIATOR]: 'initiator' });
    expect(code(mayTakeBack(s, act(INITIATOR, taskOf(s, 'one', INITIATOR).id)))).toBe('action_not_allowed');
  });

  it('too late once the request moved on', () => {
    const { s, run, pete, carol } = petesTurn();
    decideTask(s, act('pete', pete.id), 'approved');
    decideTask(s, act('carol', carol.id), 'approved');
    leaveStep(s, run);
    // No step after it records Pete's approval as the one before: nothing to call off.
    expect(mayTakeBack(s, act('pete', pete.id))?.message).toBe('Too late: the request has moved on since your approval');
  });
});

describe('initiator actions and comments', () => {
  it('withdraw: the initiator, until the request is finished', () => {
    const { s } = petesTurn();
    expect(mayWithdraw(s, INITIATOR)).toBeNull();
    expect(code(mayWithdraw(s, 'pete'))).toBe('not_initiator');
    s.setStatus('returned');
    expect(mayWithdraw(s, INITIATOR)).toBeNull();
    s.setStatus('rejected');
    expect(code(mayWithdraw(s, INITIATOR))).toBe('instance_finished');
  });

  it('resubmit: the initiator, only a returned request', () => {
    const { s } = petesTurn();
    expect(code(mayResubmit(s, INITIATOR))).toBe('instance_not_returned');
    s.setStatus('returned');
    expect(mayResubmit(s, INITIATOR)).toBeNull();
    expect(code(mayResubmit(s, 'pete'))).toBe('not_initiator');
  });

  it('comment: the initiator and anyone asked, while the request is not finished', () => {
    const { s, pete } = petesTurn();
    expect(mayComment(s, INITIATOR)).toBeNull();
    expect(mayComment(s, 'carol', pete.id)).toBeNull();
    expect(code(mayComment(s, 'mallory'))).toBe('not_participant');
    expect(code(mayComment(s, 'pete', 'no-such-task'))).toBe('task_not_found');
    s.setStatus('approved');
    expect(code(mayComment(s, INITIATOR))).toBe('instance_finished');
  });

  it('urge: the initiator, while someone holds an open task, at most once per interval', () => {
    const { s } = petesTurn();
    const now = Date.parse('2025-03-01T10:00:00Z');
    expect(mayUrge(s, INITIATOR, now)).toBeNull();
    expect(code(mayUrge(s, 'pete', now))).toBe('not_initiator');
    s.lastUrgeAt = now;
    expect(mayUrge(s, INITIATOR, now + URGE_INTERVAL_MS - 1)?.code).toBe('urge_too_soon');
    expect(mayUrge(s, INITIATOR, now + URGE_INTERVAL_MS)).toBeNull();
    s.setStatus('returned');
    expect(code(mayUrge(s, INITIATOR, now + URGE_INTERVAL_MS))).toBe('instance_not_running');
  });

  it('urge: refused when nobody holds an open task', () => {
    const s = stateOf([approvalStep('one')]);
    expect(mayUrge(s, INITIATOR, Date.now())?.message).toBe('Nobody holds an open task right now');
  });
});

describe('enforce', () => {
  it('lets an allowed action through', () => {
    expect(() => enforce(null)).not.toThrow();
  });

  it('rejects the Update with the refusal code as the failure type, never retried', () => {
    let thrown: unknown;
    try {
      enforce({ code: 'task_not_open', message: 'The task is already closed (approved)' });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ApplicationFailure);
    expect(thrown).toMatchObject({ type: 'task_not_open', nonRetryable: true, message: 'The task is already closed (approved)' });
    // Every code maps to an HTTP answer in the API (409 or 422).
    expect(REJECTIONS[(thrown as ApplicationFailure).type as keyof typeof REJECTIONS]).toBe('conflict');
  });
});
