/**
 * The engine's state machine without Temporal: approval steps opened for people and settled
 * under their mode, and what holders do to tasks (transfer, add-sign, delegate, take back).
 * The workflow drives exactly these functions; here they are called directly.
 */
import { decideStepBySystem, leaveStep, settle } from '../../../workflows/approval/engine/step-runs';
import { addSigners, decideTask, delegateTask, removeSigner, takeBack, transferTask } from '../../../workflows/approval/engine/task-actions';
import { approvalStep, INITIATOR, open, stateOf, statuses, taskOf } from './helpers';

const act = (actorId: string, taskId: string, comment?: string) => ({ actorId, taskId, ...(comment ? { comment } : {}) });

describe('an approval step, by mode', () => {
  it('sequential: one person at a time, in order; the last approval passes', () => {
    const s = stateOf([approvalStep('one', { mode: 'sequential' })]);
    const run = open(s, 'one', ['pete', 'carol', 'fiona']);
    expect(statuses(s, 'one')).toEqual(['pete:open', 'carol:waiting', 'fiona:waiting']);
    decideTask(s, act('pete', taskOf(s, 'one', 'pete').id), 'approved');
    expect(statuses(s, 'one')).toEqual(['pete:approved', 'carol:open', 'fiona:waiting']);
    decideTask(s, act('carol', taskOf(s, 'one', 'carol').id), 'approved');
    expect(run.decision).toBeNull();
    decideTask(s, act('fiona', taskOf(s, 'one', 'fiona').id), 'approved');
    expect(run.decision).toBe('approved');
    expect(s.interruptedBy).toBeNull();
  });

  it('all (countersign): the first reject ends the step and cancels the others, never as done', () => {
    const s = stateOf([approvalStep('one', { mode: 'all' })]);
    const run = open(s, 'one', ['pete', 'carol', 'fiona']);
    decideTask(s, act('pete', taskOf(s, 'one', 'pete').id), 'approved');
    decideTask(s, act('carol', taskOf(s, 'one', 'carol').id, 'no budget'), 'rejected');
    expect(run.decision).toBe('rejected');
    expect(statuses(s, 'one')).toEqual(['pete:approved', 'carol:rejected', 'fiona:cancelled']);
    expect(taskOf(s, 'one', 'fiona').reason).toBe('cancelled: step rejected');
    expect(taskOf(s, 'one', 'carol').comment).toBe('no budget');
    // A rejection ends every other strand of the flow.
    expect(s.interruptedBy).toBe('one');
    expect(s.interruptedFor(null)).toBe(true);
    expect(s.interruptedFor('one')).toBe(false);
  });

  it('any (or-sign): the first approval passes; the others are released, not marked done', () => {
    const s = stateOf([approvalStep('one', { mode: 'any' })]);
    const run = open(s, 'one', ['pete', 'carol']);
    decideTask(s, act('carol', taskOf(s, 'one', 'carol').id), 'approved');
    expect(run.decision).toBe('approved');
    expect(statuses(s, 'one')).toEqual(['pete:cancelled', 'carol:approved']);
    expect(taskOf(s, 'one', 'pete').reason).toBe('cancelled: approved by another approver');
    expect(s.interruptedBy).toBeNull();
  });

  it('vote: rejected as soon as the threshold is out of reach', () => {
    const s = stateOf([approvalStep('one', { mode: 'vote', voteThreshold: 60 })]);
    const run = open(s, 'one', ['pete', 'carol', 'fiona']);
    decideTask(s, act('pete', taskOf(s, 'one', 'pete').id), 'rejected');
    expect(run.decision).toBeNull();
    decideTask(s, act('carol', taskOf(s, 'one', 'carol').id), 'rejected');
    expect(run.decision).toBe('rejected');
    expect(taskOf(s, 'one', 'fiona').status).toBe('cancelled');
  });

  it('counts approvals given automatically, and asks only the others', () => {
    const s = stateOf([approvalStep('one', { mode: 'sequential' })]);
    const run = open(s, 'one', [INITIATOR, 'pete'], { [INITIATOR]: 'initiator' });
    expect(statuses(s, 'one')).toEqual(['alice:approved', 'pete:open']);
    expect(taskOf(s, 'one', INITIATOR).autoApproved).toBe('initiator');
    decideTask(s, act('pete', taskOf(s, 'one', 'pete').id), 'approved');
    expect(run.decision).toBe('approved');
  });

  it('a timeout decides for the system and releases the people still asked', () => {
    const s = stateOf([approvalStep('one', { mode: 'all' })]);
    const run = open(s, 'one', ['pete', 'carol']);
    decideStepBySystem(s, run, 'approved', 'timed out, approved automatically');
    expect(run).toMatchObject({ decision: 'approved', decidedBySystem: true });
    expect(taskOf(s, 'one', 'pete').reason).toBe('cancelled: timed out, approved automatically');
  });

  it('a decided step no longer counts as current once left', () => {
    const s = stateOf([approvalStep('one', { mode: 'any' })]);
    const run = open(s, 'one', ['pete']);
    expect(s.currentStepIds()).toEqual(['one']);
    expect(s.currentAssigneeIds()).toEqual(['pete']);
    decideTask(s, act('pete', taskOf(s, 'one', 'pete').id), 'approved');
    expect(s.currentStepIds()).toEqual([]);
    leaveStep(s, run);
    expect(s.runs.size).toBe(0);
    expect(s.result()).toMatchObject({ status: 'running', currentStepIds: [], openTasks: [] });
  });
});

describe('what holders do', () => {
  it('transfer: the task moves on, keeping its place; the holder sees it as transferred', () => {
    const s = stateOf([approvalStep('one', { mode: 'sequential' })]);
    const run = open(s, 'one', ['pete', 'carol']);
    const next = transferTask(s, act('pete', taskOf(s, 'one', 'pete').id, 'on leave'), 'harry');
    expect(statuses(s, 'one')).toEqual(['pete:transferred', 'carol:waiting', 'harry:open']);
    expect(next.order).toBe(0);
    expect(taskOf(s, 'one', 'pete').reason).toBe('transferred to harry');
    expect(run.taskIds).toContain(next.id);
    decideTask(s, act('harry', next.id), 'approved');
    expect(taskOf(s, 'one', 'carol').status).toBe('open');
  });

  it('add-sign before: the added signers act first, then the task comes back to its holder', () => {
    const s = stateOf([approvalStep('one', { mode: 'all', allowAddSign: true })]);
    const run = open(s, 'one', ['pete']);
    const pete = taskOf(s, 'one', 'pete');
    const [carol] = addSigners(s, act('pete', pete.id), ['carol'], 'before');
    expect(statuses(s, 'one')).toEqual(['pete:waiting', 'carol:open']);
    expect(s.pendingAdded(pete)).toEqual([carol]);
    decideTask(s, act('carol', carol.id), 'approved');
    expect(pete.status).toBe('open');
    expect(run.decision).toBeNull();
    decideTask(s, act('pete', pete.id), 'approved');
    expect(run.decision).toBe('approved');
  });

  it("add-sign after: they act once the holder approved; their rejection is the holder's", () => {
    const s = stateOf([approvalStep('one', { mode: 'all', allowAddSign: true })]);
    const run = open(s, 'one', ['pete']);
    const pete = taskOf(s, 'one', 'pete');
    const [carol] = addSigners(s, act('pete', pete.id), ['carol'], 'after');
    expect(carol.status).toBe('waiting');
    decideTask(s, act('pete', pete.id), 'approved');
    expect(carol.status).toBe('open');
    expect(run.decision).toBeNull();
    decideTask(s, act('carol', carol.id), 'rejected');
    expect(run.decision).toBe('rejected');
  });

  it('remove-sign: a signer added before is removed, and the task returns to its holder', () => {
    const s = stateOf([approvalStep('one', { allowAddSign: true })]);
    open(s, 'one', ['pete']);
    const pete = taskOf(s, 'one', 'pete');
    const [carol] = addSigners(s, act('pete', pete.id), ['carol'], 'before');
    removeSigner(s, act('pete', carol.id));
    expect(carol).toMatchObject({ status: 'cancelled', reason: 'cancelled: removed by the holder' });
    expect(pete.status).toBe('open');
  });

  it('delegate: the delegate decides, the holder confirms (or decides otherwise)', () => {
    const s = stateOf([approvalStep('one', { allowDelegate: true })]);
    const run = open(s, 'one', ['pete']);
    const pete = taskOf(s, 'one', 'pete');
    const harry = delegateTask(s, act('pete', pete.id), 'harry');
    expect(statuses(s, 'one')).toEqual(['pete:waiting', 'harry:open']);
    decideTask(s, act('harry', harry.id, 'fine by me'), 'approved');
    expect(pete.status).toBe('open');
    expect(run.decision).toBeNull();
    expect(s.delegationOf(pete)).toBe(harry);
    decideTask(s, act('pete', pete.id), 'approved');
    expect(run.decision).toBe('approved');
  });

  it('take back while the step waits: the task opens again and whoever was next waits again', () => {
    const s = stateOf([approvalStep('one', { mode: 'sequential' })]);
    const run = open(s, 'one', ['pete', 'carol']);
    const pete = taskOf(s, 'one', 'pete');
    decideTask(s, act('pete', pete.id), 'approved');
    expect(taskOf(s, 'one', 'carol').status).toBe('open');
    takeBack(s, act('pete', pete.id));
    expect(statuses(s, 'one')).toEqual(['pete:open', 'carol:waiting']);
    expect(run.decision).toBeNull();
  });

  it('take back after the step passed: the next step is called off and the flow returns', () => {
    const s = stateOf([approvalStep('one'), approvalStep('two')]);
    const one = open(s, 'one', ['pete']);
    const pete = taskOf(s, 'one', 'pete');
    decideTask(s, act('pete', pete.id), 'approved');
    leaveStep(s, one);
    // What the workflow records when a step passes outside parallel branches.
    s.lastPassed = { stepId: 'one', taskIds: [pete.id] };
    const two = open(s, 'two', ['fiona']);
    expect(s.takeBackTarget(pete)).toBe(two);
    takeBack(s, act('pete', pete.id));
    expect(two).toMatchObject({ decision: 'rejected', takenBackTo: 'one' });
    expect(taskOf(s, 'two', 'fiona')).toMatchObject({ status: 'cancelled', reason: 'cancelled: approval taken back' });
  });

  it('too late to take back once someone in the next step acted', () => {
    const s = stateOf([approvalStep('one'), approvalStep('two', { mode: 'all' })]);
    const one = open(s, 'one', ['pete']);
    const pete = taskOf(s, 'one', 'pete');
    decideTask(s, act('pete', pete.id), 'approved');
    leaveStep(s, one);
    s.lastPassed = { stepId: 'one', taskIds: [pete.id] };
    open(s, 'two', ['fiona', 'harry']);
    decideTask(s, act('fiona', taskOf(s, 'two', 'fiona').id), 'approved');
    expect(s.takeBackTarget(pete)).toBeUndefined();
  });
});

describe('the instance', () => {
  it('an interruption (rejection, withdrawal) cancels every task still open, wherever it is', () => {
    const s = stateOf([approvalStep('a', { mode: 'all' }), approvalStep('b', { mode: 'sequential' })]);
    const a = open(s, 'a', ['pete']);
    const b = open(s, 'b', ['carol', 'fiona']);
    s.interrupt('(withdrawn)', 'cancelled: withdrawn by the initiator');
    expect([...statuses(s, 'a'), ...statuses(s, 'b')]).toEqual(['pete:cancelled', 'carol:cancelled', 'fiona:cancelled']);
    expect(a.decision).toBe('rejected');
    expect(b.decision).toBe('rejected');
    // Only the first interruption counts.
    s.interrupt('a', 'other');
    expect(s.interruptedBy).toBe('(withdrawn)');
    // Settling a step that was called off changes nothing.
    settle(s, a);
    expect(taskOf(s, 'a', 'pete').reason).toBe('cancelled: withdrawn by the initiator');
  });

  it('records when it finished, and only for a finished status', () => {
    const s = stateOf([approvalStep('one')]);
    s.setStatus('returned', 'Returned at "Step one"');
    expect(s.finishedAt).toBeNull();
    s.setStatus('approved');
    expect(s.finishedAt).toEqual(expect.any(Number));
    expect(s.reason).toBeNull();
  });

  it('numbers its timeline events and offers the facts value references read', () => {
    const s = stateOf([approvalStep('one')]);
    s.event('submitted', { actorId: INITIATOR });
    s.event('note');
    expect(s.seq).toBe(2);
    expect(s.valueScope()).toEqual({
      form: {},
      initiator: { id: INITIATOR, department: 'd-sales', position: 'rep', roles: ['employee'] },
      instance: { id: 'instance-1' },
      template: { key: 'trip', version: 1 },
    });
  });
});
