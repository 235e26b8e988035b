/** Temporal activities of the daily digest workflow: thin wrappers over DigestService. */
import type { Runtime } from '../../runtime';
import type { DigestPageResult, DigestRecipientsPage } from '../../../workflows/digest/contract';
import { asActivity } from '../../../common/failures';
import type { DigestPageInput } from './service';

export function createDigestActivities(rt: Runtime) {
  const digest = () => rt.services.digest;
  return {
    async digestDay(input: { tenantId: string; at: number }): Promise<{ date: string; timeZone: string }> {
      return asActivity(() => digest().dayOf(input.tenantId, new Date(input.at)));
    },
    async listDigestRecipients(input: { tenantId: string; after: string | null; limit: number }): Promise<DigestRecipientsPage> {
      return asActivity(() => digest().recipients(input.tenantId, input.after, input.limit));
    },
    async sendDailyDigests(input: DigestPageInput): Promise<DigestPageResult> {
      // "Now" for overdue/due-today is the attempt's time: a retry an hour later reports then.
      return asActivity(() => digest().sendPage(input, new Date()));
    },
  };
}
