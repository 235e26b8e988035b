/**
 * Audit-log retention, daily: delete every audit row older than AUDIT_RETENTION_DAYS, in
 * batches, so no single statement holds locks for long and a crash resumes where it stopped.
 * The cutoff is fixed once at the start, so retries and the resumed run agree on it.
 */
import { proxyActivities, setCurrentDetails } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { AUDIT_PURGE_BATCH, type AuditPurgeResult } from './contract';

const maintenance = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 20 },
});

export async function auditPurgeWorkflow(): Promise<AuditPurgeResult> {
  const { cutoff } = await maintenance.auditRetentionCutoff.executeWithOptions({ summary: 'Retention cutoff' }, [{ at: Date.now() }]);
  let deleted = 0;
  let batches = 0;
  for (;;) {
    const n = await maintenance.purgeAuditLogBatch.executeWithOptions({ summary: `Batch ${batches + 1}` }, [{ cutoff, limit: AUDIT_PURGE_BATCH }]);
    deleted += n;
    batches++;
    setCurrentDetails(`Deleted ${deleted} audit rows created before ${cutoff} (${batches} batches).`);
    if (n < AUDIT_PURGE_BATCH) break;
  }
  return { cutoff, deleted, batches };
}
