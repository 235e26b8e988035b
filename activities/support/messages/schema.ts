/** In-app messages (站内信): the inbox, read state and sending. */
import { z } from 'zod';
import { PageQuery } from '../../../common/pagination';
import type { InAppMessage } from '../../../db/entities';
import { iso, QueryBool, Title, Uuid } from '../../../common/schema';
import { AudienceRoleCode } from '../audience';

export const MessageCategory = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_-]{0,31}$/, 'lower-case letters, digits, - and _ (at most 32)');

export const InboxQuery = PageQuery.extend({
  unread: QueryBool.optional(),
  category: MessageCategory.optional(),
});
export type InboxQuery = z.infer<typeof InboxQuery>;

export const MessageView = z.object({
  id: z.string(),
  title: z.string(),
  body: z.string(),
  category: z.string(),
  /** Null for messages the platform posted itself. */
  senderId: z.string().nullable(),
  read: z.boolean(),
  readAt: z.string().nullable(),
  createdAt: z.string(),
});
export type MessageView = z.infer<typeof MessageView>;

export const toMessageView = (m: InAppMessage): MessageView => ({
  id: m.id,
  title: m.title,
  body: m.body,
  category: m.category,
  senderId: m.senderId,
  read: m.readAt !== null,
  readAt: iso(m.readAt),
  createdAt: m.createdAt.toISOString(),
});

export const UnreadCount = z.object({ unread: z.number().int() });

/** At most this many recipients per send, after expansion: a larger audience is an announcement. */
export const MAX_RECIPIENTS = 5000;

export const Recipients = z
  .strictObject({
    userIds: z.array(Uuid).max(1000).default([]),
    departmentIds: z.array(Uuid).max(200).default([]),
    /** Also the members of every department below the listed ones. */
    includeSubtree: z.boolean().default(false),
    roleCodes: z.array(AudienceRoleCode).max(50).default([]),
  })
  .refine((r) => r.userIds.length + r.departmentIds.length + r.roleCodes.length > 0, { message: 'name at least one user, department or role' });

export const SendMessageInput = z.strictObject({
  title: Title,
  body: z.string().trim().min(1).max(20_000),
  category: MessageCategory.default('notice'),
  recipients: Recipients,
});
export type SendMessageInput = z.input<typeof SendMessageInput>;

export const SendResult = z.object({
  /** Distinct active users who received the message. */
  sent: z.number().int(),
  recipientIds: z.array(z.string()),
});
export type SendResult = z.infer<typeof SendResult>;

export const BulkReadInput = z.union([
  z.strictObject({ ids: z.array(Uuid).min(1).max(500) }),
  z.strictObject({ all: z.literal(true), category: MessageCategory.optional() }),
]);
export type BulkReadInput = z.infer<typeof BulkReadInput>;

export const BulkReadResult = z.object({ updated: z.number().int() });
