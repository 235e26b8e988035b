/**
 * The completion rule of an approval step, by mode (dsl/modes.ts): the one rule the workflow
 * settles steps with and the assignee resolver checks automatic approvals against. Changing how
 * a mode completes changes this table (and needs a patch id in workflows/approval/patches.ts).
 */
import { APPROVAL_MODES, cancelReason, decide, type ApprovalMode, type Vote } from '../../../workflows/approval/dsl';

const a: Vote = 'approved';
const r: Vote = 'rejected';
const p: Vote = 'pending';

describe('decide', () => {
  it.each(APPROVAL_MODES)('%s: a step with nobody left to ask is approved', (mode) => {
    expect(decide(mode, [])).toBe('approved');
  });

  const table: [ApprovalMode, Vote[], number | undefined, 'approved' | 'rejected' | null][] = [
    // sequential: everyone in turn; any reject rejects, the last approval passes.
    ['sequential', [p, p], undefined, null],
    ['sequential', [a, p], undefined, null],
    ['sequential', [a, a], undefined, 'approved'],
    ['sequential', [a, r], undefined, 'rejected'],
    ['sequential', [r, p], undefined, 'rejected'],
    // all (countersign): every approval needed; the first reject ends the step.
    ['all', [a, a, p], undefined, null],
    ['all', [a, a, a], undefined, 'approved'],
    ['all', [a, p, r], undefined, 'rejected'],
    ['all', [r, p, p], undefined, 'rejected'],
    // any (or-sign): the first approval passes, the first reject rejects.
    ['any', [p, p, p], undefined, null],
    ['any', [p, a, p], undefined, 'approved'],
    ['any', [r, p, p], undefined, 'rejected'],
    ['any', [r, a, p], undefined, 'approved'],
    // vote: passes at threshold %; rejected as soon as the threshold is out of reach.
    ['vote', [a, a, p, p], 50, 'approved'],
    ['vote', [a, p, p, p], 50, null],
    ['vote', [r, r, p, p], 50, null],
    ['vote', [r, r, r, p], 50, 'rejected'],
    ['vote', [a, a, p], 66, 'approved'],
    ['vote', [a, a, p], 67, null],
    ['vote', [a, a, r], 67, 'rejected'],
    ['vote', [a, a, p], undefined, null],
    ['vote', [a, p, r], undefined, 'rejected'],
    ['vote', [a, a, a], undefined, 'approved'],
  ];
  it.each(table)('%s %j (threshold %s) → %s', (mode, votes, threshold, expected) => {
    expect(decide(mode, votes, threshold)).toBe(expected);
  });
});

describe('cancelReason', () => {
  it('says why the tasks still open were closed without their holders', () => {
    expect(cancelReason('all', 'rejected')).toBe('cancelled: step rejected');
    expect(cancelReason('any', 'rejected')).toBe('cancelled: step rejected');
    expect(cancelReason('any', 'approved')).toBe('cancelled: approved by another approver');
    expect(cancelReason('vote', 'approved')).toBe('cancelled: step decided');
  });
});
