/** Notifications: per-user channel preferences, reminder timing and the delivery ledger. */
import { z } from 'zod';
import { PageQuery } from '../../../common/pagination';
import type { NotificationDelivery, NotificationPreference } from '../../../db/entities';
import { iso, QueryBool, Uuid } from '../../../common/schema';
import { APPROVAL_NOTIFICATION_TYPES } from '../../../workflows/approval/notify-contract';

export const NOTIFICATION_TYPES = [
  'todo_reminder',
  'todo_overdue',
  'daily_digest',
  ...APPROVAL_NOTIFICATION_TYPES,
] as const;
export const NotificationType = z.enum(NOTIFICATION_TYPES);
export type NotificationType = z.infer<typeof NotificationType>;

export const NotificationChannel = z.enum(['in_app', 'email']);
export type NotificationChannel = z.infer<typeof NotificationChannel>;

/** Channels a type uses until the user says otherwise. */
export const DEFAULT_CHANNELS: Record<NotificationType, NotificationChannel[]> = {
  todo_reminder: ['in_app', 'email'],
  todo_overdue: ['in_app', 'email'],
  daily_digest: ['in_app', 'email'],
  approval_assigned: ['in_app', 'email'],
  approval_cc: ['in_app', 'email'],
  approval_returned: ['in_app', 'email'],
  approval_finished: ['in_app', 'email'],
  approval_commented: ['in_app', 'email'],
  approval_timed_out: ['in_app', 'email'],
};

const Channels = z.array(NotificationChannel).max(2).transform((c) => [...new Set(c)]);

export const PreferencesView = z.object({
  /** Every type with its effective channels (an empty list = muted). */
  channels: z.record(NotificationType, z.array(NotificationChannel)),
  reminderLeadSeconds: z.number().int(),
  overdueRepeatSeconds: z.number().int().nullable(),
  maxOverdueReminders: z.number().int(),
});
export type PreferencesView = z.infer<typeof PreferencesView>;

/** A partial change: types not named keep their channels; omitted settings keep their values. */
export const UpdatePreferencesInput = z.strictObject({
  channels: z.partialRecord(NotificationType, Channels).optional(),
  reminderLeadSeconds: z.number().int().min(0).max(30 * 86_400).optional(),
  overdueRepeatSeconds: z.number().int().min(1).max(30 * 86_400).nullable().optional(),
  maxOverdueReminders: z.number().int().min(1).max(50).optional(),
});
export type UpdatePreferencesInput = z.input<typeof UpdatePreferencesInput>;

export const DEFAULT_PREFERENCES = { reminderLeadSeconds: 3600, overdueRepeatSeconds: null, maxOverdueReminders: 1 } as const;

/** `reminderLeadSeconds`: the tenant's default lead (tenant parameter), for users without a row of their own. */
export function toPreferencesView(p: NotificationPreference | null, reminderLeadSeconds: number = DEFAULT_PREFERENCES.reminderLeadSeconds): PreferencesView {
  const channels = Object.fromEntries(NOTIFICATION_TYPES.map((t) => [t, p?.channels?.[t] ?? DEFAULT_CHANNELS[t]])) as PreferencesView['channels'];
  return {
    channels,
    reminderLeadSeconds: p?.reminderLeadSeconds ?? reminderLeadSeconds,
    overdueRepeatSeconds: p ? p.overdueRepeatSeconds : DEFAULT_PREFERENCES.overdueRepeatSeconds,
    maxOverdueReminders: p?.maxOverdueReminders ?? DEFAULT_PREFERENCES.maxOverdueReminders,
  };
}

export const DeliveryQuery = PageQuery.extend({
  failed: QueryBool.optional(),
  status: z.enum(['pending', 'sent', 'failed']).optional(),
  userId: Uuid.optional(),
  type: NotificationType.optional(),
});
export type DeliveryQuery = z.infer<typeof DeliveryQuery>;

export const DeliveryView = z.object({
  id: z.string(),
  userId: z.string(),
  type: z.string(),
  channel: NotificationChannel,
  subject: z.string(),
  dedupeKey: z.string(),
  status: z.enum(['pending', 'sent', 'failed']),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  refId: z.string().nullable(),
  sentAt: z.string().nullable(),
  createdAt: z.string(),
});
export type DeliveryView = z.infer<typeof DeliveryView>;

export const toDeliveryView = (d: NotificationDelivery): DeliveryView => ({
  id: d.id,
  userId: d.userId,
  type: d.type,
  channel: d.channel,
  subject: d.subject,
  dedupeKey: d.dedupeKey,
  status: d.status,
  attempts: d.attempts,
  lastError: d.lastError,
  refId: d.refId,
  sentAt: iso(d.sentAt),
  createdAt: d.createdAt.toISOString(),
});
