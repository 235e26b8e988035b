/**
 * The approval template DSL: ONE zod definition from which the API schemas, the stored draft
 * and version snapshots, the validator and the workflow input all take their types.
 *
 * The flow is block-structured (a sequence of steps; condition and parallel steps hold
 * branches that are sequences again), so every flow is well formed by construction and easy to
 * validate, draw and interpret. Conditions are data (`{ field, op, value }` with all/any/not),
 * never code.
 *
 * This schema checks SHAPE only (types, enums, required keys, id syntax): a draft may be half
 * finished. Everything semantic — duplicate ids, missing default branches, bad durations,
 * unknown fields, users and roles — is checked at publish time by
 * activities/approval/validate-template.ts, which reports every problem with its path.
 *
 * Lives under workflows/ because the workflow imports it: no Node APIs, no I/O.
 */
import { z } from 'zod';
import { SERIAL_RULE_MAX } from './serial';
import { FieldId, FormSchema, Name } from './form-schema';

export * from './form-schema';

// ───────────────────────────────────────────── identifiers

/** Template key: a lowercase slug, unique per tenant (`leave`, `it-equipment`). */
export const TemplateKey = z
  .string()
  .max(64)
  .regex(/^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$/, 'lowercase letters and digits, words joined by - or _, starting with a letter');

/** Step and branch ids: unique in the whole flow tree, referenced by `returnToStep` and the timeline. */
export const StepId = z
  .string()
  .max(64)
  .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'letters, digits, _ and -, starting with a letter');

const Uuid = z.uuid();
const RoleCodeRef = z.string().trim().min(1).max(64);
/** Checked by parseDuration at publish time; kept a string so drafts can hold work in progress. */
const DurationText = z.string().trim().min(1).max(32);

export const TEMPLATE_CATEGORIES = ['hr', 'finance', 'access', 'it', 'general'] as const;
export const TemplateCategory = z.enum(TEMPLATE_CATEGORIES);
export type TemplateCategory = z.infer<typeof TemplateCategory>;

// ───────────────────────────────────────────── conditions

export const COMPARE_OPS = ['=', '!=', '>', '>=', '<', '<=', 'in', 'contains', 'between'] as const;
export const CompareOp = z.enum(COMPARE_OPS);
export type CompareOp = z.infer<typeof CompareOp>;

const Scalar = z.union([z.string().max(500), z.number(), z.boolean()]);
export const ConditionValue = z.union([Scalar, z.array(Scalar).max(200)]);
export type ConditionValue = z.infer<typeof ConditionValue>;

/** `form.<fieldId>` or `initiator.<attribute>` (department, roles, position). */
export const ConditionField = z
  .string()
  .max(100)
  .regex(/^(form|initiator)\.[A-Za-z][A-Za-z0-9_]*$/, 'form.<fieldId> or initiator.<department|roles|position>');

export const Comparison = z.strictObject({ field: ConditionField, op: CompareOp, value: ConditionValue });
export type Comparison = z.infer<typeof Comparison>;

export type Condition = Comparison | { all: Condition[] } | { any: Condition[] } | { not: Condition };
export const Condition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    Comparison,
    z.strictObject({ all: z.array(Condition).max(50) }),
    z.strictObject({ any: z.array(Condition).max(50) }),
    z.strictObject({ not: Condition }),
  ]),
);

// ───────────────────────────────────────────── values passed to actions and hooks

/** `form.<id>`, `initiator.<id|department|position|roles>`, `instance.<id|outcome>`, `template.<key|version>`. */
export const ValueRef = z
  .string()
  .max(100)
  .regex(/^(form|initiator|instance|template)\.[A-Za-z][A-Za-z0-9_]*$/, 'form.<fieldId>, initiator.<attr>, instance.<attr> or template.<attr>');

/** A value computed when the step or hook runs: a reference into the instance, or a constant. */
export const ValueSource = z.union([z.strictObject({ ref: ValueRef }), z.strictObject({ const: z.json() })]);
export type ValueSource = z.infer<typeof ValueSource>;
export const ValueMapping = z.record(FieldId, ValueSource);
export type ValueMapping = z.infer<typeof ValueMapping>;

// ───────────────────────────────────────────── who approves

export const AssigneeRule = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('users'), userIds: z.array(Uuid).max(100) }),
  /** Every live user holding any of the roles. */
  z.strictObject({ type: z.literal('role'), roleCodes: z.array(RoleCodeRef).max(20) }),
  /** Head of the initiator's department (level 1), of its parent (level 2), … */
  z.strictObject({ type: z.literal('departmentHead'), level: z.number().int().min(1).max(16).default(1) }),
  /** The initiator's managers, closest first, up to a number of levels and/or the first holder of a role. */
  z.strictObject({
    type: z.literal('managerChain'),
    upToLevel: z.number().int().min(1).max(16).optional(),
    upToRoleCode: RoleCodeRef.optional(),
  }),
  /** The initiator names the approvers when submitting. */
  z.strictObject({ type: z.literal('initiatorSelects') }),
  z.strictObject({ type: z.literal('initiator') }),
  /** The user(s) named in a `user` field of the form. */
  z.strictObject({ type: z.literal('formField'), fieldId: FieldId }),
  z.strictObject({ type: z.literal('departmentMembers'), departmentId: Uuid, includeSubtree: z.boolean().default(false) }),
]);
export type AssigneeRule = z.infer<typeof AssigneeRule>;
export type AssigneeRuleType = AssigneeRule['type'];

/** What happens when the rule resolves to nobody. */
export const EmptyAssigneePolicy = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('autoApprove') }),
  z.strictObject({ type: z.literal('autoReject') }),
  z.strictObject({ type: z.literal('fail') }),
  z.strictObject({ type: z.literal('assignTo'), userIds: z.array(Uuid).max(50).default([]), roleCodes: z.array(RoleCodeRef).max(20).default([]) }),
]);
export type EmptyAssigneePolicy = z.infer<typeof EmptyAssigneePolicy>;

/** Where a rejection leads. `returnToStep` must name an approval step already visited on the path. */
export const RejectPolicy = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('rejectInstance') }),
  z.strictObject({ type: z.literal('returnToInitiator') }),
  z.strictObject({ type: z.literal('returnToStep'), stepId: StepId }),
]);
export type RejectPolicy = z.infer<typeof RejectPolicy>;

export const TimeoutAction = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('approve') }),
  z.strictObject({ type: z.literal('reject') }),
  z.strictObject({ type: z.literal('notifyAdmin') }),
  /** Hand the open tasks to the holder's manager, or to the holders of a role (`roleCode`). */
  z.strictObject({ type: z.literal('escalate'), to: z.enum(['manager', 'role']), roleCode: RoleCodeRef.optional() }),
]);
export type TimeoutAction = z.infer<typeof TimeoutAction>;

/** Reminders and timeout of one approval step; timers restart whenever the step is entered. */
export const StepTime = z.strictObject({
  remindAfter: DurationText.optional(),
  remindEvery: DurationText.optional(),
  remindMaxTimes: z.number().int().min(1).max(100).optional(),
  timeoutAfter: DurationText.optional(),
  timeoutAction: TimeoutAction.optional(),
});
export type StepTime = z.infer<typeof StepTime>;

export const APPROVAL_MODES = ['sequential', 'all', 'any', 'vote'] as const;
export const ApprovalMode = z.enum(APPROVAL_MODES);
export type ApprovalMode = z.infer<typeof ApprovalMode>;

// ───────────────────────────────────────────── steps

/**
 * Where the designer drew a step (its node's centre, in drawing units). Presentation only: kept
 * with drafts and versions so a drawing survives publishing, returned by the request graph, and
 * stripped from the workflow input (`withoutLayout`), so the engine never sees it.
 */
export const LAYOUT_BOUND = 10_000;
const Coordinate = z.number().min(-LAYOUT_BOUND).max(LAYOUT_BOUND);
export const StepLayout = z.strictObject({ x: Coordinate, y: Coordinate });
export type StepLayout = z.infer<typeof StepLayout>;

const stepBase = { id: StepId, name: Name, layout: StepLayout.optional() };

export const ApprovalStep = z.strictObject({
  kind: z.literal('approval'),
  ...stepBase,
  assignees: AssigneeRule,
  /** sequential: one after another; all: countersign; any: or-sign; vote: approvals >= voteThreshold %. */
  mode: ApprovalMode.default('sequential'),
  /** Percent of assignees that must approve, 1..100 (vote mode only). */
  voteThreshold: z.number().optional(),
  emptyAssignee: EmptyAssigneePolicy.default({ type: 'fail' }),
  onReject: RejectPolicy.default({ type: 'rejectInstance' }),
  allowAddSign: z.boolean().default(false),
  allowTransfer: z.boolean().default(true),
  allowDelegate: z.boolean().default(false),
  time: StepTime.optional(),
  /** The assignees resolved by the rule are candidates; the initiator picks among them at submit. */
  initiatorSelects: z.boolean().default(false),
});
export type ApprovalStep = z.infer<typeof ApprovalStep>;

/** Read-only recipients: they get a "cc" inbox item, nobody waits for them. */
export const CcStep = z.strictObject({ kind: z.literal('cc'), ...stepBase, recipients: AssigneeRule });
export type CcStep = z.infer<typeof CcStep>;

/** Wait a fixed duration, or until the date in a form field (a date, or the start of a dateRange). */
export const DelayStep = z.strictObject({
  kind: z.literal('delay'),
  ...stepBase,
  duration: DurationText.optional(),
  untilField: FieldId.optional(),
});
export type DelayStep = z.infer<typeof DelayStep>;

/** System steps calling a domain activity. */
const actionBase = { kind: z.literal('action'), ...stepBase };
export const ActionStep = z.discriminatedUnion('action', [
  /** Give a role to a user (default: the initiator). */
  z.strictObject({
    ...actionBase,
    action: z.literal('grantRole'),
    args: z.strictObject({ roleCode: ValueSource, userId: ValueSource.optional() }),
  }),
  /** POST/PUT a JSON body built from the mapping. */
  z.strictObject({
    ...actionBase,
    action: z.literal('webhook'),
    args: z.strictObject({ url: z.url({ protocol: /^https?$/ }).max(2000), method: z.enum(['POST', 'PUT']).default('POST'), body: ValueMapping.default({}) }),
  }),
  /** Any registered domain activity by name. */
  z.strictObject({
    ...actionBase,
    action: z.literal('activity'),
    args: z.strictObject({ name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,99}$/, 'an activity name'), input: ValueMapping.default({}) }),
  }),
]);
export type ActionStep = z.infer<typeof ActionStep>;
/** What a system (`action`) step does; a user's action on a task is a `UserActionKind` (contract). */
export type SystemActionKind = ActionStep['action'];

export const ConditionBranch = z.strictObject({
  id: StepId,
  name: Name,
  when: Condition,
  get steps(): z.ZodArray<typeof Step> {
    return z.array(Step).max(100);
  },
});
export type ConditionBranch = z.infer<typeof ConditionBranch>;

export const DefaultBranch = z.strictObject({
  id: StepId,
  name: Name.default('Otherwise'),
  get steps(): z.ZodArray<typeof Step> {
    return z.array(Step).max(100);
  },
});
export type DefaultBranch = z.infer<typeof DefaultBranch>;

/** First matching branch wins; the default branch (required at publish) runs when none matches. */
export const ConditionStep = z.strictObject({
  kind: z.literal('condition'),
  ...stepBase,
  branches: z.array(ConditionBranch).max(20),
  default: DefaultBranch.optional(),
});
export type ConditionStep = z.infer<typeof ConditionStep>;

export const ParallelBranch = z.strictObject({
  id: StepId,
  name: Name,
  get steps(): z.ZodArray<typeof Step> {
    return z.array(Step).max(100);
  },
});
export type ParallelBranch = z.infer<typeof ParallelBranch>;

/** All branches run; the step finishes when every branch has finished. */
export const ParallelStep = z.strictObject({
  kind: z.literal('parallel'),
  ...stepBase,
  branches: z.array(ParallelBranch).max(20),
});
export type ParallelStep = z.infer<typeof ParallelStep>;

export const Step = z.discriminatedUnion('kind', [ApprovalStep, CcStep, ConditionStep, ParallelStep, DelayStep, ActionStep]);
export type Step = z.infer<typeof Step>;
/** A step as authors write it: defaults may be left out. */
export type StepInput = z.input<typeof Step>;
export type StepKind = Step['kind'];

// ───────────────────────────────────────────── template

export const TemplateSettings = z.strictObject({
  /** When the initiator is among a step's approvers: drop them, approve for them, or keep them. */
  initiatorIsApprover: z.enum(['skip', 'approveSelf', 'keep']).default('keep'),
  /** An approver who approved the previous approval step passes this one automatically. */
  autoPassRepeatedApprover: z.boolean().default(false),
  /** After a return and resubmission: restart the flow, or go back to the step that returned it. */
  resubmitFrom: z.enum(['start', 'returningStep']).default('start'),
  /**
   * How the business serial number of a request reads, e.g. `LEAVE-{yyyyMMdd}-{seq:4}` (see
   * serial.ts: tokens, and the sequence resetting per date period). Assigned at submit, gap-free
   * per tenant and template key. Absent: requests get no serial number. Checked at publish, so a
   * draft may hold a rule still being written.
   */
  serialRule: z.string().trim().min(1).max(SERIAL_RULE_MAX).optional(),
});
export type TemplateSettings = z.infer<typeof TemplateSettings>;

export const Hook = z.discriminatedUnion('kind', [
  /** Durable follow-up work, started as a child workflow (e.g. the role-grant saga). */
  z.strictObject({
    kind: z.literal('childWorkflow'),
    workflowType: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,99}$/, 'a workflow type name'),
    input: ValueMapping.default({}),
  }),
  z.strictObject({
    kind: z.literal('activity'),
    name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,99}$/, 'an activity name'),
    args: ValueMapping.default({}),
  }),
]);
export type Hook = z.infer<typeof Hook>;

export const TemplateHooks = z.strictObject({
  onApproved: z.array(Hook).max(20).default([]),
  onRejected: z.array(Hook).max(20).default([]),
});
export type TemplateHooks = z.infer<typeof TemplateHooks>;

/**
 * Who may start a request from the template (the catalogue shows it to them; anyone else gets
 * 403 at submit). `everyone` wins over the lists; otherwise any match lets the caller start.
 * Not read by the engine: a running request never depends on it.
 */
export const TemplateStarters = z.strictObject({
  everyone: z.boolean().default(true),
  departments: z.array(z.strictObject({ departmentId: Uuid, includeSubtree: z.boolean().default(true) })).max(100).default([]),
  roleCodes: z.array(RoleCodeRef).max(50).default([]),
  userIds: z.array(Uuid).max(500).default([]),
});
export type TemplateStarters = z.output<typeof TemplateStarters>;
export const EVERYONE_STARTS: TemplateStarters = { everyone: true, departments: [], roleCodes: [], userIds: [] };

export const TemplateDefinition = z.strictObject({
  key: TemplateKey,
  name: Name,
  category: TemplateCategory,
  description: z.string().trim().max(2000).default(''),
  formSchema: FormSchema.default({ fields: [] }),
  settings: TemplateSettings.default({ initiatorIsApprover: 'keep', autoPassRepeatedApprover: false, resubmitFrom: 'start' }),
  flow: z.array(Step).max(200).default([]),
  hooks: TemplateHooks.default({ onApproved: [], onRejected: [] }),
  starters: TemplateStarters.default(EVERYONE_STARTS),
});
/** A template as stored and interpreted: every default filled in. */
export type Template = z.output<typeof TemplateDefinition>;
/** A template as authors write it: defaults may be left out. */
export type TemplateInput = z.input<typeof TemplateDefinition>;

// ───────────────────────────────────────────── paths

/** `['flow', 2, 'branches', 1, 'steps', 0]` → `flow[2].branches[1].steps[0]`: the notation errors use. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
