/**
 * Employee onboarding (see contract.ts for input, messages and progress). Durable over weeks:
 *
 *   provision (child saga) → welcome + activation link → wait for activation (reminders,
 *   escalation to HR) → checklist to-dos → wait for the start date → day one + check-ins →
 *   wait until the checklist is done → completed
 *
 * HR may cancel at any point before completion: the account is disabled and the open checklist
 * to-dos are removed, each compensation recorded. Each phase is skipped when its step is already
 * done, so the run can continue-as-new with its state and pick up where it was.
 */
import {
  ApplicationFailure,
  ParentClosePolicy,
  TemporalFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  executeChild,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  CancellationScope,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { SA, processAttributes } from '../search-attributes';
import { provisioningWorkflowId } from '../provisioning/contract';
import { provisionUserWorkflow } from '../provisioning/workflow';
import {
  NON_RETRYABLE_TYPES,
  ONBOARDING,
  ONBOARDING_STEPS,
  STEP_TITLES,
  activateUpdate,
  cancelUpdate,
  checklistDoneUpdate,
  progressQuery,
  tokenValidQuery,
  type OnboardingInput,
  type OnboardingResult,
  type OnboardingState,
  type OnboardingStatus,
  type OnboardingStep,
  type WaitingOn,
} from './contract';

const STEP_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 8, nonRetryableErrorTypes: NON_RETRYABLE_TYPES },
};
const UNDO_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE_TYPES },
};
const act = proxyActivities<Activities>(STEP_OPTIONS);
const undo = proxyActivities<Activities>(UNDO_OPTIONS);

/** Thrown inside the main flow when HR's cancel is seen; caught once at the top. */
class CancelRequested extends Error {}

function initialState(input: OnboardingInput): OnboardingState {
  return {
    progress: {
      status: 'provisioning',
      username: input.username,
      userId: null,
      stepsDone: [],
      waitingOn: [],
      activationLinksSent: 0,
      escalated: false,
      activatedAt: null,
      startDate: input.startDate,
      dayOneSentAt: null,
      checklist: [],
      checkIns: [],
      cancellation: null,
      compensations: [],
      error: null,
    },
    tokenHash: null,
    activationSince: null,
    lastLinkAt: null,
    cancelRequested: null,
  };
}

export async function onboardingWorkflow(input: OnboardingInput, carried?: OnboardingState): Promise<OnboardingResult> {
  const { workflowId } = workflowInfo();
  const s: OnboardingState = carried ?? initialState(input);
  const p = s.progress;
  const done = (step: OnboardingStep) => p.stepsDone.includes(step);
  const closed = () => ['completed', 'cancelled', 'cancelling', 'failed'].includes(p.status);
  tagExecution(input);

  let lastAssignees = '';
  const publish = (status?: OnboardingStatus) => {
    if (status && status !== p.status) {
      p.status = status;
      upsertSearchAttributes([{ key: SA.status, value: status }]);
    }
    p.waitingOn = waitingOn(input, s);
    const assignees = [...new Set(p.waitingOn.map((w) => w.userId))];
    if (assignees.join(',') !== lastAssignees) {
      lastAssignees = assignees.join(',');
      upsertSearchAttributes([{ key: SA.assignees, value: assignees }]);
    }
    setCurrentDetails(describe(input, s));
  };
  const stepDone = (step: OnboardingStep, status?: OnboardingStatus) => {
    if (!done(step)) p.stepsDone.push(step);
    publish(status);
  };

  setHandler(progressQuery, () => p);
  setHandler(tokenValidQuery, (hash) => s.tokenHash !== null && hash === s.tokenHash && !closed());
  setHandler(
    activateUpdate,
    ({ tokenHash }) => {
      s.tokenHash = null; // single use
      p.activatedAt = new Date(Date.now()).toISOString();
      stepDone('activation', 'in_progress');
      void tokenHash;
      return { userId: p.userId! };
    },
    {
      validator: ({ tokenHash }) => {
        if (closed() || s.cancelRequested) throw new Error('This onboarding is no longer active');
        if (done('activation')) throw new Error('The account is already activated');
        if (!s.tokenHash || tokenHash !== s.tokenHash) throw new Error('The activation link is not valid (a newer one may have been sent)');
      },
    },
  );
  setHandler(
    checklistDoneUpdate,
    ({ itemId, by }) => {
      const item = p.checklist.find((i) => i.id === itemId)!;
      if (!item.done) Object.assign(item, { done: true, doneAt: new Date(Date.now()).toISOString(), doneBy: by });
      publish();
      return item;
    },
    {
      validator: ({ itemId }) => {
        if (closed() || s.cancelRequested) throw new Error('This onboarding is no longer active');
        if (!p.checklist.some((i) => i.id === itemId)) throw new Error(`No checklist item ${itemId} (yet)`);
      },
    },
  );
  setHandler(
    cancelUpdate,
    ({ reason, by }) => {
      s.cancelRequested = { reason, by, at: new Date(Date.now()).toISOString() };
      p.cancellation = s.cancelRequested;
      publish('cancelling');
      return p;
    },
    {
      validator: (_req) => {
        if (closed() || s.cancelRequested) throw new Error(`This onboarding cannot be cancelled any more (${p.status})`);
      },
    },
  );

  const checkCancel = () => {
    if (s.cancelRequested) throw new CancelRequested();
  };
  /** Wait for `pred` (or a cancel) up to `ms`; continue-as-new when the history grows long. */
  const wait = async (pred: () => boolean, ms?: number): Promise<boolean> => {
    const ok = ms === undefined ? (await condition(() => pred() || !!s.cancelRequested), true) : await condition(() => pred() || !!s.cancelRequested, Math.max(ms, 1));
    checkCancel();
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof onboardingWorkflow>(input, s);
    }
    return ok;
  };

  publish();
  try {
    if (!done('provision')) {
      const child = await executeChild(provisionUserWorkflow, {
        workflowId: provisioningWorkflowId(input.tenantCode, input.username),
        args: [
          {
            username: input.username,
            email: input.email,
            displayName: input.displayName,
            departmentId: input.departmentId ?? null,
            positionId: input.positionId ?? null,
            roleIds: input.roleIds ?? [],
            tenantId: input.tenantId,
            tenantCode: input.tenantCode,
            requestedBy: input.requestedBy,
            sendWelcomeEmail: false,
          },
        ],
        // HR cancels through the update (the saga finishes first); a terminated parent asks the saga to undo itself.
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        staticSummary: `Provision ${input.username} (onboarding)`,
      });
      p.userId = child.userId;
      stepDone('provision');
    }
    checkCancel();

    if (!done('welcome')) {
      await sendLink(input, workflowId, s, 0);
      s.activationSince = Date.now();
      stepDone('welcome', 'awaiting_activation');
    }

    while (!done('activation')) {
      const deadline = s.activationSince! + input.timing.activationDeadlineMs;
      const nextReminder = s.lastLinkAt! + input.timing.reminderIntervalMs;
      const wakeAt = p.escalated ? nextReminder : Math.min(nextReminder, deadline);
      const activated = await wait(() => done('activation'), wakeAt - Date.now());
      if (activated) break;
      if (!p.escalated && Date.now() >= deadline) {
        await act.escalateActivation.executeWithOptions({ summary: `Escalate: ${input.username} not activated` }, [input, workflowId]);
        p.escalated = true;
        publish('activation_overdue');
      }
      if (Date.now() >= nextReminder && !done('activation')) {
        await sendLink(input, workflowId, s, p.activationLinksSent);
        publish();
      }
      checkCancel();
    }

    if (!done('checklist_created')) {
      p.checklist = await act.createOnboardingChecklist.executeWithOptions({ summary: `Checklist to-dos for ${input.username}` }, [input, workflowId, p.userId!]);
      stepDone('checklist_created', 'in_progress');
    }
    checkCancel();

    if (!done('day_one')) {
      await wait(() => false, Date.parse(input.startDate) - Date.now());
      await act.sendDayOneInfo.executeWithOptions({ summary: `Day-one information to ${input.username}` }, [input, workflowId, p.userId!]);
      p.checkIns = await act.scheduleCheckIns.executeWithOptions({ summary: `Manager check-ins for ${input.username}` }, [input, workflowId, p.userId!]);
      p.dayOneSentAt = new Date(Date.now()).toISOString();
      stepDone('day_one');
    }

    await wait(() => p.checklist.every((i) => i.done));
    stepDone('checklist_done', 'completed');
  } catch (err) {
    if (err instanceof CancelRequested) {
      await compensate(input, workflowId, s, publish);
    } else if (err instanceof TemporalFailure) {
      p.error = rootMessage(err);
      publish('failed');
      await condition(allHandlersFinished);
      throw ApplicationFailure.create({ message: `Onboarding of ${input.username} failed: ${p.error}`, type: 'OnboardingFailed', nonRetryable: true, details: [p], cause: err });
    } else {
      throw err; // a bug: fail the task, fix, resume
    }
  }
  await condition(allHandlersFinished);
  return p;
}

async function sendLink(input: OnboardingInput, workflowId: string, s: OnboardingState, n: number) {
  const { tokenHash } = await act.sendActivationLink.executeWithOptions(
    { summary: n === 0 ? `Welcome + activation link to ${input.username}` : `Activation reminder ${n} to ${input.username}` },
    [input, workflowId, s.progress.userId!, n],
  );
  if (tokenHash) s.tokenHash = tokenHash;
  s.progress.activationLinksSent = n + 1;
  s.lastLinkAt = Date.now();
}

/** HR cancelled: disable the account, remove the open to-dos; record each outcome. */
async function compensate(input: OnboardingInput, workflowId: string, s: OnboardingState, publish: (st?: OnboardingStatus) => void) {
  const p = s.progress;
  s.tokenHash = null;
  publish('cancelling');
  await CancellationScope.nonCancellable(async () => {
    if (p.userId) {
      try {
        const r = await undo.disableOnboardedUser.executeWithOptions({ summary: `Undo: disable ${input.username}` }, [input.tenantId, p.userId, input.requestedBy]);
        p.compensations.push({ action: 'disable_account', status: 'done', detail: r.disabled ? 'account disabled' : 'no account left to disable' });
      } catch (e) {
        p.compensations.push({ action: 'disable_account', status: 'failed', detail: rootMessage(e) });
      }
    }
    const todos = [
      ...p.checklist.filter((i) => i.todoId && !i.done).map((i) => ({ userId: i.userId, todoId: i.todoId! })),
      ...p.checkIns.map((c) => ({ userId: input.managerId, todoId: c.todoId })),
    ];
    if (todos.length) {
      try {
        const r = await undo.cancelOnboardingTodos.executeWithOptions({ summary: `Undo: cancel ${todos.length} to-do(s)` }, [input.tenantId, todos]);
        p.compensations.push({ action: 'cancel_todos', status: 'done', detail: `${r.cancelled} open to-do(s) removed, ${r.kept} already done kept` });
      } catch (e) {
        p.compensations.push({ action: 'cancel_todos', status: 'failed', detail: rootMessage(e) });
      }
    }
  });
  void workflowId;
  publish('cancelled');
}

function rootMessage(err: unknown): string {
  let e = err as Error;
  while (e instanceof TemporalFailure && e.cause) e = e.cause;
  return e instanceof Error ? e.message : String(err);
}

/** Who the process is waiting on right now ("waiting on whom" for the API and the UI). */
function waitingOn(input: OnboardingInput, s: OnboardingState): WaitingOn[] {
  const p = s.progress;
  if (['completed', 'cancelled', 'failed', 'cancelling'].includes(p.status)) return [];
  if (!p.stepsDone.includes('welcome')) return [{ userId: 'system', role: 'system', what: STEP_TITLES[p.stepsDone.includes('provision') ? 'welcome' : 'provision'] }];
  if (!p.stepsDone.includes('activation')) {
    const w: WaitingOn[] = [{ userId: p.userId!, role: 'new_hire', what: 'Activate the account' }];
    if (p.escalated) w.push({ userId: input.requestedBy, role: 'hr', what: 'Follow up the overdue activation' });
    return w;
  }
  return p.checklist.filter((i) => !i.done).map((i) => ({ userId: i.userId, role: i.assignee, what: i.title }));
}

function tagExecution(input: OnboardingInput) {
  if (workflowInfo().typedSearchAttributes.get(SA.process) !== undefined) return;
  upsertSearchAttributes(
    processAttributes({ tenant: input.tenantCode, process: ONBOARDING.process, businessKey: input.username, initiator: input.requestedBy, status: 'provisioning' }),
  );
}

function describe(input: OnboardingInput, s: OnboardingState): string {
  const p = s.progress;
  const lines = [
    // Username and ids only: the new hire's name, email and phone are personal data.
    `**Onboarding \`${input.username}\`** in \`${input.tenantCode}\`: ${p.status}`,
    `Start date: ${input.startDate}`,
    '',
    ...ONBOARDING_STEPS.map((st) => `- ${p.stepsDone.includes(st) ? '✅' : '⬜'} ${STEP_TITLES[st]}`),
  ];
  if (p.checklist.length) lines.push('', '**Checklist**', ...p.checklist.map((i) => `- ${i.done ? '✅' : '⬜'} ${i.title} (${i.assignee})`));
  if (p.waitingOn.length) lines.push('', `Waiting on: ${p.waitingOn.map((w) => `${w.role} \`${w.userId}\` (${w.what})`).join('; ')}`);
  if (p.escalated) lines.push('', '⚠️ Activation overdue: escalated to HR');
  if (p.cancellation) lines.push('', `Cancelled by \`${p.cancellation.by}\``);
  if (p.compensations.length) lines.push(...p.compensations.map((c) => `- ${c.status === 'done' ? '↩️' : '⚠️'} ${c.action}: ${c.detail}`));
  if (p.error) lines.push('', `Failed: ${p.error}`);
  return lines.join('\n');
}
