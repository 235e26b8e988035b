/**
 * Read-side extras of approvals: statistics for people with `approval:view-all` (within their
 * data scope), and batch approve of the caller's own to-do items. Mounted before the instance
 * routes so `/stats` is not taken for an instance id.
 */
import type { Context } from 'koa';
import { APPROVALS_PREFIX } from '../../activities/approval/instances/service';
import { route, type RouteModule } from '../route';
import { limitCaller } from '../middleware/rate-limits';
import { ApprovalStats, BatchApproveBody, BatchApproveResult, StatsQuery } from '../../activities/approval/instances/stats.schema';

const idempotencyKey = (ctx: Context): string | undefined => ctx.get('idempotency-key').trim().slice(0, 200) || undefined;

export const approvalStatsModule: RouteModule = {
  prefix: APPROVALS_PREFIX,
  tag: 'Approvals',
  routes: [
    route({
      method: 'get',
      path: '/stats',
      summary: 'Approval statistics per template',
      description:
        'Counts by status, time to complete (mean, p90), per-step waiting time of the people asked (task opened → acted), and open tasks past their step timeout (or past `olderThan`). Requests submitted in [`from`, `to`), initiated within the caller\'s data scope.',
      permission: 'approval:view-all',
      query: StatsQuery,
      response: ApprovalStats,
      handler: ({ rt, actor, query }) => rt.services.approvalStats.stats(actor, query),
    }),
    route({
      method: 'post',
      path: '/batch-approve',
      apiKey: 'approval:act',
      summary: 'Approve several of my to-do items',
      description:
        'Each item goes through the same path as the single approve and gets its own result (`ok`, or the status and problem code the single approve would answer: 404 `approval_not_found`, 409 `task_not_open`, 422 `not_task_holder`…). Send an `Idempotency-Key` header: each item derives its own key from it, so a retried batch has one effect per item.',
      body: BatchApproveBody,
      response: BatchApproveResult,
      handler: async ({ rt, actor, body, ctx }) => {
        // Each item is an approve: the batch counts as many requests as it has items (one is counted already).
        if (body.items.length > 1) await limitCaller(ctx, rt, actor, body.items.length - 1);
        return rt.services.approvalBatch.approve(actor, body, idempotencyKey(ctx));
      },
    }),
  ],
};
