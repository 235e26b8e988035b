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
import { MailDelivery, NotificationDelivery, NotificationPreference, Tenant, User } from '../../../db/entities';
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

/** One notice to several users: NotifyInput with the recipients instead of one user. */
export type FanOutInput<T extends NotificationType = NotificationType> = Omit<NotifyInput<T>, 'userId'> & { userIds: string[] };

export interface FanOutOutcome {
  /** Per user told: the outcome on each of their channels. */
  outcomes: Map<string, ChannelOutcome[]>;
  /** Users not found (deleted, or not of the tenant): nobody to tell. */
  missing: string[];
}

/** A user to tell, with their channels for the type and the notice rendered for them. */
interface Recipient {
  user: User;
  channels: NotificationChannel[];
  rendered: ReturnType<typeof renderNotification>;
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
   * delivered ones are skipped on that retry. A user deleted meanwhile is a NotFoundError.
   */
  async notify<T extends NotificationType>(input: NotifyInput<T>): Promise<ChannelOutcome[]> {
    const { userId, ...notice } = input;
    const { outcomes, missing } = await this.notifyAll({ ...notice, userIds: [userId] });
    if (missing.length) throw new NotFoundError('user', userId);
    return outcomes.get(userId) ?? [];
  }

  /**
   * One notification to many users (an approval step's holders), each on their own channels.
   *
   * The common case, nobody told yet, costs a fixed number of statements whatever the count:
   * the recipients, their preferences and the ledger rows are read once, and every ledger row is
   * written in one transaction together with what it delivers in-app (message and ledger row
   * cannot part) and the mail ledger rows with their first attempt counted; each mail then goes
   * to the transport and its outcome is written. Recipients with a ledger row already (an
   * activity retry), or when the batch insert hits a key written meanwhile, are delivered one
   * channel at a time, where a `sent` row is skipped and a `pending` or `failed` one tried again.
   *
   * Users deleted meanwhile are nobody to tell: they come back in `missing`. Everyone else is
   * tried; the first error is rethrown afterwards (see notify).
   */
  async notifyAll<T extends NotificationType>(input: FanOutInput<T>): Promise<FanOutOutcome> {
    const { tenantId } = input;
    const userIds = [...new Set(input.userIds)];
    const em = this.rt.orm.em.fork();
    const users = userIds.length ? await em.find(User, { tenantId, id: { $in: userIds }, deletedAt: null }) : [];
    const tenant = await em.findOneOrFail(Tenant, { id: tenantId });
    const preferences = users.length ? await em.find(NotificationPreference, { tenantId, userId: { $in: users.map((u) => u.id) } }) : [];
    const recipients: Recipient[] = users.map((user) => ({
      user,
      // Channels do not depend on the tenant's reminder parameters: the default lead does here.
      channels: toPreferencesView(preferences.find((p) => p.userId === user.id) ?? null).channels[input.type],
      rendered: renderNotification(input.type, {
        ...input.data,
        tenantName: tenant.name,
        recipientName: user.displayName,
        timeZone: tenant.timeZone,
      } as NotificationDataByType[T]),
    }));
    const keys = recipients.flatMap((r) => r.channels.map((channel) => deliveryKey(input.dedupeBase, r.user.id, channel)));
    const claimed = new Set(keys.length ? (await em.find(NotificationDelivery, { tenantId, dedupeKey: { $in: keys } }, { fields: ['userId'] })).map((d) => d.userId) : []);

    const result: FanOutOutcome = { outcomes: new Map(), missing: userIds.filter((id) => !users.some((u) => u.id === id)) };
    let firstError: unknown;
    const fresh = recipients.filter((r) => !claimed.has(r.user.id));
    let oneByOne = recipients.filter((r) => claimed.has(r.user.id));
    if (fresh.length) {
      try {
        firstError = await this.deliverFresh(input, tenant, fresh, result);
      } catch (err) {
        // A ledger key written since the read above: nothing of the batch was written.
        if (!(err instanceof UniqueConstraintViolationException)) throw err;
        oneByOne = recipients;
      }
    }
    for (const recipient of oneByOne) {
      try {
        result.outcomes.set(recipient.user.id, await this.deliverOneByOne(input, recipient));
      } catch (err) {
        firstError ??= err;
      }
    }
    if (firstError) throw firstError;
    return result;
  }

  /** Recipients without a ledger row yet: see notifyAll. Returns the first mail error, if any. */
  private async deliverFresh(input: FanOutInput, tenant: Tenant, recipients: Recipient[], result: FanOutOutcome): Promise<unknown> {
    const { tenantId } = input;
    const tx = this.rt.orm.em.fork();
    const now = new Date();
    // An email's outcome is known after the transport: its place in the list is kept meanwhile.
    const mails: { recipient: Recipient; row: NotificationDelivery; mail: MailDelivery; outcome: ChannelOutcome }[] = [];
    const outcomes = new Map<string, ChannelOutcome[]>();
    for (const recipient of recipients) {
      const { user, rendered } = recipient;
      const list: ChannelOutcome[] = [];
      outcomes.set(user.id, list);
      for (const channel of recipient.channels) {
        const dedupeKey = deliveryKey(input.dedupeBase, user.id, channel);
        const row = tx.create(NotificationDelivery, { id: newId(), tenantId, userId: user.id, dedupeKey, type: input.type, channel, subject: clip(rendered.subject, 255), attempts: 1 });
        if (channel === 'in_app') {
          const message = this.rt.services.messages.stageSystemMessage(tx, {
            tenantId,
            userId: user.id,
            dedupeKey,
            category: input.type.replace(/_/g, '-'),
            title: rendered.subject,
            body: rendered.text,
          });
          Object.assign(row, { status: 'sent', sentAt: now, refId: message.id });
          list.push({ channel, status: 'sent', sentNow: true, deliveryId: row.id });
        } else {
          const mail = this.rt.services.mailer.stageClaim(tx, { tenantId, dedupeKey, to: user.email, subject: rendered.subject, text: rendered.text });
          row.refId = mail.id;
          const outcome: ChannelOutcome = { channel, status: 'failed', sentNow: false, deliveryId: row.id };
          list.push(outcome);
          mails.push({ recipient, row, mail, outcome });
        }
      }
    }
    await tx.flush();
    for (const [userId, list] of outcomes) result.outcomes.set(userId, list);

    let firstError: unknown;
    for (const { recipient, row, mail, outcome } of mails) {
      const { rendered, user } = recipient;
      try {
        await this.rt.services.mailer.transmit(mail, { to: user.email, subject: rendered.subject, text: rendered.text, html: rendered.html }, tenant.name);
        Object.assign(row, { status: 'sent', sentAt: new Date(), lastError: null });
        Object.assign(outcome, { status: 'sent', sentNow: true });
      } catch (err) {
        Object.assign(row, { status: 'failed', lastError: clip((err as Error).message ?? String(err), 4000) });
        firstError ??= err;
      }
      // The mail ledger row and the delivery row together, right after this mail: a crash later
      // in the loop must not send this one again.
      await tx.flush();
    }
    return firstError;
  }

  /** One recipient, one channel at a time, resuming what an earlier attempt left: see notifyAll. */
  private async deliverOneByOne(input: FanOutInput, { user, channels, rendered }: Recipient): Promise<ChannelOutcome[]> {
    const outcomes: ChannelOutcome[] = [];
    let firstError: unknown;
    for (const channel of channels) {
      const key = deliveryKey(input.dedupeBase, user.id, channel);
      const row = await this.claim(input, user.id, channel, key, rendered.subject);
      if (row.status === 'sent') {
        outcomes.push({ channel, status: 'sent', sentNow: false, deliveryId: row.id });
        continue;
      }
      row.attempts += 1;
      try {
        if (channel === 'in_app') {
          const message = await this.rt.services.messages.createSystemMessage({
            tenantId: input.tenantId,
            userId: user.id,
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
  private async claim(input: FanOutInput, userId: string, channel: NotificationChannel, dedupeKey: string, subject: string): Promise<NotificationDelivery> {
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
        userId,
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
