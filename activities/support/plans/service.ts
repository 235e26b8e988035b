/**
 * Daily plans. "Today" is the calendar date in the tenant's time zone (Tenant.timeZone), so a
 * team in Shanghai and one in Paris each plan their own day. Dates are stored as `YYYY-MM-DD`
 * strings: a calendar day, not an instant, which no server time zone can shift.
 */
import type { EntityManager } from '@mikro-orm/knex';
import type { Runtime } from '../../runtime';
import type { Actor } from '../../../common/actor';
import { NotFoundError, ValidationError, type FieldError } from '../../../common/errors';
import { newId } from '../../../common/ids';
import { offsetOf, pageOf, type Page } from '../../../common/pagination';
import { DailyPlan, DailyPlanItem, Tenant } from '../../../db/entities';
import { parseInput } from '../../../common/schema';
import { retryOnUniqueViolation } from '../../../common/query';
import type { TodoService } from '../todos/service';
import {
  PutPlanInput,
  rate,
  toPlanView,
  type PlanHistoryQuery,
  type PlanRangeQuery,
  type PlanStats,
  type PlanView,
} from './schema';

/** Longest range statistics are computed over. */
export const MAX_STATS_DAYS = 366;
/** Default window of history and statistics: the last 30 days including today. */
const DEFAULT_WINDOW_DAYS = 30;

/** The calendar date of an instant in a time zone, as `YYYY-MM-DD`. */
export function calendarDateIn(timeZone: string, at: Date = new Date()): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** `date` moved by whole days (calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

export class PlanService {
  constructor(
    private readonly rt: Runtime,
    /** Plan items may link the owner's to-dos. */
    private readonly todos: TodoService,
  ) {}

  /** `today` → the tenant's current date; any other value is already a date. */
  async resolveDate(actor: Actor, date: string, now: Date = new Date()): Promise<string> {
    if (date !== 'today') return date;
    const tenant = await this.rt.orm.em.fork().findOneOrFail(Tenant, { id: actor.tenantId }, { fields: ['timeZone'] });
    return calendarDateIn(tenant.timeZone, now);
  }

  async get(actor: Actor, date: string): Promise<PlanView> {
    const em = this.rt.orm.em;
    const plan = await this.find(em, actor, await this.resolveDate(actor, date));
    return toPlanView(plan, await this.itemsOf(em, actor, [plan.id]));
  }

  /**
   * Replace the plan's items with the given list (creating the plan on first use). Items that
   * carry an id must already belong to this plan: an unknown id is "not found" (404) like any
   * foreign id. Linked to-dos must be the caller's own. Checked first, then written at once.
   */
  async put(actor: Actor, date: string, raw: PutPlanInput): Promise<PlanView> {
    const input = parseInput(PutPlanInput, raw, 'The plan cannot be saved');
    const day = await this.resolveDate(actor, date);
    const linked = input.items.map((i) => i.todoId).filter((id): id is string => !!id);
    return retryOnUniqueViolation(() =>
      this.rt.orm.em.fork().transactional(async (tx) => {
        let plan = await tx.findOne(DailyPlan, this.where(actor, day));
        const existing = plan ? await this.itemsOf(tx, actor, [plan.id]) : [];
        const byId = new Map(existing.map((i) => [i.id, i]));
        const stranger = input.items.find((i) => i.id && !byId.has(i.id));
        if (stranger) throw new NotFoundError('plan_item', stranger.id);
        const owned = await this.todos.ownedIds(tx, actor, linked);
        const errors: FieldError[] = [];
        input.items.forEach((i, n) => {
          if (i.todoId && !owned.has(i.todoId)) errors.push({ path: `items.${n}.todoId`, message: 'no such to-do of yours', code: 'not_found' });
        });
        if (errors.length) throw new ValidationError('The plan cannot be saved', errors);

        plan ??= tx.create(DailyPlan, { id: newId(), tenantId: actor.tenantId, userId: actor.userId, date: day });
        const now = new Date();
        const kept = new Set<string>();
        const items = input.items.map((i, order) => {
          const item = i.id ? byId.get(i.id)! : tx.create(DailyPlanItem, { id: newId(), tenantId: actor.tenantId, planId: plan!.id, text: i.text, sortOrder: order });
          kept.add(item.id);
          const done = i.done ?? item.done;
          Object.assign(item, { text: i.text, sortOrder: order, todoId: i.todoId ?? null, done, doneAt: done ? (item.doneAt ?? now) : null });
          return item;
        });
        for (const old of existing) if (!kept.has(old.id)) tx.remove(old);
        plan.itemCount = items.length;
        plan.doneCount = items.filter((i) => i.done).length;
        plan.updatedAt = now;
        await tx.flush();
        return toPlanView(plan, items);
      }),
    );
  }

  /** Tick one item off. Ticking a done item again changes nothing. */
  async markDone(actor: Actor, date: string, itemId: string): Promise<PlanView> {
    const day = await this.resolveDate(actor, date);
    return this.rt.orm.em.fork().transactional(async (tx) => {
      const plan = await this.find(tx, actor, day);
      const items = await this.itemsOf(tx, actor, [plan.id]);
      const item = items.find((i) => i.id === itemId);
      if (!item) throw new NotFoundError('plan_item', itemId);
      if (!item.done) {
        Object.assign(item, { done: true, doneAt: new Date() });
        plan.doneCount = items.filter((i) => i.done).length;
        plan.updatedAt = new Date();
        await tx.flush();
      }
      return toPlanView(plan, items);
    });
  }

  /** Plans of a date range (default: the last 30 days), newest first, with their items. */
  async history(actor: Actor, q: PlanHistoryQuery): Promise<Page<PlanView>> {
    const { from, to } = await this.range(actor, q);
    const em = this.rt.orm.em;
    const [plans, total] = await em.findAndCount(
      DailyPlan,
      { ...this.mine(actor), date: { $gte: from, $lte: to } },
      { orderBy: { date: 'desc' }, ...offsetOf(q) },
    );
    const items = await this.itemsOf(em, actor, plans.map((p) => p.id));
    return pageOf(plans.map((p) => toPlanView(p, items.filter((i) => i.planId === p.id))), total, q);
  }

  /** Days planned, items and completion over a date range (default: the last 30 days). */
  async stats(actor: Actor, q: PlanRangeQuery): Promise<PlanStats> {
    const { from, to } = await this.range(actor, q);
    if (daysBetween(from, to) >= MAX_STATS_DAYS) {
      throw new ValidationError('The range is too long', [{ path: 'to', message: `at most ${MAX_STATS_DAYS} days from "from"`, code: 'range_too_long' }]);
    }
    const plans = await this.rt.orm.em.find(DailyPlan, { ...this.mine(actor), date: { $gte: from, $lte: to } }, { fields: ['itemCount', 'doneCount'] });
    const items = plans.reduce((n, p) => n + p.itemCount, 0);
    const done = plans.reduce((n, p) => n + p.doneCount, 0);
    return { from, to, daysPlanned: plans.filter((p) => p.itemCount > 0).length, items, done, completionRate: rate(done, items) };
  }

  private async range(actor: Actor, q: { from?: string; to?: string }): Promise<{ from: string; to: string }> {
    const to = q.to ?? (q.from ? addDays(q.from, DEFAULT_WINDOW_DAYS - 1) : await this.resolveDate(actor, 'today'));
    return { from: q.from ?? addDays(to, -(DEFAULT_WINDOW_DAYS - 1)), to };
  }

  private mine(actor: Actor) {
    return { tenantId: actor.tenantId, userId: actor.userId };
  }

  private where(actor: Actor, date: string) {
    return { ...this.mine(actor), date };
  }

  private async find(em: EntityManager, actor: Actor, date: string): Promise<DailyPlan> {
    const plan = await em.findOne(DailyPlan, this.where(actor, date));
    if (!plan) throw new NotFoundError('plan', date);
    return plan;
  }

  private itemsOf(em: EntityManager, actor: Actor, planIds: string[]): Promise<DailyPlanItem[]> {
    if (!planIds.length) return Promise.resolve([]);
    return em.find(DailyPlanItem, { tenantId: actor.tenantId, planId: { $in: planIds } }, { orderBy: [{ planId: 'asc' }, { sortOrder: 'asc' }] });
  }
}
