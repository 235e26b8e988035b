/**
 * One Temporal Schedule per tenant starts its daily digest at the tenant's digest time (tenant
 * parameter `digestTime`, platform default DIGEST_TIME) in the tenant's time zone. `ensure` is
 * idempotent (create, or align the spec when the zone or time changed, leaving a pause in place),
 * so the worker runs it for every tenant at start-up and the tenant settings run it after a
 * time-zone or digest-time change. Admins read, pause, resume and trigger it here; ops do the
 * same in the Temporal UI (Schedules → `digest:<tenant>`).
 */
import { ScheduleNotFoundError, ScheduleOverlapPolicy, type ScheduleDescription, type ScheduleHandle } from '@temporalio/client';
import type { Runtime } from '../../runtime';
import { createScheduleIfMissing } from '../../../temporal/schedules';
import type { Actor } from '../../../common/actor';
import { AppError } from '../../../common/errors';
import { Tenant } from '../../../db/entities';
import { scheduledStart } from '../../../temporal/processes';
import { processAttributes } from '../../../workflows/search-attributes';
import { DAILY_DIGEST, digestScheduleId, type DailyDigestInput } from '../../../workflows/digest/contract';
import type { DigestScheduleView } from './schema';

const PAUSE_NOTE = 'Paused by a tenant admin';

export class DigestSchedules {
  constructor(private readonly rt: Runtime) {}

  /** The tenant's digest time (`HH:mm`, its own parameter or the platform default). */
  private async timeOf(tenantId: string): Promise<{ hour: number; minute: number; text: string }> {
    const text = (await this.rt.services.tenantParameters.get(tenantId)).digestTime;
    const [hour, minute] = text.split(':').map(Number);
    return { hour, minute, text };
  }

  private async handle(tenantCode: string): Promise<ScheduleHandle> {
    return (await this.rt.temporal()).schedule.getHandle(digestScheduleId(tenantCode));
  }

  /** Create the tenant's schedule, or bring its time and zone up to date. Returns what it did. */
  async ensure(tenant: Pick<Tenant, 'id' | 'code' | 'timeZone'>): Promise<'created' | 'updated' | 'unchanged'> {
    const client = await this.rt.temporal();
    const time = await this.timeOf(tenant.id);
    const spec = { calendars: [{ hour: time.hour, minute: time.minute, comment: 'daily digest' }], timezone: tenant.timeZone };
    const args: [DailyDigestInput] = [{ tenantId: tenant.id, tenantCode: tenant.code }];
    const created = await createScheduleIfMissing(client, {
      scheduleId: digestScheduleId(tenant.code),
      spec,
      // Each run's id is the schedule id plus its time; the business key is the tenant.
      action: scheduledStart(DAILY_DIGEST, {
        tenantCode: tenant.code,
        businessKey: tenant.code,
        taskQueue: this.rt.config.TEMPORAL_TASK_QUEUE,
        args,
        summary: `Daily digest — ${tenant.code}`,
      }),
      // A digest that could not run while the cluster was down is still worth sending that morning.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '2 hours' },
      typedSearchAttributes: processAttributes({ tenant: tenant.code, process: DAILY_DIGEST.process }),
      state: { note: `Daily digest of ${tenant.code} at ${time.text} ${tenant.timeZone}` },
    });
    if (created) return 'created';
    const handle = await this.handle(tenant.code);
    const current = await handle.describe();
    const calendar = current.spec.calendars?.[0];
    const same = current.spec.timezone === tenant.timeZone && calendar && first(calendar.hour) === time.hour && first(calendar.minute) === time.minute;
    if (same) return 'unchanged';
    await handle.update((prev) => ({ ...prev, spec }));
    return 'updated';
  }

  /**
   * Every active customer tenant's schedule: the worker's start-up step. (Suspended tenants keep
   * their paused schedule as it is; the platform tenant's operators get no digest.)
   */
  async ensureAll(): Promise<Record<string, 'created' | 'updated' | 'unchanged'>> {
    const tenants = await this.rt.orm.em.fork().find(Tenant, { status: 'active', kind: 'customer' }, { orderBy: { code: 'asc' } });
    const done: Record<string, 'created' | 'updated' | 'unchanged'> = {};
    for (const t of tenants) done[t.code] = await this.ensure(t);
    return done;
  }

  async view(actor: Actor): Promise<DigestScheduleView> {
    const tenant = await this.tenantOf(actor);
    return toView(tenant.code, await this.describe(tenant));
  }

  async pause(actor: Actor, note?: string): Promise<DigestScheduleView> {
    const tenant = await this.tenantOf(actor);
    await this.describe(tenant);
    await (await this.handle(tenant.code)).pause(note || PAUSE_NOTE);
    return this.view(actor);
  }

  async unpause(actor: Actor, note?: string): Promise<DigestScheduleView> {
    const tenant = await this.tenantOf(actor);
    await this.describe(tenant);
    await (await this.handle(tenant.code)).unpause(note || 'Resumed by a tenant admin');
    return this.view(actor);
  }

  /** Run the digest now (even while paused), outside the daily rhythm. */
  async trigger(actor: Actor): Promise<DigestScheduleView> {
    const tenant = await this.tenantOf(actor);
    await this.describe(tenant);
    await (await this.handle(tenant.code)).trigger(ScheduleOverlapPolicy.ALLOW_ALL);
    return this.view(actor);
  }

  private async tenantOf(actor: Actor): Promise<Tenant> {
    return this.rt.orm.em.fork().findOneOrFail(Tenant, { id: actor.tenantId });
  }

  /** The schedule; created on the spot if it is missing (a tenant made while no worker ran). */
  private async describe(tenant: Tenant): Promise<ScheduleDescription> {
    const handle = await this.handle(tenant.code);
    try {
      return await handle.describe();
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw unavailable(err);
      await this.ensure(tenant);
      return handle.describe();
    }
  }
}

const first = (v: unknown): number | undefined => {
  const range = Array.isArray(v) ? v[0] : v;
  return typeof range === 'number' ? range : (range as { start?: number } | undefined)?.start;
};

function toView(tenantCode: string, d: ScheduleDescription): DigestScheduleView {
  const calendar = d.spec.calendars?.[0];
  const pad = (n: number | undefined) => String(n ?? 0).padStart(2, '0');
  return {
    scheduleId: digestScheduleId(tenantCode),
    at: `${pad(first(calendar?.hour))}:${pad(first(calendar?.minute))}`,
    timeZone: d.spec.timezone ?? 'UTC',
    paused: d.state.paused,
    note: d.state.note ?? null,
    nextRuns: d.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()),
    recentRuns: d.info.recentActions
      .slice(-5)
      .reverse()
      .map((a) => ({ scheduledAt: a.scheduledAt.toISOString(), startedAt: a.takenAt.toISOString(), workflowId: a.action.workflow.workflowId })),
  };
}

function unavailable(err: unknown): unknown {
  if (err instanceof AppError) return err;
  return new AppError(503, 'scheduler_unavailable', `The scheduler cannot be reached: ${(err as Error).message ?? String(err)}`);
}
