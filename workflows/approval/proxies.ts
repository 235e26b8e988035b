/**
 * The activities the approval workflow calls for people and system steps, with their timeouts
 * and retry budgets (the read-model projection has its own, in engine/projection.ts).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { ApprovalInstanceState } from './engine/instance';

/** Who approves, who is copied, escalations and messages. */
export const people = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 10, nonRetryableErrorTypes: ['validation_failed', 'not_found'] },
});

/** System steps and activity hooks: their failure is the request's, so fewer retries. */
export const systemSteps = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5, nonRetryableErrorTypes: ['validation_failed', 'not_found'] },
});

/** An in-app message to people of the request, once per user per timeline position. */
export async function notify(s: ApprovalInstanceState, userIds: string[], title: string, body: string) {
  if (!userIds.length) return;
  await people.notifyApprovalUsers({ tenantId: s.input.tenantId, userIds, title, body, dedupeKey: `${s.workflowId}:${s.seq}` });
}
