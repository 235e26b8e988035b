/**
 * Support module: in-app messages, the mail delivery ledger, the audit log, personal to-dos,
 * daily plans and announcements.
 */
import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import { createdAtColumn, dateColumn, idColumn, PortableJsonType, refColumn, tenantColumn, updatedAtColumn } from './base';

export class InAppMessage {
  [OptionalProps]?: 'category' | 'senderId' | 'dedupeKey' | 'readAt' | 'deletedAt' | 'createdAt';
  id!: string;
  tenantId!: string;
  /** The recipient: a message row belongs to exactly one inbox. */
  userId!: string;
  title!: string;
  body!: string;
  category = 'system';
  /** The user who sent it; null for messages the platform itself posts (welcome, reminders). */
  senderId: string | null = null;
  /** Idempotency key (`<workflowId>:<step>`): a retried activity finds the row instead of adding one. */
  dedupeKey: string | null = null;
  readAt: Date | null = null;
  deletedAt: Date | null = null;
  createdAt = new Date();
}

export const InAppMessageSchema = new EntitySchema<InAppMessage>({
  class: InAppMessage,
  tableName: 'in_app_messages',
  indexes: [{ name: 'in_app_messages_user_idx', properties: ['tenantId', 'userId', 'createdAt'] }],
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    userId: refColumn(),
    title: { type: 'string', length: 200 },
    body: { type: 'text' },
    category: { type: 'string', length: 32 },
    senderId: refColumn(true),
    dedupeKey: { type: 'string', length: 255, nullable: true, unique: 'in_app_messages_dedupe_unique' },
    readAt: dateColumn(),
    deletedAt: dateColumn(),
    createdAt: createdAtColumn,
  },
});

export type MailStatus = 'pending' | 'sent' | 'failed' | 'cancelled';

/** One row per mail we intend to send, keyed by a dedupe key, so a retry never sends twice. */
export class MailDelivery {
  [OptionalProps]?: 'status' | 'transportMessageId' | 'attempts' | 'lastError' | 'sentAt' | 'createdAt';
  id!: string;
  tenantId!: string;
  dedupeKey!: string;
  toAddress!: string;
  subject!: string;
  status: MailStatus = 'pending';
  transportMessageId: string | null = null;
  attempts = 0;
  lastError: string | null = null;
  sentAt: Date | null = null;
  createdAt = new Date();
}

export const MailDeliverySchema = new EntitySchema<MailDelivery>({
  class: MailDelivery,
  tableName: 'mail_deliveries',
  indexes: [{ name: 'mail_deliveries_tenant_idx', properties: ['tenantId', 'createdAt'] }],
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    dedupeKey: { type: 'string', length: 255, unique: 'mail_deliveries_dedupe_unique' },
    toAddress: { type: 'string', length: 254 },
    subject: { type: 'string', length: 255 },
    status: { type: 'string', length: 16 },
    transportMessageId: { type: 'string', length: 255, nullable: true },
    attempts: { type: 'integer' },
    lastError: { type: 'text', nullable: true },
    sentAt: dateColumn(),
    createdAt: createdAtColumn,
  },
});

export type AuditVia = 'access_token' | 'api_key';

/**
 * One state-changing API call (POST/PUT/PATCH/DELETE) by an authenticated caller. Rows are
 * append-only; `createdAt` is when the request arrived (set by the recorder, not on insert,
 * because rows are written in batches some time later).
 */
export class AuditLog {
  [OptionalProps]?: 'apiKeyId' | 'targetId' | 'params' | 'errorCode' | 'ip';
  id!: string;
  tenantId!: string;
  userId!: string;
  via!: AuditVia;
  apiKeyId: string | null = null;
  method!: string;
  /** Method and route template: `PATCH /api/v1/users/:id`. */
  action!: string;
  /** The main path parameter (`:id`, else the first one), for "what happened to X" queries. */
  targetId: string | null = null;
  /** Every path parameter by name. */
  params: Record<string, string> | null = null;
  status!: number;
  success!: boolean;
  /** The problem `code` of a failed call. */
  errorCode: string | null = null;
  requestId!: string;
  ip: string | null = null;
  durationMs!: number;
  createdAt!: Date;
}

export const AuditLogSchema = new EntitySchema<AuditLog>({
  class: AuditLog,
  tableName: 'audit_logs',
  indexes: [
    { name: 'audit_logs_tenant_time_idx', properties: ['tenantId', 'createdAt'] },
    { name: 'audit_logs_tenant_user_idx', properties: ['tenantId', 'userId', 'createdAt'] },
    { name: 'audit_logs_tenant_target_idx', properties: ['tenantId', 'targetId'] },
    // Retention purges by age across tenants.
    { name: 'audit_logs_time_idx', properties: ['createdAt'] },
  ],
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    userId: refColumn(),
    via: { type: 'string', length: 16 },
    apiKeyId: refColumn(true),
    method: { type: 'string', length: 8 },
    action: { type: 'string', length: 255 },
    targetId: { type: 'string', length: 255, nullable: true },
    params: { type: PortableJsonType, nullable: true },
    status: { type: 'integer' },
    success: { type: 'boolean' },
    errorCode: { type: 'string', length: 64, nullable: true },
    requestId: { type: 'string', length: 128 },
    ip: { type: 'string', length: 64, nullable: true },
    durationMs: { type: 'integer' },
    createdAt: { type: 'Date', columnType: 'datetime(3)' },
  },
});

export type TodoPriority = 'low' | 'normal' | 'high' | 'urgent';
export type TodoStatus = 'open' | 'done';
export interface TodoAttachment {
  name: string;
  url?: string;
  fileId?: string;
}

/** A personal to-do. Only its owner ever reads or changes it. */
export class Todo {
  [OptionalProps]?: 'notes' | 'priority' | 'priorityRank' | 'status' | 'dueAt' | 'tags' | 'tagIndex' | 'attachments' | 'completedAt' | 'createdAt' | 'updatedAt';
  id!: string;
  tenantId!: string;
  userId!: string;
  title!: string;
  notes: string | null = null;
  priority: TodoPriority = 'normal';
  /** low=0 … urgent=3: sorting by the name would put "high" before "low" before "normal". */
  priorityRank = 1;
  status: TodoStatus = 'open';
  dueAt: Date | null = null;
  tags: string[] = [];
  /**
   * The tags again as `|a|b|` (lower case), so "has tag x" is one portable LIKE on MySQL and
   * SQLite instead of a dialect-specific JSON function.
   */
  tagIndex = '';
  attachments: TodoAttachment[] = [];
  completedAt: Date | null = null;
  createdAt = new Date();
  updatedAt = new Date();
}

export const TodoSchema = new EntitySchema<Todo>({
  class: Todo,
  tableName: 'todos',
  indexes: [
    { name: 'todos_owner_status_due_idx', properties: ['tenantId', 'userId', 'status', 'dueAt'] },
    { name: 'todos_owner_created_idx', properties: ['tenantId', 'userId', 'createdAt'] },
  ],
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    userId: refColumn(),
    title: { type: 'string', length: 200 },
    notes: { type: 'text', nullable: true },
    priority: { type: 'string', length: 8 },
    priorityRank: { type: 'integer' },
    status: { type: 'string', length: 8 },
    dueAt: dateColumn(),
    tags: { type: PortableJsonType },
    tagIndex: { type: 'string', length: 700 },
    attachments: { type: PortableJsonType },
    completedAt: dateColumn(),
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});

/**
 * A user's plan for one calendar day (in the tenant's time zone). The item counters are kept in
 * step with the items in the same transaction, so history and statistics read plans only.
 */
export class DailyPlan {
  [OptionalProps]?: 'itemCount' | 'doneCount' | 'createdAt' | 'updatedAt';
  id!: string;
  tenantId!: string;
  userId!: string;
  /** `YYYY-MM-DD`: a calendar date, not an instant, so no time zone can shift it. */
  date!: string;
  itemCount = 0;
  doneCount = 0;
  createdAt = new Date();
  updatedAt = new Date();
}

export const DailyPlanSchema = new EntitySchema<DailyPlan>({
  class: DailyPlan,
  tableName: 'daily_plans',
  uniques: [{ name: 'daily_plans_owner_date_unique', properties: ['tenantId', 'userId', 'date'] }],
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    userId: refColumn(),
    date: { type: 'string', length: 10 },
    itemCount: { type: 'integer' },
    doneCount: { type: 'integer' },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});

export class DailyPlanItem {
  [OptionalProps]?: 'done' | 'todoId' | 'doneAt';
  id!: string;
  tenantId!: string;
  planId!: string;
  text!: string;
  done = false;
  sortOrder!: number;
  /** Optional link to one of the owner's to-dos. */
  todoId: string | null = null;
  doneAt: Date | null = null;
}

export const DailyPlanItemSchema = new EntitySchema<DailyPlanItem>({
  class: DailyPlanItem,
  tableName: 'daily_plan_items',
  indexes: [{ name: 'daily_plan_items_plan_idx', properties: ['planId', 'sortOrder'] }],
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    planId: refColumn(),
    text: { type: 'string', length: 500 },
    done: { type: 'boolean' },
    sortOrder: { type: 'integer' },
    todoId: refColumn(true),
    doneAt: dateColumn(),
  },
});

export type AnnouncementStatus = 'draft' | 'published';

/** A tenant announcement: drafted, then published to everyone or to departments / roles. */
export class Announcement {
  [OptionalProps]?: 'status' | 'audienceAll' | 'pinned' | 'expiresAt' | 'publishedAt' | 'publishedBy' | 'createdAt' | 'updatedAt';
  id!: string;
  tenantId!: string;
  title!: string;
  body!: string;
  status: AnnouncementStatus = 'draft';
  /** True = the whole tenant; false = the departments/roles in AnnouncementTarget. */
  audienceAll = true;
  pinned = false;
  expiresAt: Date | null = null;
  publishedAt: Date | null = null;
  publishedBy: string | null = null;
  createdBy!: string;
  createdAt = new Date();
  updatedAt = new Date();
}

export const AnnouncementSchema = new EntitySchema<Announcement>({
  class: Announcement,
  tableName: 'announcements',
  indexes: [{ name: 'announcements_tenant_status_idx', properties: ['tenantId', 'status', 'publishedAt'] }],
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    title: { type: 'string', length: 200 },
    body: { type: 'text' },
    status: { type: 'string', length: 16 },
    audienceAll: { type: 'boolean' },
    pinned: { type: 'boolean' },
    expiresAt: dateColumn(),
    publishedAt: dateColumn(),
    publishedBy: refColumn(true),
    createdBy: refColumn(),
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});

export type AnnouncementTargetKind = 'department' | 'role';

/** One audience entry of a targeted announcement. */
export class AnnouncementTarget {
  [OptionalProps]?: 'includeSubtree';
  id!: string;
  tenantId!: string;
  announcementId!: string;
  kind!: AnnouncementTargetKind;
  /** Department id or role id. */
  refId!: string;
  /** Departments only: also everyone in the departments below. */
  includeSubtree = false;
}

export const AnnouncementTargetSchema = new EntitySchema<AnnouncementTarget>({
  class: AnnouncementTarget,
  tableName: 'announcement_targets',
  indexes: [
    { name: 'announcement_targets_ref_idx', properties: ['tenantId', 'kind', 'refId'] },
    { name: 'announcement_targets_announcement_idx', properties: ['announcementId'] },
  ],
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    announcementId: refColumn(),
    kind: { type: 'string', length: 16 },
    refId: refColumn(),
    includeSubtree: { type: 'boolean' },
  },
});

/** Read receipt: the first time a user opened an announcement. */
export class AnnouncementRead {
  [OptionalProps]?: 'readAt';
  id!: string;
  tenantId!: string;
  announcementId!: string;
  userId!: string;
  readAt = new Date();
}

export const AnnouncementReadSchema = new EntitySchema<AnnouncementRead>({
  class: AnnouncementRead,
  tableName: 'announcement_reads',
  uniques: [{ name: 'announcement_reads_unique', properties: ['announcementId', 'userId'] }],
  indexes: [{ name: 'announcement_reads_tenant_user_idx', properties: ['tenantId', 'userId'] }],
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    announcementId: refColumn(),
    userId: refColumn(),
    readAt: createdAtColumn,
  },
});

/** Where a notification can go. */
export type NotificationChannel = 'in_app' | 'email';

/**
 * A user's notification settings: the channels per notification type (types missing from the
 * map use the product defaults) and the reminder timing of their dated to-dos.
 */
export class NotificationPreference {
  [OptionalProps]?: 'channels' | 'reminderLeadSeconds' | 'overdueRepeatSeconds' | 'maxOverdueReminders' | 'updatedAt';
  id!: string;
  tenantId!: string;
  userId!: string;
  channels: Record<string, NotificationChannel[]> = {};
  /** How long before a to-do's due time the reminder goes out. */
  reminderLeadSeconds = 3600;
  /** Repeat the overdue notice this often; null = notify once. */
  overdueRepeatSeconds: number | null = null;
  /** Upper bound of overdue notices per due time (the first one included). */
  maxOverdueReminders = 1;
  updatedAt = new Date();
}

export const NotificationPreferenceSchema = new EntitySchema<NotificationPreference>({
  class: NotificationPreference,
  tableName: 'notification_preferences',
  uniques: [{ name: 'notification_preferences_user_unique', properties: ['tenantId', 'userId'] }],
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    userId: refColumn(),
    channels: { type: PortableJsonType },
    reminderLeadSeconds: { type: 'integer' },
    overdueRepeatSeconds: { type: 'integer', nullable: true },
    maxOverdueReminders: { type: 'integer' },
    updatedAt: updatedAtColumn,
  },
});

export type NotificationDeliveryStatus = 'pending' | 'sent' | 'failed';

/**
 * One notification to one recipient on one channel, unique per (workflow, step, recipient,
 * channel) through `dedupeKey`: an activity retry finds its row and never sends twice.
 */
export class NotificationDelivery {
  [OptionalProps]?: 'status' | 'attempts' | 'lastError' | 'refId' | 'sentAt' | 'createdAt' | 'updatedAt';
  id!: string;
  tenantId!: string;
  userId!: string;
  /** `<workflowId>:<step>:<userId>:<channel>`. */
  dedupeKey!: string;
  type!: string;
  channel!: NotificationChannel;
  subject!: string;
  status: NotificationDeliveryStatus = 'pending';
  attempts = 0;
  lastError: string | null = null;
  /** The in-app message id or mail ledger id once delivered. */
  refId: string | null = null;
  sentAt: Date | null = null;
  createdAt = new Date();
  updatedAt = new Date();
}

export const NotificationDeliverySchema = new EntitySchema<NotificationDelivery>({
  class: NotificationDelivery,
  tableName: 'notification_deliveries',
  indexes: [{ name: 'notification_deliveries_tenant_idx', properties: ['tenantId', 'status', 'createdAt'] }],
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    userId: refColumn(),
    dedupeKey: { type: 'string', length: 255, unique: 'notification_deliveries_dedupe_unique' },
    type: { type: 'string', length: 32 },
    channel: { type: 'string', length: 16 },
    subject: { type: 'string', length: 255 },
    status: { type: 'string', length: 16 },
    attempts: { type: 'integer' },
    lastError: { type: 'text', nullable: true },
    refId: refColumn(true),
    sentAt: dateColumn(),
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});

/** Where a change came from: a signed-in caller, a public call (activation), a workflow's activity, or a script. */
export type AuditChangeSource = 'api' | 'public' | 'workflow' | 'system';
export type AuditChangeOp = 'create' | 'update' | 'delete';

/**
 * What changed, field by field, written by the ORM flush that made the change (db/audit-changes.ts),
 * in the same transaction: it exists exactly when the change does. Secrets are redacted.
 */
export class AuditChange {
  id!: string;
  tenantId!: string;
  /** Entity class: `User`, `Todo`, `ApprovalInstance`… */
  entity!: string;
  entityId!: string;
  op!: AuditChangeOp;
  /** `{ field: { before, after } }` (create: before null; delete: after null). */
  changes!: Record<string, { before: unknown; after: unknown }>;
  source!: AuditChangeSource;
  /** The signed-in caller, when there is one. */
  userId: string | null = null;
  requestId: string | null = null;
  workflowId: string | null = null;
  createdAt!: Date;
}

export const AuditChangeSchema = new EntitySchema<AuditChange>({
  class: AuditChange,
  tableName: 'audit_changes',
  indexes: [
    { name: 'audit_changes_tenant_time_idx', properties: ['tenantId', 'createdAt'] },
    { name: 'audit_changes_tenant_entity_idx', properties: ['tenantId', 'entity', 'entityId'] },
    { name: 'audit_changes_time_idx', properties: ['createdAt'] },
  ],
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    entity: { type: 'string', length: 64 },
    entityId: { type: 'string', length: 64 },
    op: { type: 'string', length: 8 },
    changes: { type: PortableJsonType },
    source: { type: 'string', length: 16 },
    userId: refColumn(true),
    requestId: { type: 'string', length: 128, nullable: true },
    workflowId: { type: 'string', length: 255, nullable: true },
    createdAt: { type: 'Date', columnType: 'datetime(3)' },
  },
});
