/** Platform maintenance jobs (all tenants at once), run by Temporal Schedules. No Node APIs. */
import { defineProcess } from '../process';
import type { auditPurgeWorkflow } from './audit-purge';

export const AUDIT_PURGE_PROCESS = 'audit-purge';
/** The schedule, and the prefix of its runs' workflow ids. */
export const AUDIT_PURGE_SCHEDULE_ID = 'audit-purge';

/** Platform-wide: no tenant, no business key; started by its schedule only. */
export const AUDIT_PURGE = defineProcess<typeof auditPurgeWorkflow>({
  workflowType: 'auditPurgeWorkflow',
  process: AUDIT_PURGE_PROCESS,
  resource: 'audit_purge',
  workflowId: () => AUDIT_PURGE_SCHEDULE_ID,
  parseWorkflowId: (workflowId) => (workflowId.startsWith(AUDIT_PURGE_SCHEDULE_ID) ? { tenantCode: '', businessKey: '' } : null),
  policies: { conflict: 'FAIL', reuse: 'ALLOW_DUPLICATE' },
});
/** Rows deleted per statement: short locks, and a crash loses at most one batch of progress. */
export const AUDIT_PURGE_BATCH = 5000;

export interface AuditPurgeResult {
  /** Rows created before this instant (ISO) were deleted. */
  cutoff: string;
  deleted: number;
  batches: number;
}
