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

/**
 * End the request as `cancelled`, wherever it is: every open task closed, status and reason
 * set, one timeline event. Shared by the outside cancellation (event `cancelled`) and an
 * administrator's cancel intervention (event `admin_cancelled`, with who and why); the
 * notifier tells the initiator from either event.
 */
export function cancelRequest(s: ApprovalInstanceState, reason: string, by: { type: 'cancelled' | 'admin_cancelled'; actorId: string | null; taskReason: string }): void {
  s.interrupt('(cancelled)', by.taskReason);
  s.setStatus('cancelled', reason);
  s.event(by.type, { actorId: by.actorId, data: { reason } });
}

export async function closeCancelled(s: ApprovalInstanceState): Promise<void> {
  await CancellationScope.nonCancellable(async () => {
    // The write the cancellation broke off may or may not have landed: start over with every
    // task in the next batch (tasks are written by id, so rewriting one is harmless).
    s.resumeProjection();
    if (!isFinished(s.status)) cancelRequest(s, CANCELLED_REASON, { type: 'cancelled', actorId: null, taskReason: 'cancelled: request cancelled' });
    await s.flush();
    s.strands.done();
    await condition(allHandlersFinished);
    await s.notifier?.drained();
  });
}
