/**
 * The daily digest's content and delivery: for one user and one tenant day, today's open plan
 * items, open to-dos due today or overdue, and the approvals waiting for them. Delivered through
 * the notification fan-out (the user's channels for `daily_digest`), whose ledger makes every
 * retry and every re-run of the same day a no-op for whoever already got theirs.
 */
import type { Runtime } from '../../runtime';
import { ApprovalInstance, ApprovalTask, DailyPlan, DailyPlanItem, Tenant, Todo, User } from '../../../db/entities';
import type { DigestPageResult, DigestRecipientsPage } from '../../../workflows/digest/contract';
import type { DigestNotificationData } from '../notifications/templates';
import { calendarDateIn } from '../plans/service';

/** How many entries of each list a digest shows (the approvals heading carries the total). */
const SHOWN = 10;
/** Open to-dos due within this window are looked at to find those due "today" in any zone. */
const TODAY_WINDOW_MS = 36 * 3_600_000;

/** One page of recipients, with the day (and its zone) the workflow fixed at its start. */
export interface DigestPageInput {
  tenantId: string;
  userIds: string[];
  date: string;
  timeZone: string;
  dedupeBase: string;
}

export type DigestContent = Omit<DigestNotificationData, 'tenantName' | 'recipientName' | 'timeZone'>;

export class DigestService {
  constructor(private readonly rt: Runtime) {}

  /** The tenant's calendar date at an instant. */
  async dayOf(tenantId: string, at: Date): Promise<{ date: string; timeZone: string }> {
    const tenant = await this.rt.orm.em.fork().findOneOrFail(Tenant, { id: tenantId });
    return { date: calendarDateIn(tenant.timeZone, at), timeZone: tenant.timeZone };
  }

  /** Active users of the tenant, by id, a page at a time. */
  async recipients(tenantId: string, after: string | null, limit: number): Promise<DigestRecipientsPage> {
    const rows = await this.rt.orm.em.fork().find(
      User,
      { tenantId, status: 'active', deletedAt: null, ...(after ? { id: { $gt: after } } : {}) },
      { fields: ['id'], orderBy: { id: 'asc' }, limit: limit + 1 },
    );
    const userIds = rows.slice(0, limit).map((u) => u.id);
    return { userIds, next: rows.length > limit ? userIds[userIds.length - 1] : null };
  }

  /** What one user's digest says; null when there is nothing to tell them. */
  async contentFor(tenantId: string, userId: string, date: string, timeZone: string, at: Date): Promise<DigestContent | null> {
    const em = this.rt.orm.em.fork();
    const plan = await em.findOne(DailyPlan, { tenantId, userId, date });
    const planItems = plan ? await em.find(DailyPlanItem, { tenantId, planId: plan.id, done: false }, { orderBy: { sortOrder: 'asc' }, limit: SHOWN }) : [];

    const todos = await em.find(
      Todo,
      { tenantId, userId, status: 'open', dueAt: { $ne: null, $lt: new Date(at.getTime() + TODAY_WINDOW_MS) } },
      { orderBy: { dueAt: 'asc' }, limit: 200 },
    );
    const overdue = todos.filter((t) => t.dueAt! <= at);
    const dueToday = todos.filter((t) => t.dueAt! > at && calendarDateIn(timeZone, t.dueAt!) === date);

    const open = { tenantId, assigneeId: userId, kind: 'approval', status: 'open' } as const;
    const approvalsTotal = await em.count(ApprovalTask, open);
    const tasks = approvalsTotal ? await em.find(ApprovalTask, open, { orderBy: { openedAt: 'asc' }, limit: SHOWN }) : [];
    const titles = new Map(
      (tasks.length ? await em.find(ApprovalInstance, { tenantId, id: { $in: tasks.map((t) => t.instanceId) } }, { fields: ['id', 'title'] }) : []).map((i) => [i.id, i.title]),
    );

    if (!planItems.length && !overdue.length && !dueToday.length && !approvalsTotal) return null;
    const todoLine = (t: Todo) => ({ title: t.title, dueAt: t.dueAt!.toISOString() });
    return {
      date,
      planItems: planItems.map((i) => i.text),
      dueToday: dueToday.slice(0, SHOWN).map(todoLine),
      overdue: overdue.slice(0, SHOWN).map(todoLine),
      approvals: tasks.map((t) => ({ title: titles.get(t.instanceId) ?? t.instanceId, stepName: t.stepName })),
      approvalsTotal,
    };
  }

  /**
   * Send the digests of a page of users. Every user is tried; if any delivery failed, the first
   * error is rethrown afterwards so the activity retries and the ledger skips those already sent.
   */
  async sendPage(input: DigestPageInput, at: Date): Promise<DigestPageResult> {
    const { tenantId, date, timeZone } = input;
    let sent = 0;
    let skipped = 0;
    let firstError: unknown;
    for (const userId of input.userIds) {
      const content = await this.contentFor(tenantId, userId, date, timeZone, at);
      if (!content) {
        skipped++;
        continue;
      }
      try {
        await this.rt.services.notifications.notify({ tenantId, userId, type: 'daily_digest', dedupeBase: input.dedupeBase, data: content });
        sent++;
      } catch (err) {
        firstError ??= err;
      }
    }
    if (firstError) throw firstError;
    return { sent, skipped };
  }
}
