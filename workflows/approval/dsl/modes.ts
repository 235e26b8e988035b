/**
 * When an approval step is decided, by mode. Pure: given the step's votes so far, the answer is
 * `approved`, `rejected` or still `null` (keep waiting).
 *
 *  - sequential: everyone in turn; any reject rejects, the last approval passes.
 *  - all (countersign): every approval needed; the first reject ends the step.
 *  - any (or-sign): the first approval passes, the first reject rejects.
 *  - vote: passes at `threshold`% approvals; rejected as soon as that can no longer be reached.
 *
 * The one source of these rules: the workflow settles steps with it (engine/step-runs.ts) and
 * the assignee resolver checks automatic approvals against it. Changing a rule changes what
 * running approvals do: keep the old rule callable, choose in settle() with
 * `patched(PATCHES.<new id>)` (workflows/approval/patches.ts), and change the table in
 * test/unit/approval/modes.test.ts.
 */
import type { ApprovalMode } from './template';

/** Each assignee's current say: a vote, or still pending. Transferred/cancelled seats are left out. */
export type Vote = 'approved' | 'rejected' | 'pending';

export function decide(mode: ApprovalMode, votes: readonly Vote[], threshold = 100): 'approved' | 'rejected' | null {
  const approved = votes.filter((v) => v === 'approved').length;
  const rejected = votes.filter((v) => v === 'rejected').length;
  const total = votes.length;
  if (total === 0) return 'approved';
  switch (mode) {
    case 'sequential':
    case 'all':
      if (rejected > 0) return 'rejected';
      return approved === total ? 'approved' : null;
    case 'any':
      if (approved > 0) return 'approved';
      return rejected > 0 ? 'rejected' : null;
    case 'vote': {
      if (approved * 100 >= threshold * total) return 'approved';
      // Even if everyone still pending approves, the threshold is out of reach.
      if ((total - rejected) * 100 < threshold * total) return 'rejected';
      return null;
    }
  }
}

/** Why the tasks still open are closed without their holders, once the step is decided. */
export function cancelReason(mode: ApprovalMode, outcome: 'approved' | 'rejected'): string {
  if (outcome === 'rejected') return 'cancelled: step rejected';
  if (mode === 'any') return 'cancelled: approved by another approver';
  return 'cancelled: step decided';
}
