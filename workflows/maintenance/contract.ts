/** Platform maintenance jobs (all tenants at once), run by Temporal Schedules. No Node APIs. */
export const AUDIT_PURGE_PROCESS = 'audit-purge';
/** The schedule, and the prefix of its runs' workflow ids. */
export const AUDIT_PURGE_SCHEDULE_ID = 'audit-purge';
/** Rows deleted per statement: short locks, and a crash loses at most one batch of progress. */
export const AUDIT_PURGE_BATCH = 5000;

export interface AuditPurgeResult {
  /** Rows created before this instant (ISO) were deleted. */
  cutoff: string;
  deleted: number;
  batches: number;
}
