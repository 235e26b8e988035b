/**
 * The platform's tenant processes (see contract.ts).
 *
 * Onboarding, a saga: tenant row → built-in roles, menus and preset templates → the first
 * tenant admin, invited by mail → the digest schedule → the tenant opens. Each compensation is
 * pushed once its step succeeded; on a failure they run newest first (schedule deleted, users
 * removed, roles/menus/templates removed, tenant row marked failed), each outcome recorded, and
 * the run fails so the Temporal server shows it as failed.
 *
 * Deletion: a suspended tenant's rows are removed table by table in batches (short statements,
 * a crash resumes where it stopped), then its schedule and the tenant row; the result is the
 * report of rows removed per table.
 */
import {
  ApplicationFailure,
  CancellationScope,
  TemporalFailure,
  continueAsNew,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { SA } from '../search-attributes';
import {
  TENANT_NON_RETRYABLE,
  TENANT_ONBOARDING_STEPS,
  TENANT_STEP_TITLES,
  tenantDeletionProgressQuery,
  tenantOnboardingProgressQuery,
  type TenantDeletionInput,
  type TenantDeletionReport,
  type TenantOnboardingInput,
  type TenantOnboardingProgress,
  type TenantOnboardingStatus,
  type TenantOnboardingStep,
} from './contract';

const STEP_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 6, nonRetryableErrorTypes: TENANT_NON_RETRYABLE },
};
const UNDO_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10, nonRetryableErrorTypes: TENANT_NON_RETRYABLE },
};
const act = proxyActivities<Activities>(STEP_OPTIONS);
const undo = proxyActivities<Activities>(UNDO_OPTIONS);

export async function tenantOnboardingWorkflow(input: TenantOnboardingInput): Promise<TenantOnboardingProgress> {
  const { workflowId } = workflowInfo();
  const p: TenantOnboardingProgress = {
    code: input.code,
    status: 'running',
    tenantId: null,
    adminUserId: null,
    stepsDone: [],
    currentStep: null,
    compensations: [],
    error: null,
  };
  setHandler(tenantOnboardingProgressQuery, () => p);
  const publish = (status: TenantOnboardingStatus, step: TenantOnboardingStep | null) => {
    p.status = status;
    p.currentStep = step;
    upsertSearchAttributes([{ key: SA.status, value: status === 'running' && step ? step : status }]);
    setCurrentDetails(describe(input, p));
  };

  /**
   * Compensations to run, newest last. A step's is pushed before it runs, so what a step did
   * before failing is undone too (every undo tolerates "nothing to undo"); except the tenant
   * row's: a step that failed because the code is someone else's must not touch their tenant.
   */
  const undos: { step: TenantOnboardingStep; run: () => Promise<string> }[] = [];
  const step = async (name: TenantOnboardingStep, run: () => Promise<void>, compensation?: () => Promise<string>, ownsPartialWork = true) => {
    publish('running', name);
    if (compensation && ownsPartialWork) undos.push({ step: name, run: compensation });
    await run();
    p.stepsDone.push(name);
    if (compensation && !ownsPartialWork) undos.push({ step: name, run: compensation });
  };

  try {
    await step(
      'tenant',
      async () => {
        p.tenantId = (await act.createTenantRow.executeWithOptions({ summary: `Tenant row ${input.code}` }, [input, workflowId])).tenantId;
      },
      async () => (await undo.markTenantFailed.executeWithOptions({ summary: 'Undo: mark the tenant failed' }, [p.tenantId!])).detail,
      false,
    );
    await step(
      'basics',
      async () => {
        await act.seedTenantDefaults.executeWithOptions({ summary: 'Roles, menus and preset templates' }, [p.tenantId!]);
      },
      async () => (await undo.removeTenantDefaults.executeWithOptions({ summary: 'Undo: remove roles, menus and templates' }, [p.tenantId!])).detail,
    );
    await step(
      'admin',
      async () => {
        p.adminUserId = (await act.inviteTenantAdmin.executeWithOptions({ summary: `Invite the administrator ${input.admin.username}` }, [input, p.tenantId!, workflowId, workflowInfo().runId])).userId;
      },
      async () => (await undo.removeTenantUsers.executeWithOptions({ summary: 'Undo: remove the users' }, [p.tenantId!])).detail,
    );
    await step(
      'schedule',
      async () => {
        await act.ensureTenantSchedule.executeWithOptions({ summary: 'Digest schedule' }, [p.tenantId!]);
      },
      async () => (await undo.deleteTenantSchedule.executeWithOptions({ summary: 'Undo: delete the digest schedule' }, [input.code])).detail,
    );
    await step('activate', async () => {
      await act.openTenant.executeWithOptions({ summary: `Open ${input.code}` }, [p.tenantId!]);
    });
    publish('completed', null);
    return p;
  } catch (err) {
    if (!(err instanceof TemporalFailure)) throw err; // a bug: fail the task, fix, resume
    p.error = rootMessage(err);
    const failedStep = p.currentStep;
    publish('compensating', failedStep);
    await CancellationScope.nonCancellable(async () => {
      for (const u of [...undos].reverse()) {
        try {
          p.compensations.push({ step: u.step, status: 'done', detail: await u.run() });
        } catch (e) {
          p.compensations.push({ step: u.step, status: 'failed', detail: rootMessage(e) });
        }
        setCurrentDetails(describe(input, p));
      }
    });
    publish('compensated', failedStep);
    throw ApplicationFailure.create({
      message: `Onboarding of tenant ${input.code} failed at "${failedStep}": ${p.error}`,
      type: 'TenantOnboardingFailed',
      nonRetryable: true,
      details: [p],
      cause: err,
    });
  }
}

const DELETION_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 20, nonRetryableErrorTypes: TENANT_NON_RETRYABLE },
};
const purge = proxyActivities<Activities>(DELETION_OPTIONS);

export async function tenantDeletionWorkflow(input: TenantDeletionInput, carried?: TenantDeletionReport): Promise<TenantDeletionReport> {
  const report: TenantDeletionReport = carried ?? { code: input.code, removed: {}, total: 0, scheduleDeleted: false, finishedAt: null };
  setHandler(tenantDeletionProgressQuery, () => report);
  const show = (what: string) => setCurrentDetails(`**Deleting tenant \`${input.code}\`**: ${what}\n\n${report.total} rows removed so far`);

  if (!report.scheduleDeleted) {
    await purge.deleteTenantSchedule.executeWithOptions({ summary: 'Delete the digest schedule' }, [input.code]);
    report.scheduleDeleted = true;
  }
  const tables = await purge.tenantTables.executeWithOptions({ summary: 'Tables with tenant rows' }, [input.tenantId]);
  for (const table of tables) {
    for (;;) {
      const n = await purge.purgeTenantBatch.executeWithOptions({ summary: `Batch of ${table}` }, [input.tenantId, table, input.batchSize]);
      if (n) report.removed[table] = (report.removed[table] ?? 0) + n;
      report.total += n;
      show(table);
      if (n < input.batchSize) break;
      // A large tenant: start afresh with the report so far; finished tables come back empty at once.
      if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof tenantDeletionWorkflow>(input, report);
    }
  }
  const { removed } = await purge.deleteTenantRow.executeWithOptions({ summary: `Remove the tenant row ${input.code}` }, [input.tenantId]);
  if (removed) {
    report.removed.tenants = (report.removed.tenants ?? 0) + removed;
    report.total += removed;
  }
  report.finishedAt = new Date(Date.now()).toISOString();
  upsertSearchAttributes([{ key: SA.status, value: 'deleted' }]);
  show('done');
  return report;
}

function rootMessage(err: unknown): string {
  let e = err as Error;
  while (e instanceof TemporalFailure && e.cause) e = e.cause;
  return e instanceof Error ? e.message : String(err);
}

function describe(input: TenantOnboardingInput, p: TenantOnboardingProgress): string {
  const lines = [
    `**Onboarding tenant \`${input.code}\`**: ${p.status}`,
    '',
    ...TENANT_ONBOARDING_STEPS.map((s) => `- ${p.stepsDone.includes(s) ? '✅' : s === p.currentStep ? '⏳' : '⬜'} ${TENANT_STEP_TITLES[s]}`),
  ];
  if (p.error) lines.push('', `Failed: ${p.error}`);
  if (p.compensations.length) lines.push('', ...p.compensations.map((c) => `- ${c.status === 'done' ? '↩️' : '⚠️'} ${c.step}: ${c.detail}`));
  return lines.join('\n');
}
