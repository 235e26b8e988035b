/**
 * Shapes of the approval statistics and the batch approve. Statuses come from the runtime's
 * entities; durations are milliseconds; `olderThan` reuses the template duration syntax.
 */
import { z } from 'zod';
import { INSTANCE_STATUSES } from '../../../workflows/approval/contract';
import { TemplateKey, tryParseDuration } from '../../../workflows/approval/dsl';
import { Instant, Uuid } from '../../../common/schema';

export const StatsQuery = z
  .object({
    /** Requests submitted at or after this instant (ISO-8601). */
    from: Instant.optional(),
    /** Requests submitted before this instant (ISO-8601). */
    to: Instant.optional(),
    templateKey: TemplateKey.optional(),
    /**
     * Count an open task as overdue once it is open this long (`48h`, `PT2H`…). Without it, a
     * task is overdue past its step's `timeoutAfter` (tasks of steps without one never are).
     */
    olderThan: z
      .string()
      .trim()
      .refine((s) => tryParseDuration(s) !== null, { message: 'not a duration (e.g. `48h`, `PT2H`, `30m`)' })
      .optional(),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: '`from` must be before `to`', path: ['to'] });
export type StatsQuery = z.output<typeof StatsQuery>;

const Timing = z.object({
  /** How many samples the figures are computed from. */
  n: z.number().int(),
  meanMs: z.number().nullable(),
  p90Ms: z.number().nullable(),
});
export type Timing = z.infer<typeof Timing>;

export const StepStats = z.object({
  stepId: z.string(),
  stepName: z.string(),
  /** Task opened → acted by its holder (approve, reject, return, transfer; automatic decisions excluded). */
  waiting: Timing,
  open: z.number().int(),
  overdue: z.number().int(),
});

export const TemplateStats = z.object({
  templateKey: z.string(),
  templateName: z.string(),
  total: z.number().int(),
  byStatus: z.record(z.enum(INSTANCE_STATUSES), z.number().int()),
  /** Submitted → finished, over finished requests (approved, rejected, withdrawn, failed). */
  completion: Timing,
  steps: z.array(StepStats),
});

export const OverdueTask = z.object({
  instanceId: z.string(),
  title: z.string(),
  templateKey: z.string(),
  taskId: z.string(),
  stepId: z.string(),
  stepName: z.string(),
  assigneeId: z.string(),
  openedAt: z.string(),
  /** How long past the limit (the step's timeout or `olderThan`). */
  overdueByMs: z.number(),
});

export const ApprovalStats = z.object({
  from: z.string().nullable(),
  to: z.string().nullable(),
  generatedAt: z.string(),
  /** `step timeout` or the `olderThan` given. */
  overdueRule: z.string(),
  templates: z.array(TemplateStats),
  overdue: z.object({
    total: z.number().int(),
    /** The longest overdue first, at most 100. */
    items: z.array(OverdueTask),
  }),
});
export type ApprovalStats = z.infer<typeof ApprovalStats>;

// ─────────────────────────────────────────── batch approve

export const BATCH_MAX_ITEMS = 100;

export const BatchApproveBody = z
  .strictObject({
    items: z.array(z.strictObject({ instanceId: Uuid, taskId: Uuid })).min(1).max(BATCH_MAX_ITEMS),
    comment: z.string().trim().max(2000).optional(),
  })
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    b.items.forEach((it, i) => {
      const k = `${it.instanceId}:${it.taskId}`;
      if (seen.has(k)) ctx.addIssue({ code: 'custom', path: ['items', i], message: 'the same task is listed twice' });
      seen.add(k);
    });
  });
export type BatchApproveBody = z.output<typeof BatchApproveBody>;

export const BatchItemResult = z.object({
  instanceId: z.string(),
  taskId: z.string(),
  ok: z.boolean(),
  /** The HTTP status the single approve would have answered (200, 404, 409, 422…). */
  status: z.number().int(),
  /** Problem code when not ok (`approval_not_found`, `task_not_open`, `not_task_holder`…). */
  code: z.string().nullable(),
  detail: z.string().nullable(),
  /** The request's status after the action, when ok. */
  instanceStatus: z.enum(INSTANCE_STATUSES).nullable(),
});
export type BatchItemResult = z.infer<typeof BatchItemResult>;

export const BatchApproveResult = z.object({
  approved: z.number().int(),
  failed: z.number().int(),
  results: z.array(BatchItemResult),
});
export type BatchApproveResult = z.infer<typeof BatchApproveResult>;
