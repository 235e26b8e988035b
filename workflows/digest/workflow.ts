/**
 * The daily digest of one tenant, started by its Temporal Schedule every morning (tenant time
 * zone). Each active user is sent, on their channels, today's plan items, their due and overdue
 * to-dos and the approvals waiting for them; a user with nothing to report is sent nothing.
 *
 * Recipients go in pages so a large tenant never puts one huge payload in the history. The
 * dedupe base names the tenant's calendar date, so a retried page, a re-run or a manual trigger
 * the same day never sends a second digest to anyone.
 */
import { proxyActivities, setCurrentDetails } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { DailyDigestInput, DailyDigestResult, DigestRecipientsPage } from './contract';

const digest = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

const PAGE = 100;

export async function dailyDigestWorkflow(input: DailyDigestInput): Promise<DailyDigestResult> {
  // "Today" is fixed once, from the moment the schedule fired, in the tenant's time zone.
  const { date, timeZone } = await digest.digestDay.executeWithOptions({ summary: 'Which day, in the tenant time zone' }, [{ tenantId: input.tenantId, at: Date.now() }]);
  const dedupeBase = `digest:${input.tenantCode}:${date}`;
  let after: string | null = null;
  let recipients = 0;
  let sent = 0;
  do {
    const page: DigestRecipientsPage = await digest.listDigestRecipients.executeWithOptions({ summary: `Recipients after ${after ?? 'the start'}` }, [{ tenantId: input.tenantId, after, limit: PAGE }]);
    if (page.userIds.length) {
      const result = await digest.sendDailyDigests.executeWithOptions({ summary: `Digest to ${page.userIds.length} people` }, [
        { tenantId: input.tenantId, userIds: page.userIds, date, timeZone, dedupeBase },
      ]);
      recipients += page.userIds.length;
      sent += result.sent;
    }
    after = page.next;
    setCurrentDetails(`Digest of **${date}**: ${sent} sent, ${recipients} people looked at${after ? ', more to go' : ''}.`);
  } while (after);
  return { date, recipients, sent };
}
