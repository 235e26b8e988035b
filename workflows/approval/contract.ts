/**
 * The approval workflow's contract, shared by the workflow, its activities, the read model and
 * the API: input, the statuses of instances and tasks, the user actions (each a Temporal Update
 * with a synchronous validator), the rejection codes those validators answer with, and the
 * read-model projection the activities write. The one source of these names: the database
 * entities and the API schemas take them from here. Safe to import from workflow code.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ApprovalStep, CcStep, Template, TemplateSettings } from './dsl/template';
import type { InitiatorFacts } from './dsl/conditions';
import type { WorkingCalendar } from './dsl/calendar';
import { defineProcess, prefixedIds } from '../process';
import type { approvalWorkflow } from './workflow';

export const APPROVAL_PROCESS = 'approval';
export const APPROVAL_WORKFLOW_TYPE = 'approvalWorkflow';

/**
 * Business key: the instance id (`approval:<tenant>:<instance>`), so ops find it and a retried
 * start (same Idempotency-Key, same instance id) finds its run, running or finished.
 */
export const APPROVAL = defineProcess<typeof approvalWorkflow>({
  workflowType: APPROVAL_WORKFLOW_TYPE,
  process: APPROVAL_PROCESS,
  resource: 'approval',
  ...prefixedIds('approval'),
  policies: { conflict: 'USE_EXISTING', reuse: 'REJECT_DUPLICATE' },
});
export const approvalWorkflowId = (tenantCode: string, instanceId: string) => APPROVAL.workflowId(tenantCode, instanceId);

export interface ApprovalInitiator extends InitiatorFacts {
  displayName: string;
}

export interface ApprovalInput {
  tenantId: string;
  tenantCode: string;
  instanceId: string;
  templateId: string;
  templateVersion: number;
  /** The pinned published version: the workflow interprets exactly this and never reads the DB. */
  definition: Template;
  title: string;
  /** Validated against the version's form schema by the API. */
  form: Record<string, unknown>;
  /** Captured at submit; conditions and assignee rules are evaluated against these facts. */
  initiator: ApprovalInitiator;
  /** People the initiator picked for steps that let them (by step id). */
  selections: Record<string, string[]>;
  /** ISO time of the submission. */
  submittedAt: string;
  /**
   * The business serial number given at submit (templates with a serial rule). Only copied into
   * the read model: absent in runs started before serial numbers existed.
   */
  serialNumber?: string;
  /**
   * The tenant's working calendar at submit (working weekdays, holidays, time zone): what step
   * durations in working days count on. Absent in runs started before working-day durations.
   */
  calendar?: WorkingCalendar;
}

/** What a continued-as-new run carries over (only at a round boundary, when no task is open). */
export interface ApprovalCarry {
  seq: number;
  round: number;
  /** Top-level step to start the round from (resubmit to the returning step). */
  startAt: string | null;
  /** Comment history is in the read model; only counters need to survive. */
}

// ───────────────────────────────────────────── statuses

/**
 * `running`; `returned` to the initiator (who resubmits or withdraws); `stalled`: a system step
 * failed and waits for an administrator (retry, return to a step, or cancel); or finished (the
 * others). `cancelled`: cancelled by an administrator (an intervention) or in Temporal (UI, CLI,
 * client), the workflow closed its tasks itself; `terminated`: terminated in Temporal (no
 * workflow code ran), found and closed by the reconciler.
 */
export const INSTANCE_STATUSES = ['running', 'returned', 'stalled', 'approved', 'rejected', 'withdrawn', 'failed', 'cancelled', 'terminated'] as const;
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];

/** Finished: nothing can happen to the request any more. */
export const FINISHED_STATUSES = ['approved', 'rejected', 'withdrawn', 'failed', 'cancelled', 'terminated'] as const satisfies readonly InstanceStatus[];
export type FinishedStatus = (typeof FINISHED_STATUSES)[number];
export const isFinished = (status: InstanceStatus): status is FinishedStatus => (FINISHED_STATUSES as readonly InstanceStatus[]).includes(status);

/**
 * `open`: the holder must act. `waiting`: queued behind someone (sequential mode, added signers,
 * a delegation). `approved`, `rejected`, `returned`, `transferred`: the holder acted (their
 * "done" list). `cancelled`: the step or instance ended without them (never in "done").
 * `reassigned`: an administrator gave the task to someone else (the holder did not act: never
 * in "done" either). `cc`: a read-only copy.
 */
export const TASK_STATUSES = ['open', 'waiting', 'approved', 'rejected', 'returned', 'transferred', 'cancelled', 'reassigned', 'cc'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** The holder acted: what their "done" list shows. */
export const DONE_TASK_STATUSES = ['approved', 'rejected', 'returned', 'transferred'] as const satisfies readonly TaskStatus[];

export const TASK_KINDS = ['approval', 'cc'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export interface ApprovalResult {
  status: FinishedStatus;
  rounds: number;
  reason: string | null;
}

// ───────────────────────────────────────────── actions (Updates)

interface ActionBase {
  /** The authenticated caller, set by the API from the token (never from the request body). */
  actorId: string;
  comment?: string;
}

export interface TaskAction extends ActionBase {
  taskId: string;
}

export interface TransferAction extends TaskAction {
  /** Checked by the API to be an active user of the tenant. */
  toUserId: string;
}

export interface AddSignAction extends TaskAction {
  /** Checked by the API to be active users of the tenant. */
  userIds: string[];
  /** before: they act first, then the holder; after: they act once the holder has approved. */
  position: 'before' | 'after';
}

export interface DelegateAction extends TaskAction {
  /** Checked by the API to be an active user of the tenant. */
  toUserId: string;
}

export interface ResubmitAction extends ActionBase {
  /** The edited form, validated by the API; omitted = unchanged. */
  form?: Record<string, unknown>;
}

/** What every accepted action answers: the state right after it (and everything it set off) settled. */
export interface ActionResult {
  status: InstanceStatus;
  seq: number;
  currentStepIds: string[];
  openTasks: { taskId: string; stepId: string; assigneeId: string }[];
}

export const approveUpdate = defineUpdate<ActionResult, [TaskAction]>('approval.approve');
export const rejectUpdate = defineUpdate<ActionResult, [TaskAction]>('approval.reject');
export const transferUpdate = defineUpdate<ActionResult, [TransferAction]>('approval.transfer');
export const addSignUpdate = defineUpdate<ActionResult, [AddSignAction]>('approval.addSign');
/** `taskId` is the added signer's task. */
export const removeSignUpdate = defineUpdate<ActionResult, [TaskAction]>('approval.removeSign');
export const delegateUpdate = defineUpdate<ActionResult, [DelegateAction]>('approval.delegate');
/** The holder takes over the delegate's decision as their own. */
export const confirmUpdate = defineUpdate<ActionResult, [TaskAction]>('approval.confirm');
/** An approver takes back their approval (until the next step's first action). */
export const takeBackUpdate = defineUpdate<ActionResult, [TaskAction]>('approval.takeBack');
export const commentUpdate = defineUpdate<ActionResult, [ActionBase & { taskId?: string }]>('approval.comment');
export const withdrawUpdate = defineUpdate<ActionResult, [ActionBase]>('approval.withdraw');
export const resubmitUpdate = defineUpdate<ActionResult, [ResubmitAction]>('approval.resubmit');
export const urgeUpdate = defineUpdate<ActionResult, [ActionBase]>('approval.urge');

export const stateQuery = defineQuery<ActionResult>('approval.state');

// ───────────────────────────────────────────── interventions (administrators)

/**
 * What an administrator does to someone else's request (`approval:intervene`, within their data
 * scope; checked by the API). Always with a reason, which goes on the timeline.
 */
export interface Intervention {
  /** The administrator, set by the API from the token. */
  actorId: string;
  reason: string;
}

export interface ReassignIntervention extends Intervention {
  /** An open or waiting approval task. */
  taskId: string;
  /** Checked by the API to be an active user of the tenant, not the initiator. */
  toUserId: string;
}

export interface ReturnIntervention extends Intervention {
  /** An approval step the request already passed (this round); the flow runs again from it. */
  toStepId: string;
}

/** Cancel a request that is not finished: open tasks cancelled, status `cancelled`, initiator told. */
export const cancelInterventionUpdate = defineUpdate<ActionResult, [Intervention]>('approval.intervene.cancel');
/** Give an open (or waiting) task to another person; the old task closes as `reassigned`. */
export const reassignInterventionUpdate = defineUpdate<ActionResult, [ReassignIntervention]>('approval.intervene.reassign');
/** Run the failed system steps of a `stalled` request again (the cause was fixed meanwhile). */
export const retryInterventionUpdate = defineUpdate<ActionResult, [Intervention]>('approval.intervene.retry');
/** Send the request back to an approval step it already passed. */
export const returnInterventionUpdate = defineUpdate<ActionResult, [ReturnIntervention]>('approval.intervene.return');

/** Every intervention, by the name the API uses, with its Update. */
export const INTERVENTIONS = {
  cancel: cancelInterventionUpdate,
  reassign: reassignInterventionUpdate,
  retry: retryInterventionUpdate,
  return: returnInterventionUpdate,
} as const;
export type InterventionKind = keyof typeof INTERVENTIONS;

/**
 * Every user action, by the name the API and the timeline use, with its Update: the one list
 * of what people can do to a request.
 */
export const USER_ACTIONS = {
  approve: approveUpdate,
  reject: rejectUpdate,
  transfer: transferUpdate,
  addSign: addSignUpdate,
  removeSign: removeSignUpdate,
  delegate: delegateUpdate,
  confirm: confirmUpdate,
  takeBack: takeBackUpdate,
  comment: commentUpdate,
  withdraw: withdrawUpdate,
  resubmit: resubmitUpdate,
  urge: urgeUpdate,
} as const;
/** A user's action on a request (approve, reject, …); system steps have `SystemActionKind` (dsl). */
export type UserActionKind = keyof typeof USER_ACTIONS;

/**
 * Why a validator refused an action: the ApplicationFailure type, which the API turns into the
 * problem `code`. `conflict` ones mean "the state moved on" (409); the others are "you cannot do
 * this" (422).
 */
export const REJECTIONS = {
  task_not_found: 'unprocessable',
  task_not_open: 'conflict',
  not_task_holder: 'unprocessable',
  action_not_allowed: 'unprocessable',
  not_initiator: 'unprocessable',
  not_participant: 'unprocessable',
  instance_finished: 'conflict',
  instance_not_running: 'conflict',
  instance_not_returned: 'conflict',
  instance_not_stalled: 'conflict',
  step_not_passed: 'unprocessable',
  reason_required: 'unprocessable',
  urge_too_soon: 'conflict',
} as const;
export type RejectionCode = keyof typeof REJECTIONS;

/** Minimum time between two urges of the same instance by its initiator. */
export const URGE_INTERVAL_MS = 60 * 60 * 1000;

// ───────────────────────────────────────────── activities' arguments

export interface ResolveApprovalArgs {
  tenantId: string;
  step: ApprovalStep;
  settings: TemplateSettings;
  initiator: ApprovalInitiator;
  form: Record<string, unknown>;
  selections: Record<string, string[]>;
  /** Who approved the approval step just before on the path (autoPassRepeatedApprover). */
  previousApprovers: string[];
}

export interface ResolveCcArgs {
  tenantId: string;
  step: CcStep;
  initiator: ApprovalInitiator;
  form: Record<string, unknown>;
  selections: Record<string, string[]>;
}

/** A `grantRole` action step: give `userId` the role `roleCode`, tagged with the approval's workflow id. */
export interface GrantRoleStepArgs {
  tenantId: string;
  userId: string;
  roleCode: string;
  grantedBy: string;
  /**
   * Set when the role came from the form (the publisher never vouched for it): the people who
   * approved this round; at least one of them must be allowed to give the role.
   */
  approverIds?: string[];
}

export interface NotifyArgs {
  tenantId: string;
  userIds: string[];
  title: string;
  body: string;
  /** `<workflowId>:<seq>`: one message per user per key, however often the activity runs. */
  dedupeKey: string;
}

// ───────────────────────────────────────────── the projection (read model)

export interface TaskRow {
  id: string;
  /** Creation order within the instance: how the detail lists tasks. */
  position: number;
  stepId: string;
  stepName: string;
  kind: TaskKind;
  assigneeId: string;
  status: TaskStatus;
  reason: string | null;
  comment: string | null;
  autoApproved: string | null;
  round: number;
  /** Epoch ms (workflow time, so a retried projection writes the same values). */
  openedAt: number;
  actedAt: number | null;
}

export interface EventRow {
  seq: number;
  type: string;
  stepId: string | null;
  taskId: string | null;
  actorId: string | null;
  data: Record<string, unknown>;
  at: number;
}

export interface InstanceRow {
  templateId: string;
  templateKey: string;
  templateVersion: number;
  templateName: string;
  title: string;
  initiatorId: string;
  initiatorDepartmentId: string | null;
  serialNumber: string | null;
  status: InstanceStatus;
  form: Record<string, unknown>;
  currentStepIds: string[];
  currentAssigneeIds: string[];
  round: number;
  submittedAt: number;
  finishedAt: number | null;
}

/**
 * One projection: the instance's summary, the tasks that changed and the new timeline events.
 * Applied in one transaction, only if `seq` is newer than the last one applied, so a retried or
 * late activity never duplicates an event or rolls the read model back.
 */
export interface ProjectionBatch {
  tenantId: string;
  instanceId: string;
  workflowId: string;
  seq: number;
  instance: InstanceRow;
  tasks: TaskRow[];
  events: EventRow[];
}

export const eventKey = (workflowId: string, seq: number) => `${workflowId}:${seq}`;
