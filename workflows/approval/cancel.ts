/**
 * A cancellation requested from outside the product (the Temporal UI's "Request Cancellation",
 * `temporal workflow cancel`, `handle.cancel()`), PATCHES.externalCancel. It reaches the
 * workflow as a CancelledFailure out of whatever it awaited; the request then ends the way a
 * withdrawal does: every open task closed, status `cancelled` in the read model and in
 * `SignoffStatus`, the initiator told. The clean-up runs in a non-cancellable scope (the root
 * scope is cancelled: anything scheduled in it would fail at once), and the failure is thrown
 * again afterwards, so Temporal shows the run as Canceled too.
 */
import { allHandlersFinished, CancellationScope, condition } from '@temporalio/workflow';
import { isFinished } from './contract';
import type { ApprovalInstanceState } from './engine/instance';

export const CANCELLED_REASON = 'Cancelled in Temporal (outside the product)';

export async function closeCancelled(s: ApprovalInstanceState): Promise<void> {
  await CancellationScope.nonCancellable(async () => {
    // The write the cancellation broke off may or may not have landed: start over with every
    // task in the next batch (tasks are written by id, so rewriting one is harmless).
    s.resumeProjection();
    if (!isFinished(s.status)) {
      s.interrupt('(cancelled)', 'cancelled: request cancelled');
      s.setStatus('cancelled', CANCELLED_REASON);
      s.event('cancelled', { data: { reason: CANCELLED_REASON } });
    }
    await s.flush();
    s.strands.done();
    await condition(allHandlersFinished);
    await s.notifier?.drained();
  });
}
