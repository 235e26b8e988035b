/**
 * The provisioning saga's contract, shared by the workflow, its activities and the API:
 * input, progress query, result and compensation record. Safe to import from workflow code.
 */
import { defineQuery } from '@temporalio/workflow';
import type { CreateUserInput } from '../../activities/user/schema';
import { defineProcess, prefixedIds } from '../process';
import type { provisionUserWorkflow } from './workflow';

/**
 * The business key is the username: `provision:<tenant>:<username>`. A retried POST while the
 * saga runs gets the same run back; after it completed it is refused; after it was compensated
 * (failed) it starts afresh, since nothing of the first attempt is left.
 */
export const PROVISIONING = defineProcess<typeof provisionUserWorkflow>({
  workflowType: 'provisionUserWorkflow',
  process: 'provisioning',
  resource: 'provisioning',
  ...prefixedIds('provision'),
  policies: { conflict: 'USE_EXISTING', reuse: 'ALLOW_DUPLICATE_FAILED_ONLY' },
});

/**
 * The user to create, minus the password: workflow inputs are stored in plain text in the
 * Temporal history (and shown in its UI), so a provisioned user sets a password afterwards.
 */
export type ProvisionedUserFields = Omit<CreateUserInput, 'password'>;

export type ProvisionUserInput = ProvisionedUserFields & {
  tenantId: string;
  /** Human-readable tenant code: part of the workflow id and of the search attributes. */
  tenantCode: string;
  /** User id of whoever asked; the activities act as the system on their behalf. */
  requestedBy: string;
  sendWelcomeEmail: boolean;
};

/** The steps, in the order the business runs them. */
export const PROVISIONING_STEPS = ['create_user', 'assign_roles', 'welcome_message', 'welcome_email'] as const;
export type ProvisioningStep = (typeof PROVISIONING_STEPS)[number];

export const STEP_TITLES: Record<ProvisioningStep, string> = {
  create_user: 'Create the user',
  assign_roles: 'Assign roles',
  welcome_message: 'Post the welcome message',
  welcome_email: 'Send the welcome email',
};

export interface CompensationOutcome {
  /** The step being undone. */
  step: ProvisioningStep;
  /** Activity that undid it. */
  activity: string;
  status: 'done' | 'failed';
  error?: string;
}

/** Business status, also the value of the SignoffStatus search attribute. */
export type ProvisioningStatus = 'running' | 'compensating' | 'completed' | 'compensated' | 'compensation_failed';

export interface ProvisioningProgress {
  status: ProvisioningStatus;
  currentStep: ProvisioningStep | null;
  stepsDone: ProvisioningStep[];
  /** Steps skipped by the input (e.g. no welcome email requested). */
  stepsSkipped: ProvisioningStep[];
  userId: string | null;
  failedStep: ProvisioningStep | null;
  error: string | null;
  compensations: CompensationOutcome[];
}

export interface ProvisioningResult {
  userId: string;
  username: string;
  stepsDone: ProvisioningStep[];
  stepsSkipped: ProvisioningStep[];
  /** Roles this run granted (roles the user already held are not repeated). */
  rolesGranted: string[];
  welcomeMessageId: string;
  /** Mail ledger row of the welcome email, null when none was requested. */
  welcomeEmailDeliveryId: string | null;
}

/** Details of the failure a compensated run ends with: what broke and how each undo went. */
export interface CompensationRecord {
  failedStep: ProvisioningStep;
  /** The user the run had created (deleted again unless its compensation failed), if any. */
  userId: string | null;
  error: { message: string; type: string | null };
  stepsDone: ProvisioningStep[];
  compensations: CompensationOutcome[];
}

/** Failure types the workflow ends with (the API tells them apart for its status). */
export const FAILURE_COMPENSATED = 'ProvisioningCompensated';
export const FAILURE_COMPENSATION_FAILED = 'ProvisioningCompensationFailed';

/** Business errors the activities raise; retrying cannot fix them. */
export const NON_RETRYABLE_TYPES = [
  'UsernameTaken',
  'email_taken',
  'user_quota_exceeded',
  'validation_failed',
  'user_not_found',
  'dedupe_key_conflict',
];

export const progressQuery = defineQuery<ProvisioningProgress>('provisioning.progress');

/** The business key: a retried POST finds the same workflow instead of provisioning twice. */
export const provisioningWorkflowId = (tenantCode: string, username: string) => PROVISIONING.workflowId(tenantCode, username);

export const welcomeMessageKey = (workflowId: string) => `${workflowId}:welcome`;
export const welcomeEmailKey = (workflowId: string) => `${workflowId}:welcome-email`;
