/**
 * The daily digest's contract, shared by the schedule manager (API and worker side) and the
 * workflow. Safe to import from workflow code: no Node APIs.
 */
import { defineProcess } from '../process';
import type { dailyDigestWorkflow } from './workflow';

export const DIGEST_PROCESS = 'digest';

/** One schedule per tenant: `digest:<tenant code>`. Its runs are `digest:<tenant code>-<time>`. */
export const digestScheduleId = (tenantCode: string) => `digest:${tenantCode}`;

/** Started by the tenant's schedule only; the business key is the tenant code. */
export const DAILY_DIGEST = defineProcess<typeof dailyDigestWorkflow>({
  workflowType: 'dailyDigestWorkflow',
  process: DIGEST_PROCESS,
  resource: 'digest',
  workflowId: (tenantCode) => digestScheduleId(tenantCode),
  parseWorkflowId(workflowId) {
    // A run's id is the schedule id plus `-<time>`; tenant codes contain no ':'.
    const m = /^digest:([^:]+?)(-\d{4}-\d{2}-\d{2}T.*)?$/.exec(workflowId);
    return m ? { tenantCode: m[1], businessKey: m[1] } : null;
  },
  policies: { conflict: 'FAIL', reuse: 'ALLOW_DUPLICATE' },
});

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
