/**
 * The reconciler: a platform-wide scheduled job that makes the read models follow Temporal when
 * no workflow code could tell them (a termination runs none). No Node APIs.
 */
import { defineProcess } from '../process';
import type { reconcileWorkflow } from './reconcile';

export const RECONCILE_PROCESS = 'reconcile';
/** The schedule, and the prefix of its runs' workflow ids. */
export const RECONCILE_SCHEDULE_ID = 'reconcile';

/** Platform-wide: no tenant, no business key; started by its schedule (or directly by ops and tests). */
export const RECONCILE = defineProcess<typeof reconcileWorkflow>({
  workflowType: 'reconcileWorkflow',
  process: RECONCILE_PROCESS,
  resource: 'reconcile',
  workflowId: () => RECONCILE_SCHEDULE_ID,
  parseWorkflowId: (workflowId) => (workflowId.startsWith(RECONCILE_SCHEDULE_ID) ? { tenantCode: '', businessKey: '' } : null),
  policies: { conflict: 'FAIL', reuse: 'ALLOW_DUPLICATE' },
});

/** Requests described per activity: a page of ids, each `describe`d by workflow id. */
export const RECONCILE_BATCH = 100;

export interface ReconcileInput {
  /** Requests per page (default RECONCILE_BATCH). */
  batchSize?: number;
}

export interface ReconcilePage {
  /** Requests of the read model still `running`/`returned` looked at in this page. */
  checked: number;
  /** Closed by the reconciler, by the status they got. */
  closed: { terminated: number; cancelled: number; failed: number };
  /** The last id of the page: the next page starts after it; null when this was the last. */
  next: string | null;
}

/** Onboardings that still have open checklist to-dos, each described by workflow id. */
export interface OnboardingReconcilePage {
  checked: number;
  /** Closed in Temporal without completing: their open checklist to-dos were removed. */
  closed: number;
  todosRemoved: number;
  /** The last workflow id of the page; null when this was the last. */
  next: string | null;
}

export interface ReconcileResult {
  checked: number;
  terminated: number;
  cancelled: number;
  failed: number;
  pages: number;
  /** Onboardings found closed without completing, and the open to-dos removed for them (runs with PATCH_RECONCILE_ONBOARDING). */
  onboardings?: { checked: number; closed: number; todosRemoved: number };
}

/** The reconciler also follows onboardings (their checklist to-dos); runs recorded before it did not. */
export const PATCH_RECONCILE_ONBOARDING = 'reconcile-onboarding-todos';
