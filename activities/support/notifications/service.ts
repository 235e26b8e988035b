/**
 * Notifications: per-user preferences (channels per type, reminder timing), the fan-out of one
 * notification to the user's channels, and the delivery ledger admins read.
 *
 * Every (workflow step, recipient, channel) has one NotificationDelivery row, keyed by
 * `<workflowId>:<step>:<userId>:<channel>`. The channel below it is idempotent on the same key
 * (in-app message dedupe key, mail ledger), so an activity retry never delivers twice: a row
 * already `sent` is skipped, a `failed` or `pending` one is tried again.
 */
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Runtime } from '../../runtime';
import type { Actor } from '../../../common/actor';
import { ConflictError, NotFoundError } from '../../../common/errors';
import { newId } from '../../../common/ids';
import { offsetOf, pageOf, type Page } from '../../../common/pagination';
import { NotificationDelivery, NotificationPreference, Tenant, User } from '../../../db/entities';
import { parseInput } from '../../../common/schema';
import {
  toDeliveryView,
  toPreferencesView,
  UpdatePreferencesInput,
  type DeliveryQuery,
  type DeliveryView,
  type NotificationChannel,
  type NotificationType,
  type PreferencesView,
} from './schema';
import { renderNotification, type NotificationDataByType } from './templates';

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

export interface NotifyInput<T extends NotificationType = NotificationType> {
  tenantId: string;
  userId: string;
  type: T;
  /** `<workflowId>:<step>`: together with recipient and channel, the delivery's unique key. */
  dedupeBase: string;
  data: Omit<NotificationDataByType[T], 'tenantName' | 'recipientName' | 'timeZone'>;
}

export interface ChannelOutcome {
  channel: NotificationChannel;
  status: 'sent' | 'failed';
  /** False when an earlier attempt had delivered it already. */
  sentNow: boolean;
  deliveryId: string;
}

export const deliveryKey = (dedupeBase: string, userId: string, channel: NotificationChannel) => `${dedupeBase}:${userId}:${channel}`;

export class NotificationService {
  constructor(private readonly rt: Runtime) {}

  // ------------------------------------------------------------------ preferences

  async preferences(actor: Actor): Promise<PreferencesView> {
    return this.preferencesOf(actor.tenantId, actor.userId);
  }

  async preferencesOf(tenantId: string, userId: string): Promise<PreferencesView> {
    const [row, params] = await Promise.all([this.rt.orm.em.fork().findOne(NotificationPreference, { tenantId, userId }), this.rt.services.tenantParameters.get(tenantId)]);
    return toPreferencesView(row, params.reminderLeadSeconds);
  }

  /** Partial update (upsert): only what the body names changes. */
  async updatePreferences(actor: Actor, raw: UpdatePreferencesInput): Promise<PreferencesView> {
    const input = parseInput(UpdatePreferencesInput, raw, 'The notification preferences cannot be saved');
    const save = async () => {
      const em = this.rt.orm.em.fork();
      let row = await em.findOne(NotificationPreference, { tenantId: actor.tenantId, userId: actor.userId });
      // A first save starts from the tenant's default reminder lead (the column has a value for everyone who saved).
      row ??= em.create(NotificationPreference, {
        id: newId(),
        tenantId: actor.tenantId,
        userId: actor.userId,
        reminderLeadSeconds: (await this.rt.services.tenantParameters.get(actor.tenantId)).reminderLeadSeconds,
      });
      if (input.channels) row.channels = { ...row.channels, ...input.channels };
      if (input.reminderLeadSeconds !== undefined) row.reminderLeadSeconds = input.reminderLeadSeconds;
      if (input.overdueRepeatSeconds !== undefined) row.overdueRepeatSeconds = input.overdueRepeatSeconds;
      if (input.maxOverdueReminders !== undefined) row.maxOverdueReminders = input.maxOverdueReminders;
      await em.flush();
      return toPreferencesView(row);
    };
    try {
      return await save();
    } catch (err) {
      // Two first saves raced on the unique (tenant, user): the second one updates the winner's row.
      if (!(err instanceof UniqueConstraintViolationException)) throw err;
      return save();
    }
  }

  // ------------------------------------------------------------------ the delivery ledger

  /** Deliveries of the caller's tenant, newest first; `failed=true` lists only failed ones. */
  async deliveries(actor: Actor, q: DeliveryQuery): Promise<Page<DeliveryView>> {
    const status = q.failed === true ? 'failed' : q.status;
    const where = {
      tenantId: actor.tenantId,
      ...(status ? { status } : q.failed === false ? { status: { $ne: 'failed' } } : {}),
      ...(q.userId ? { userId: q.userId } : {}),
      ...(q.type ? { type: q.type } : {}),
    };
    const [rows, total] = await this.rt.orm.em.fork().findAndCount(NotificationDelivery, where as never, {
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      ...offsetOf(q),
    });
    return pageOf(rows.map(toDeliveryView), total, q);
  }

  // ------------------------------------------------------------------ fan-out

  /**
   * Deliver one notification to every channel the user chose for its type. Each channel is
   * tried even if another fails; if any failed, the first error is rethrown afterwards so the
   * activity's retry policy (backoff, bounded attempts) tries the failed ones again, and the
   * delivered ones are skipped on that retry.
   */
  async notify<T extends NotificationType>(input: NotifyInput<T>): Promise<ChannelOutcome[]> {
    const em = this.rt.orm.em.fork();
    const user = await em.findOne(User, { tenantId: input.tenantId, id: input.userId, deletedAt: null });
    if (!user) throw new NotFoundError('user', input.userId);
    const tenant = await em.findOneOrFail(Tenant, { id: input.tenantId });
    const prefs = await this.preferencesOf(input.tenantId, input.userId);
    const rendered = renderNotification(input.type, {
      ...input.data,
      tenantName: tenant.name,
      recipientName: user.displayName,
      timeZone: tenant.timeZone,
    } as NotificationDataByType[T]);

    const outcomes: ChannelOutcome[] = [];
    let firstError: unknown;
    for (const channel of prefs.channels[input.type]) {
      const key = deliveryKey(input.dedupeBase, input.userId, channel);
      const row = await this.claim(input, channel, key, rendered.subject);
      if (row.status === 'sent') {
        outcomes.push({ channel, status: 'sent', sentNow: false, deliveryId: row.id });
        continue;
      }
      row.attempts += 1;
      try {
        if (channel === 'in_app') {
          const message = await this.rt.services.messages.createSystemMessage({
            tenantId: input.tenantId,
            userId: input.userId,
            dedupeKey: key,
            category: input.type.replace(/_/g, '-'),
            title: rendered.subject,
            body: rendered.text,
          });
          row.refId = message.id;
        } else {
          const { delivery } = await this.rt.services.mailer.send({
            tenantId: input.tenantId,
            dedupeKey: key,
            to: user.email,
            subject: rendered.subject,
            text: rendered.text,
            html: rendered.html,
          });
          row.refId = delivery.id;
        }
        Object.assign(row, { status: 'sent', sentAt: new Date(), lastError: null });
        outcomes.push({ channel, status: 'sent', sentNow: true, deliveryId: row.id });
      } catch (err) {
        Object.assign(row, { status: 'failed', lastError: clip((err as Error).message ?? String(err), 4000) });
        outcomes.push({ channel, status: 'failed', sentNow: false, deliveryId: row.id });
        firstError ??= err;
      }
      await this.rt.orm.em.fork().nativeUpdate(
        NotificationDelivery,
        { id: row.id },
        { status: row.status, attempts: row.attempts, lastError: row.lastError, refId: row.refId, sentAt: row.sentAt, updatedAt: new Date() },
      );
    }
    if (firstError) throw firstError;
    return outcomes;
  }

  /** The ledger row of one (step, recipient, channel), created `pending` the first time. */
  private async claim(input: NotifyInput, channel: NotificationChannel, dedupeKey: string, subject: string): Promise<NotificationDelivery> {
    const find = () => this.rt.orm.em.fork().findOne(NotificationDelivery, { dedupeKey });
    const sameTenant = (row: NotificationDelivery) => {
      if (row.tenantId !== input.tenantId) throw new ConflictError('dedupe_key_conflict', 'This dedupe key is already used');
      return row;
    };
    const existing = await find();
    if (existing) return sameTenant(existing);
    const em = this.rt.orm.em.fork();
    try {
      const row = em.create(NotificationDelivery, {
        id: newId(),
        tenantId: input.tenantId,
        userId: input.userId,
        dedupeKey,
        type: input.type,
        channel,
        subject: clip(subject, 255),
      });
      await em.flush();
      return row;
    } catch (err) {
      if (!(err instanceof UniqueConstraintViolationException)) throw err;
      const raced = await find();
      if (!raced) throw err;
      return sameTenant(raced);
    }
  }
}
