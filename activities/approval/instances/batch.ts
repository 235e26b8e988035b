/**
 * Batch approve: the caller approves several of their to-do items in one request. Each item goes
 * through exactly the single approve's path (`approvals.act`: visibility, the workflow's Update
 * and its validator), one after the other, and gets its own result: one item's refusal never
 * stops the others, and an item is either applied by its workflow or not at all. With an
 * Idempotency-Key, each item's Update id derives from it, so a retried batch has one effect per
 * item and answers the same.
 */
import type { Runtime } from '../../runtime';
import type { Actor } from '../../../common/actor';
import { AppError } from '../../../common/errors';
import type { BatchApproveBody, BatchApproveResult, BatchItemResult } from './stats.schema';

export class ApprovalBatchService {
  constructor(private readonly rt: Runtime) {}

  async approve(actor: Actor, body: BatchApproveBody, idempotencyKey?: string): Promise<BatchApproveResult> {
    const results: BatchItemResult[] = [];
    for (const item of body.items) {
      const itemKey = idempotencyKey ? `batch:${idempotencyKey}:${item.instanceId}` : undefined;
      try {
        const detail = await this.rt.services.approvals.act(actor, item.instanceId, 'approve', { taskId: item.taskId, comment: body.comment }, itemKey);
        results.push({ ...item, ok: true, status: 200, code: null, detail: null, instanceStatus: detail.status });
      } catch (err) {
        if (err instanceof AppError) {
          results.push({ ...item, ok: false, status: err.status, code: err.code, detail: err.message, instanceStatus: null });
        } else {
          // Infrastructure trouble (Temporal or the database unreachable): the item's outcome is
          // unknown to us, so say so; a retry with the same key is safe.
          this.rt.log.error({ err, instanceId: item.instanceId, taskId: item.taskId }, 'batch approve item failed');
          results.push({ ...item, ok: false, status: 500, code: 'internal_error', detail: 'The item could not be processed; retry with the same Idempotency-Key', instanceStatus: null });
        }
      }
    }
    const approved = results.filter((r) => r.ok).length;
    return { approved, failed: results.length - approved, results };
  }
}
