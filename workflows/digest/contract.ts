/**
 * The daily digest's contract, shared by the schedule manager (API and worker side) and the
 * workflow. Safe to import from workflow code: no Node APIs.
 */
export const DIGEST_PROCESS = 'digest';

/** One schedule per tenant: `digest:<tenant code>`. Its runs are `digest:<tenant code>-<time>`. */
export const digestScheduleId = (tenantCode: string) => `digest:${tenantCode}`;

export interface DailyDigestInput {
  tenantId: string;
  tenantCode: string;
}

export interface DailyDigestResult {
  /** The tenant's calendar date the digest is about (`YYYY-MM-DD`). */
  date: string;
  /** Active users looked at. */
  recipients: number;
  /** Users who had something to report and were sent a digest. */
  sent: number;
}

/** What one page of recipients produced. */
export interface DigestPageResult {
  sent: number;
  skipped: number;
}

export interface DigestRecipientsPage {
  userIds: string[];
  /** Pass back as `after` for the next page; null = last page. */
  next: string | null;
}
