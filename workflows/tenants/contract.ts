/**
 * The tenant processes of the platform scope, shared by the workflows, their activities and the
 * API: onboarding a new tenant as a saga (`tenant-onboarding:<code>`) and deleting a suspended
 * tenant's data in batches (`tenant-deletion:<code>`). Safe to import from workflow code.
 */
import { defineQuery } from '@temporalio/workflow';
import { defineProcess, type ProcessDefinition } from '../process';
import type { tenantDeletionWorkflow, tenantOnboardingWorkflow } from './workflows';

/**
 * Ids of the form `<prefix>:<tenant code>`: the tenant is the business key, and the process is
 * tagged with it (SignoffTenant), so ops find everything about one tenant with one filter.
 */
function tenantIds(prefix: string): Pick<ProcessDefinition, 'workflowId' | 'parseWorkflowId'> {
  const pattern = new RegExp(`^${prefix}:([a-z0-9][a-z0-9-]*)$`);
  return {
    workflowId: (_tenantCode, code) => `${prefix}:${code}`,
    parseWorkflowId(workflowId) {
      const m = pattern.exec(workflowId);
      return m ? { tenantCode: m[1], businessKey: m[1] } : null;
    },
  };
}

/** A failed (compensated) onboarding may be started again with the same code; a completed one not. */
export const TENANT_ONBOARDING = defineProcess<typeof tenantOnboardingWorkflow>({
  workflowType: 'tenantOnboardingWorkflow',
  process: 'tenant-onboarding',
  resource: 'tenant_onboarding',
  ...tenantIds('tenant-onboarding'),
  policies: { conflict: 'USE_EXISTING', reuse: 'ALLOW_DUPLICATE_FAILED_ONLY' },
});

export const TENANT_DELETION = defineProcess<typeof tenantDeletionWorkflow>({
  workflowType: 'tenantDeletionWorkflow',
  process: 'tenant-deletion',
  resource: 'tenant_deletion',
  ...tenantIds('tenant-deletion'),
  policies: { conflict: 'USE_EXISTING', reuse: 'ALLOW_DUPLICATE_FAILED_ONLY' },
});

export interface TenantAdminInvite {
  username: string;
  email: string;
  displayName: string;
}

export interface TenantOnboardingInput {
  code: string;
  name: string;
  timeZone: string;
  /** Code of the package (plan) the tenant is put on: its quotas (activities/package/). */
  packageCode: string;
  admin: TenantAdminInvite;
  /** The platform operator who asked for it. */
  requestedBy: string;
  /** How long the admin's activation link stays valid. */
  invitationTtlMs: number;
}

/** The saga's steps, in order; each has a compensation but the last. */
export const TENANT_ONBOARDING_STEPS = ['tenant', 'basics', 'admin', 'schedule', 'activate'] as const;
export type TenantOnboardingStep = (typeof TENANT_ONBOARDING_STEPS)[number];
export const TENANT_STEP_TITLES: Record<TenantOnboardingStep, string> = {
  tenant: 'Create the tenant row',
  basics: 'Built-in roles, menus and preset templates',
  admin: 'Invite the first tenant administrator',
  schedule: "The tenant's digest schedule",
  activate: 'Open the tenant',
};

/** Business status; also the SignoffStatus search attribute. */
export type TenantOnboardingStatus = 'running' | 'compensating' | 'completed' | 'compensated';

export interface TenantCompensation {
  step: TenantOnboardingStep;
  status: 'done' | 'failed';
  detail: string;
}

export interface TenantOnboardingProgress {
  code: string;
  status: TenantOnboardingStatus;
  tenantId: string | null;
  adminUserId: string | null;
  stepsDone: TenantOnboardingStep[];
  /** The step running or the one that failed. */
  currentStep: TenantOnboardingStep | null;
  compensations: TenantCompensation[];
  error: string | null;
}

export const tenantOnboardingProgressQuery = defineQuery<TenantOnboardingProgress>('tenantOnboarding.progress');

export interface TenantDeletionInput {
  tenantId: string;
  code: string;
  requestedBy: string;
  batchSize: number;
}

export interface TenantDeletionReport {
  code: string;
  /** Rows removed per table (only tables that had rows). */
  removed: Record<string, number>;
  total: number;
  scheduleDeleted: boolean;
  finishedAt: string | null;
}

export const tenantDeletionProgressQuery = defineQuery<TenantDeletionReport>('tenantDeletion.progress');

/** Dedupe key of the admin's invitation mail: per run, so a new run after a compensated one invites again. */
export const adminInviteMailKey = (workflowId: string, runId: string) => `${workflowId}:${runId}:admin-invite`;

export const TENANT_NON_RETRYABLE = ['tenant_code_taken', 'validation_failed', 'not_found', 'tenant_not_found', 'tenant_state_invalid'];
