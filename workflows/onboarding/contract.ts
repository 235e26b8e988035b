/**
 * The onboarding workflow's contract, shared by the workflow, its activities and the API:
 * input, checklist templates, progress, messages (query + updates) and result.
 * Safe to import from workflow code.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ProvisionedUserFields } from '../provisioning/contract';
import { defineProcess, prefixedIds } from '../process';
import type { onboardingWorkflow } from './workflow';

/** `onboarding:<tenant>:<username>`; like provisioning, a failed run may be started again, a completed one not. */
export const ONBOARDING = defineProcess<typeof onboardingWorkflow>({
  workflowType: 'onboardingWorkflow',
  process: 'onboarding',
  resource: 'onboarding',
  ...prefixedIds('onboarding'),
  policies: { conflict: 'USE_EXISTING', reuse: 'ALLOW_DUPLICATE_FAILED_ONLY' },
});

export type ChecklistAssignee = 'new_hire' | 'manager' | 'it';
export interface ChecklistItemDef {
  id: string;
  title: string;
  assignee: ChecklistAssignee;
}

/** Checklist templates (data, versioned with the code): who does what before the new hire is settled. */
export const CHECKLIST_TEMPLATES = {
  standard: [
    { id: 'read-handbook', title: 'Read the employee handbook', assignee: 'new_hire' },
    { id: 'hr-forms', title: 'Fill in the HR forms', assignee: 'new_hire' },
    { id: 'equipment', title: 'Order equipment for the new hire', assignee: 'manager' },
    { id: 'buddy', title: 'Assign an onboarding buddy', assignee: 'manager' },
    { id: 'accounts', title: 'Set up laptop, mail and tool accounts', assignee: 'it' },
  ],
  engineering: [
    { id: 'read-handbook', title: 'Read the employee handbook', assignee: 'new_hire' },
    { id: 'dev-setup', title: 'Set up the development environment', assignee: 'new_hire' },
    { id: 'equipment', title: 'Order equipment for the new hire', assignee: 'manager' },
    { id: 'buddy', title: 'Assign an onboarding buddy', assignee: 'manager' },
    { id: 'accounts', title: 'Set up laptop, mail and tool accounts', assignee: 'it' },
    { id: 'repo-access', title: 'Grant source repository access', assignee: 'it' },
  ],
} as const satisfies Record<string, readonly ChecklistItemDef[]>;
export type ChecklistTemplate = keyof typeof CHECKLIST_TEMPLATES;
export const CHECKLIST_TEMPLATE_KEYS = Object.keys(CHECKLIST_TEMPLATES) as [ChecklistTemplate, ...ChecklistTemplate[]];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Production defaults; every one can be given in the input (tests use milliseconds). */
export const DEFAULT_TIMING = {
  reminderIntervalMs: 24 * HOUR,
  activationDeadlineMs: 5 * DAY,
  checkInOffsetsMs: [7 * DAY, 30 * DAY],
};
export type OnboardingTiming = typeof DEFAULT_TIMING;

export type OnboardingInput = Pick<ProvisionedUserFields, 'username' | 'email' | 'displayName' | 'departmentId' | 'positionId' | 'roleIds'> & {
  tenantId: string;
  tenantCode: string;
  /** HR user who started it: receives escalations, acts for the activities. */
  requestedBy: string;
  managerId: string;
  /** Who does the IT items (defaults to the requester in the API). */
  itUserId: string;
  /** ISO instant of the first working day. */
  startDate: string;
  checklistTemplate: ChecklistTemplate;
  timing: OnboardingTiming;
};

export const ONBOARDING_STEPS = ['provision', 'welcome', 'activation', 'checklist_created', 'day_one', 'checklist_done'] as const;
export type OnboardingStep = (typeof ONBOARDING_STEPS)[number];
export const STEP_TITLES: Record<OnboardingStep, string> = {
  provision: 'Provision the account',
  welcome: 'Send welcome and activation link',
  activation: 'New hire sets a password and completes the profile',
  checklist_created: 'Create the onboarding checklist',
  day_one: 'Day one: information and check-ins',
  checklist_done: 'Checklist complete',
};

/** Business status; also the SignoffStatus search attribute. */
export type OnboardingStatus =
  | 'provisioning'
  | 'awaiting_activation'
  | 'activation_overdue'
  | 'in_progress'
  | 'completed'
  | 'cancelling'
  | 'cancelled'
  | 'failed';
export const ONBOARDING_STATUSES: [OnboardingStatus, ...OnboardingStatus[]] = [
  'provisioning',
  'awaiting_activation',
  'activation_overdue',
  'in_progress',
  'completed',
  'cancelling',
  'cancelled',
  'failed',
];

export interface ChecklistItemState {
  id: string;
  title: string;
  assignee: ChecklistAssignee;
  userId: string;
  todoId: string | null;
  done: boolean;
  doneAt: string | null;
  doneBy: string | null;
}

export interface WaitingOn {
  userId: string;
  role: 'new_hire' | 'manager' | 'it' | 'hr' | 'system';
  what: string;
}

export interface CompensationOutcome {
  action: 'disable_account' | 'cancel_todos';
  status: 'done' | 'failed';
  detail: string;
}

export interface OnboardingProgress {
  status: OnboardingStatus;
  username: string;
  userId: string | null;
  stepsDone: OnboardingStep[];
  waitingOn: WaitingOn[];
  activationLinksSent: number;
  escalated: boolean;
  activatedAt: string | null;
  startDate: string;
  dayOneSentAt: string | null;
  checklist: ChecklistItemState[];
  checkIns: { label: string; dueAt: string; todoId: string }[];
  cancellation: { reason: string; by: string; at: string } | null;
  compensations: CompensationOutcome[];
  error: string | null;
}

/** Everything the workflow carries over a continue-as-new. */
export interface OnboardingState {
  progress: OnboardingProgress;
  /** sha256 (hex) of the currently valid activation token's secret; null once used. */
  tokenHash: string | null;
  /** Workflow time (ms) the activation wait began and the last link went out. */
  activationSince: number | null;
  lastLinkAt: number | null;
  cancelRequested: { reason: string; by: string; at: string } | null;
}

export type OnboardingResult = OnboardingProgress;

export const progressQuery = defineQuery<OnboardingProgress>('onboarding.progress');
/** Is this the hash of the currently valid activation token? (The hash itself is never returned.) */
export const tokenValidQuery = defineQuery<boolean, [string]>('onboarding.tokenValid');
export const activateUpdate = defineUpdate<{ userId: string }, [{ tokenHash: string }]>('onboarding.activate');
export const checklistDoneUpdate = defineUpdate<ChecklistItemState, [{ itemId: string; by: string }]>('onboarding.checklistDone');
export const cancelUpdate = defineUpdate<OnboardingProgress, [{ reason: string; by: string }]>('onboarding.cancel');
/**
 * The Update id of an item's report, whoever sends it (the API for its assignee or HR, the
 * to-do listener when the item's to-do is completed): Temporal runs an id once per run and
 * answers repeats with the first outcome, so the item is reported exactly once.
 */
export const checklistDoneUpdateId = (itemId: string) => `checklist-done:${itemId}`;

export const onboardingWorkflowId = (tenantCode: string, username: string) => ONBOARDING.workflowId(tenantCode, username);

/** Dedupe keys of the side effects (workflow id + step). */
export const activationMailKey = (workflowId: string, n: number) => `${workflowId}:activation:${n}`;
export const escalationKey = (workflowId: string) => `${workflowId}:escalation`;
export const dayOneKey = (workflowId: string) => `${workflowId}:day-one`;

export const NON_RETRYABLE_TYPES = ['user_not_found', 'validation_failed', 'not_found', 'todo_not_found'];
