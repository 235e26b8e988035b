/**
 * The read models follow Temporal whatever the path: a request whose workflow was terminated
 * (or closed otherwise without telling the read model) is found here and closed in the database,
 * page by page, each page one idempotent activity; then the checklist to-dos of onboardings
 * closed without completing are removed. Run by the `reconcile` schedule.
 */
import { patched, proxyActivities, setCurrentDetails } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { PATCH_RECONCILE_ONBOARDING, RECONCILE_BATCH, type ReconcileInput, type ReconcileResult } from './reconcile-contract';

const maintenance = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 10 },
});

export async function reconcileWorkflow(input: ReconcileInput = {}): Promise<ReconcileResult> {
  const limit = input.batchSize ?? RECONCILE_BATCH;
  const total: ReconcileResult = { checked: 0, terminated: 0, cancelled: 0, failed: 0, pages: 0 };
  let afterId: string | null = null;
  for (;;) {
    const page = await maintenance.reconcileApprovalPage.executeWithOptions({ summary: `Requests after ${afterId ?? 'the start'}` }, [{ afterId, limit }]);
    total.pages++;
    total.checked += page.checked;
    total.terminated += page.closed.terminated;
    total.cancelled += page.closed.cancelled;
    total.failed += page.closed.failed;
    setCurrentDetails(`Checked ${total.checked} open requests; closed ${total.terminated} terminated, ${total.cancelled} cancelled, ${total.failed} failed.`);
    if (!page.next) break;
    afterId = page.next;
  }
  // Onboardings too (activities/onboarding/reconcile.ts): a terminated one leaves its open
  // checklist to-dos on people's lists. Runs recorded before this step did not take it.
  if (patched(PATCH_RECONCILE_ONBOARDING)) {
    const onb = { checked: 0, closed: 0, todosRemoved: 0 };
    let after: string | null = null;
    for (;;) {
      const page = await maintenance.reconcileOnboardingPage.executeWithOptions({ summary: `Onboardings after ${after ?? 'the start'}` }, [{ afterWorkflowId: after, limit }]);
      onb.checked += page.checked;
      onb.closed += page.closed;
      onb.todosRemoved += page.todosRemoved;
      if (!page.next) break;
      after = page.next;
    }
    total.onboardings = onb;
    setCurrentDetails(
      `Checked ${total.checked} open requests; closed ${total.terminated} terminated, ${total.cancelled} cancelled, ${total.failed} failed. Onboardings: ${onb.closed} closed in Temporal, ${onb.todosRemoved} open to-do(s) removed.`,
    );
  }
  return total;
}
