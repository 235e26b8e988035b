/** Daily plans: one per user per calendar day of the tenant's time zone. */
import { z } from 'zod';
import { PageQuery } from '../../../common/pagination';
import type { DailyPlan, DailyPlanItem } from '../../../db/entities';
import { iso, Uuid } from '../../../common/schema';

/** A real calendar date written `YYYY-MM-DD` (2025-02-30 is refused). */
export const CalendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'is not a calendar date');

/** A date, or `today` in the tenant's time zone. */
export const PlanDate = z.union([z.literal('today'), CalendarDate]);

export const MAX_PLAN_ITEMS = 100;

export const PlanItemInput = z.strictObject({
  /** An item of this plan to keep (its done state is kept unless `done` is sent). */
  id: Uuid.optional(),
  text: z.string().trim().min(1).max(500),
  done: z.boolean().optional(),
  todoId: Uuid.nullable().optional(),
});

export const PutPlanInput = z.strictObject({
  /** The whole list, in order: items not listed are removed. */
  items: z
    .array(PlanItemInput)
    .max(MAX_PLAN_ITEMS)
    .refine((items) => new Set(items.filter((i) => i.id).map((i) => i.id)).size === items.filter((i) => i.id).length, 'an item id appears twice'),
});
export type PutPlanInput = z.input<typeof PutPlanInput>;

/** Inclusive range of dates; both default to a window ending today. */
export const PlanRangeQuery = z
  .object({ from: CalendarDate.optional(), to: CalendarDate.optional() })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['to'] });
export const PlanHistoryQuery = PageQuery.extend({ from: CalendarDate.optional(), to: CalendarDate.optional() }).refine(
  (q) => !q.from || !q.to || q.from <= q.to,
  { message: 'from must not be after to', path: ['to'] },
);
export type PlanRangeQuery = z.infer<typeof PlanRangeQuery>;
export type PlanHistoryQuery = z.infer<typeof PlanHistoryQuery>;

export const PlanItemView = z.object({
  id: z.string(),
  text: z.string(),
  done: z.boolean(),
  order: z.number().int(),
  todoId: z.string().nullable(),
  doneAt: z.string().nullable(),
});

export const PlanView = z.object({
  id: z.string(),
  date: z.string(),
  items: z.array(PlanItemView),
  itemCount: z.number().int(),
  doneCount: z.number().int(),
  /** doneCount / itemCount, 0 for an empty plan. */
  completionRate: z.number(),
  updatedAt: z.string(),
});
export type PlanView = z.infer<typeof PlanView>;

export const rate = (done: number, total: number) => (total ? Math.round((done / total) * 1000) / 1000 : 0);

export const toPlanView = (p: DailyPlan, items: DailyPlanItem[]): PlanView => ({
  id: p.id,
  date: p.date,
  items: items.map((i) => ({ id: i.id, text: i.text, done: i.done, order: i.sortOrder, todoId: i.todoId, doneAt: iso(i.doneAt) })),
  itemCount: p.itemCount,
  doneCount: p.doneCount,
  completionRate: rate(p.doneCount, p.itemCount),
  updatedAt: p.updatedAt.toISOString(),
});

export const PlanStats = z.object({
  from: z.string(),
  to: z.string(),
  /** Days with a plan holding at least one item. */
  daysPlanned: z.number().int(),
  items: z.number().int(),
  done: z.number().int(),
  completionRate: z.number(),
});
export type PlanStats = z.infer<typeof PlanStats>;
