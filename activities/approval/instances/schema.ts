/**
 * Inputs and views of approval instances (start, actions, detail, inbox): the services take and
 * return them, the API validates and documents with them. Statuses and task states come from
 * the workflow's contract, so the API cannot promise one the workflow does not produce.
 */
import { z } from 'zod';
import { Instant, QueryBool, SearchText, Title, Uuid } from '../../../common/schema';
import { INSTANCE_STATUSES, TASK_STATUSES } from '../../../workflows/approval/contract';
import { StepId, TemplateKey } from '../../../workflows/approval/dsl';

const Comment = z.string().trim().max(2000);

export const StartApprovalRequest = z
  .strictObject({
    /** The template by key (the usual way) or by id; its latest published version runs. */
    templateKey: TemplateKey.optional(),
    templateId: Uuid.optional(),
    /** Shown in inboxes; defaults to "<template> — <initiator>". */
    title: Title.optional(),
    form: z.record(z.string(), z.unknown()).default({}),
    /** People the initiator picks for steps that let them, by step id. */
    selections: z.record(StepId, z.array(Uuid).min(1).max(50)).default({}),
  })
  .refine((b) => (b.templateKey === undefined) !== (b.templateId === undefined), { message: 'send templateKey or templateId (exactly one)', path: ['templateKey'] });
export type StartApprovalRequest = z.output<typeof StartApprovalRequest>;

export const ApprovalStarted = z.object({
  instanceId: z.string(),
  workflowId: z.string(),
  templateKey: z.string(),
  templateVersion: z.number().int(),
  /** The business serial number (templates with a serial rule); a retried submit gets the same one. */
  serialNumber: z.string().nullable(),
  /** The instance detail; it appears as soon as the workflow has recorded the submission. */
  url: z.string(),
});
export type ApprovalStarted = z.infer<typeof ApprovalStarted>;

export const ActionBody = z.strictObject({ comment: Comment.optional() }).default({});
export const CommentBody = z.strictObject({ comment: Comment.min(1) });
export const TransferBody = z.strictObject({ toUserId: Uuid, comment: Comment.optional() });
export const AddSignBody = z.strictObject({ userIds: z.array(Uuid).min(1).max(20), position: z.enum(['before', 'after']), comment: Comment.optional() });
export const DelegateBody = TransferBody;
/** Why an administrator intervenes: required, shown on the timeline and to the people told. */
const Reason = z.string().trim().min(1, 'a reason is required').max(500);
export const InterventionBody = z.strictObject({ reason: Reason });
export const ReassignInterventionBody = z.strictObject({ reason: Reason, taskId: Uuid, toUserId: Uuid });
export const ReturnInterventionBody = z.strictObject({ reason: Reason, toStepId: StepId });
export const ResubmitBody = z.strictObject({ form: z.record(z.string(), z.unknown()).optional(), comment: Comment.optional() }).default({});

const Person = z.object({ userId: z.string(), displayName: z.string().nullable() });

export const TaskView = z.object({
  taskId: z.string(),
  stepId: z.string(),
  stepName: z.string(),
  kind: z.enum(['approval', 'cc']),
  assignee: Person,
  status: z.enum(TASK_STATUSES),
  /** Why it closed without the holder (`cancelled: step rejected`), or how it was auto-approved. */
  reason: z.string().nullable(),
  comment: z.string().nullable(),
  round: z.number().int(),
  openedAt: z.string(),
  actedAt: z.string().nullable(),
});
export type TaskView = z.infer<typeof TaskView>;

export const TimelineEvent = z.object({
  seq: z.number().int(),
  type: z.string(),
  stepId: z.string().nullable(),
  taskId: z.string().nullable(),
  /** Null when the system acted (timers, automatic decisions). */
  actor: Person.nullable(),
  data: z.record(z.string(), z.unknown()),
  at: z.string(),
});
export type TimelineEvent = z.infer<typeof TimelineEvent>;

export const InstanceDetail = z.object({
  instanceId: z.string(),
  workflowId: z.string(),
  template: z.object({ id: z.string(), key: z.string(), version: z.number().int(), name: z.string() }),
  /** Business serial number given at submit (`LEAVE-20261204-0007`); null when the template has no serial rule. */
  serialNumber: z.string().nullable(),
  title: z.string(),
  initiator: Person,
  status: z.enum(INSTANCE_STATUSES),
  form: z.record(z.string(), z.unknown()),
  round: z.number().int(),
  /** The steps waiting now and who holds them. */
  currentSteps: z.array(z.object({ stepId: z.string(), stepName: z.string(), holders: z.array(Person.extend({ taskId: z.string() })) })),
  tasks: z.array(TaskView),
  timeline: z.array(TimelineEvent),
  submittedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type InstanceDetail = z.infer<typeof InstanceDetail>;

export const INBOX_BOXES = ['todo', 'done', 'cc', 'started'] as const;
export type InboxBox = (typeof INBOX_BOXES)[number];

export const InboxQuery = z.object({
  box: z.enum(INBOX_BOXES).default('todo'),
  templateKey: TemplateKey.optional(),
  status: z.enum(INSTANCE_STATUSES).optional(),
  /** Contained in the title or the serial number. */
  q: SearchText,
  /** Only items whose time (see `at`) is at or after this instant. */
  from: Instant.optional(),
  /** Only items whose time (see `at`) is before this instant. */
  to: Instant.optional(),
  /** Opaque: the `nextCursor` of the previous page. */
  cursor: z.string().max(300).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
}).refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { path: ['to'], message: 'must be after `from`' });
export type InboxQuery = z.output<typeof InboxQuery>;

/** What every list row says about a request: which, from which template, in which state, from whom. */
const RequestHeading = z.object({
  instanceId: z.string(),
  title: z.string(),
  templateKey: z.string(),
  templateName: z.string(),
  /** Business serial number; null when the template has no serial rule. */
  serialNumber: z.string().nullable(),
  status: z.enum(INSTANCE_STATUSES),
  initiator: Person,
});

export const InboxItem = RequestHeading.extend({
  /** The caller's task (todo, done, cc); null in "started". */
  task: z.object({ taskId: z.string(), stepId: z.string(), stepName: z.string(), status: z.enum(TASK_STATUSES) }).nullable(),
  /** What the list is ordered by: task opened (todo, cc), acted (done) or request submitted (started). */
  at: z.string(),
});
export type InboxItem = z.infer<typeof InboxItem>;

/** Cursor pagination: inboxes change while one pages, and keyset cursors neither skip nor repeat. */
export const InboxPage = z.object({ items: z.array(InboxItem), nextCursor: z.string().nullable() });
export type InboxPage = z.infer<typeof InboxPage>;

export const InboxCounts = z.object({ todo: z.number().int(), done: z.number().int(), cc: z.number().int(), started: z.number().int() });
export type InboxCounts = z.infer<typeof InboxCounts>;

// ---------------------------------------------------------------- oversight (admins: every request in data scope)

export const OversightQuery = z
  .object({
    templateKey: TemplateKey.optional(),
    status: z.enum(INSTANCE_STATUSES).optional(),
    initiatorId: Uuid.optional(),
    /** Someone holding an open task of the request now. */
    assigneeId: Uuid.optional(),
    /** The initiator's department at submit (with its subtree unless includeSubtree=false). */
    departmentId: Uuid.optional(),
    includeSubtree: QueryBool.default(true),
    /** Contained in the title or the serial number. */
    q: SearchText,
    /** Exactly this business serial number. */
    serialNumber: z.string().trim().min(1).max(100).optional(),
    submittedFrom: Instant.optional(),
    submittedTo: Instant.optional(),
    finishedFrom: Instant.optional(),
    finishedTo: Instant.optional(),
    /** Running requests whose oldest open task has waited at least this many minutes. */
    stuckForMinutes: z.coerce.number().int().min(1).max(525_600).optional(),
    cursor: z.string().max(300).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .refine((q) => !q.submittedFrom || !q.submittedTo || Date.parse(q.submittedFrom) < Date.parse(q.submittedTo), { path: ['submittedTo'], message: 'must be after `submittedFrom`' })
  .refine((q) => !q.finishedFrom || !q.finishedTo || Date.parse(q.finishedFrom) < Date.parse(q.finishedTo), { path: ['finishedTo'], message: 'must be after `finishedFrom`' });
export type OversightQuery = z.output<typeof OversightQuery>;

export const OversightItem = RequestHeading.extend({
  initiatorDepartmentId: z.string().nullable(),
  currentStepIds: z.array(z.string()),
  currentAssignees: z.array(Person),
  /** When the oldest open task was opened (null when nothing waits for people). */
  waitingSince: z.string().nullable(),
  submittedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type OversightItem = z.infer<typeof OversightItem>;

export const OversightPage = z.object({ items: z.array(OversightItem), nextCursor: z.string().nullable() });
export type OversightPage = z.infer<typeof OversightPage>;
