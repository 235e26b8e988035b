/**
 * The scheduled audit-log purge: its activities, and its one platform-wide Temporal Schedule
 * (`audit-purge`, daily at 03:00 UTC), ensured idempotently at worker start. Ops see and pause
 * it in the Temporal UI like any other schedule.
 */
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { createScheduleIfMissing } from '../../../temporal/schedules';
import type { Runtime } from '../../runtime';
import { scheduledStart } from '../../../temporal/processes';
import { processAttributes } from '../../../workflows/search-attributes';
import { AUDIT_PURGE, AUDIT_PURGE_SCHEDULE_ID } from '../../../workflows/maintenance/contract';
import { asActivity } from '../../../common/failures';

export function createAuditPurgeActivities(rt: Runtime) {
  return {
    /** The instant before which audit rows go, from the configured retention. */
    async auditRetentionCutoff(input: { at: number }): Promise<{ cutoff: string }> {
      return { cutoff: rt.services.audit.retentionCutoff(rt.config.AUDIT_RETENTION_DAYS, new Date(input.at)).toISOString() };
    },
    /** Delete one batch; idempotent (a retry finds fewer or no rows). */
    async purgeAuditLogBatch(input: { cutoff: string; limit: number }): Promise<number> {
      return asActivity(() => rt.services.audit.purgeBatch(new Date(input.cutoff), input.limit));
    },
  };
}

/** Create the purge schedule if it is missing. Its settings are the operators' from then on. */
export async function ensureAuditPurgeSchedule(rt: Runtime): Promise<'created' | 'unchanged'> {
  const created = await createScheduleIfMissing(await rt.temporal(), {
    scheduleId: AUDIT_PURGE_SCHEDULE_ID,
    spec: { calendars: [{ hour: 3, minute: 0, comment: 'nightly, UTC' }] },
    // Platform-wide: no tenant and no business key, only the process.
    action: scheduledStart(AUDIT_PURGE, { tenantCode: '', businessKey: '', taskQueue: rt.config.TEMPORAL_TASK_QUEUE, args: [], summary: 'Audit-log retention purge' }),
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    typedSearchAttributes: processAttributes({ process: AUDIT_PURGE.process }),
    state: { note: `Deletes audit rows older than AUDIT_RETENTION_DAYS (${rt.config.AUDIT_RETENTION_DAYS} at creation)` },
  });
  return created ? 'created' : 'unchanged';
}
