/**
 * User provisioning saga (see contract.ts for its inputs, queries and result).
 *
 *   create user → assign roles → welcome message → welcome email → done
 *
 * Each step that succeeds registers how to undo it. If a later step fails, the undo steps run
 * newest-first, each outcome is recorded, and the workflow fails with that record, so the
 * tenant is left as if nothing had happened (or the record says exactly what is left).
 */
import {
  ApplicationFailure,
  CancellationScope,
  TemporalFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { SA, processAttributes } from '../search-attributes';
import {
  FAILURE_COMPENSATED,
  FAILURE_COMPENSATION_FAILED,
  NON_RETRYABLE_TYPES,
  PROVISIONING,
  PROVISIONING_STEPS,
  STEP_TITLES,
  progressQuery,
  type CompensationRecord,
  type ProvisioningProgress,
  type ProvisioningResult,
  type ProvisioningStatus,
  type ProvisioningStep,
  type ProvisionUserInput,
} from './contract';

/** Forward steps: a few quick retries for transient trouble; business errors end them at once. */
const STEP_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '20s', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE_TYPES },
};

/** Undo steps try harder and longer: giving up on one leaves data behind. Still bounded. */
const UNDO_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE_TYPES },
};

const act = proxyActivities<Activities>(STEP_OPTIONS);
const undo = proxyActivities<Activities>(UNDO_OPTIONS);

interface Compensation {
  step: ProvisioningStep;
  activity: string;
  run: () => Promise<unknown>;
}

export async function provisionUserWorkflow(input: ProvisionUserInput): Promise<ProvisioningResult> {
  const { workflowId } = workflowInfo();
  const { tenantId, username } = input;
  const progress: ProvisioningProgress = {
    status: 'running',
    currentStep: null,
    stepsDone: [],
    stepsSkipped: input.sendWelcomeEmail ? [] : ['welcome_email'],
    userId: null,
    failedStep: null,
    error: null,
    compensations: [],
  };
  setHandler(progressQuery, () => progress);
  tagExecution(input);

  const publish = (status?: ProvisioningStatus) => {
    if (status && status !== progress.status) {
      progress.status = status;
      upsertSearchAttributes([{ key: SA.status, value: status }]);
    }
    setCurrentDetails(describe(input, progress));
  };

  const compensations: Compensation[] = [];
  const step = async <T>(name: ProvisioningStep, run: () => Promise<T>): Promise<T> => {
    progress.currentStep = name;
    publish();
    const result = await run();
    progress.stepsDone.push(name);
    progress.currentStep = null;
    return result;
  };

  let result: ProvisioningResult;
  try {
    const { userId } = await step('create_user', () =>
      act.createProvisionedUser.executeWithOptions({ summary: `Create user ${username}` }, [input, workflowId]),
    );
    progress.userId = userId;
    compensations.push({
      step: 'create_user',
      activity: 'deleteProvisionedUser',
      run: () => undo.deleteProvisionedUser.executeWithOptions({ summary: `Undo: delete user ${username}` }, [tenantId, userId, workflowId]),
    });

    const roleIds = input.roleIds ?? [];
    const { granted } = await step('assign_roles', () =>
      act.assignProvisionedRoles.executeWithOptions({ summary: `Assign ${roleIds.length} role(s) to ${username}` }, [tenantId, userId, roleIds, workflowId, input.requestedBy]),
    );
    compensations.push({
      step: 'assign_roles',
      activity: 'revokeProvisionedRoles',
      run: () => undo.revokeProvisionedRoles.executeWithOptions({ summary: `Undo: revoke roles of ${username}` }, [tenantId, userId, workflowId]),
    });

    const { messageId } = await step('welcome_message', () =>
      act.createWelcomeMessage.executeWithOptions({ summary: `Welcome message to ${username}` }, [tenantId, userId, workflowId]),
    );
    compensations.push({
      step: 'welcome_message',
      activity: 'deleteWelcomeMessage',
      run: () => undo.deleteWelcomeMessage.executeWithOptions({ summary: `Undo: delete welcome message of ${username}` }, [tenantId, workflowId]),
    });

    // Last on purpose: an email cannot be recalled, so nothing that could still fail comes after it.
    let welcomeEmailDeliveryId: string | null = null;
    if (input.sendWelcomeEmail) {
      ({ deliveryId: welcomeEmailDeliveryId } = await step('welcome_email', () =>
        act.sendWelcomeEmail.executeWithOptions({ summary: `Welcome email to ${username}` }, [tenantId, userId, workflowId]),
      ));
    }

    result = {
      userId,
      username,
      stepsDone: [...progress.stepsDone],
      stepsSkipped: [...progress.stepsSkipped],
      rolesGranted: granted,
      welcomeMessageId: messageId,
      welcomeEmailDeliveryId,
    };
  } catch (err) {
    // Only failures Temporal reports (activity failed, cancelled, timed out) are business
    // outcomes to compensate. A bug in this code must fail the workflow task instead, so it
    // can be fixed and the workflow resumes where it was.
    if (!(err instanceof TemporalFailure)) throw err;
    throw await compensate(err, username, progress, compensations, publish);
  }

  publish('completed');
  await condition(allHandlersFinished);
  return result;
}

/**
 * Undo the completed steps newest-first. Runs in a non-cancellable scope so a cancellation of
 * the workflow cannot interrupt its own clean-up. A failed undo is recorded and the others still
 * run (each is safe on its own). Returns the failure the workflow ends with.
 */
async function compensate(
  err: TemporalFailure,
  username: string,
  progress: ProvisioningProgress,
  compensations: Compensation[],
  publish: (status?: ProvisioningStatus) => void,
): Promise<ApplicationFailure> {
  const cause = rootCause(err);
  const failedStep = progress.currentStep ?? PROVISIONING_STEPS[progress.stepsDone.length];
  progress.failedStep = failedStep;
  progress.currentStep = null;
  progress.error = cause.message;
  publish('compensating');

  await CancellationScope.nonCancellable(async () => {
    for (const c of [...compensations].reverse()) {
      try {
        await c.run();
        progress.compensations.push({ step: c.step, activity: c.activity, status: 'done' });
      } catch (undoErr) {
        progress.compensations.push({ step: c.step, activity: c.activity, status: 'failed', error: rootCause(undoErr).message });
      }
      publish();
    }
  });

  const allUndone = progress.compensations.every((c) => c.status === 'done');
  publish(allUndone ? 'compensated' : 'compensation_failed');
  const record: CompensationRecord = {
    failedStep,
    userId: progress.userId,
    error: { message: cause.message, type: cause instanceof ApplicationFailure ? (cause.type ?? null) : null },
    stepsDone: [...progress.stepsDone],
    compensations: [...progress.compensations],
  };
  const undone = allUndone ? 'every completed step was undone' : 'some steps could NOT be undone, see details';
  await condition(allHandlersFinished);
  return ApplicationFailure.create({
    message: `Provisioning of ${username} failed at ${failedStep}: ${cause.message} (${undone})`,
    type: allUndone ? FAILURE_COMPENSATED : FAILURE_COMPENSATION_FAILED,
    nonRetryable: true,
    details: [record],
    cause: err,
  });
}

/** The innermost failure (an ActivityFailure wraps the activity's ApplicationFailure). */
function rootCause(err: unknown): Error {
  let e = err as Error;
  while (e instanceof TemporalFailure && e.cause) e = e.cause;
  return e instanceof Error ? e : new Error(String(err));
}

/**
 * Search attributes are normally set by the API at start (so the run is searchable at once);
 * a run started another way (CLI, tests) gets them here, from the input.
 */
function tagExecution(input: ProvisionUserInput) {
  if (workflowInfo().typedSearchAttributes.get(SA.process) !== undefined) return;
  upsertSearchAttributes(
    processAttributes({ tenant: input.tenantCode, process: PROVISIONING.process, businessKey: input.username, initiator: input.requestedBy, status: 'running' }),
  );
}

/** Markdown for the Temporal UI's "current details": the checklist an operator reads. */
function describe(input: ProvisionUserInput, p: ProvisioningProgress): string {
  const mark = (s: ProvisioningStep) =>
    p.stepsSkipped.includes(s) ? '➖' : p.stepsDone.includes(s) ? '✅' : p.failedStep === s ? '❌' : p.currentStep === s ? '⏳' : '⬜';
  const lines = [
    `**Provisioning \`${input.username}\`** in tenant \`${input.tenantCode}\`: ${p.status}`,
    '',
    ...PROVISIONING_STEPS.map((s) => `- ${mark(s)} ${STEP_TITLES[s]}${p.stepsSkipped.includes(s) ? ' (not requested)' : ''}`),
  ];
  if (p.error) lines.push('', `Failed: ${p.error}`);
  if (p.compensations.length) {
    lines.push('', '**Compensations**', ...p.compensations.map((c) => `- ${c.status === 'done' ? '↩️' : '⚠️'} ${c.activity}${c.error ? `: ${c.error}` : ''}`));
  }
  return lines.join('\n');
}
