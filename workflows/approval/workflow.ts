/**
 * The approval process. ONE workflow type interprets the template version pinned at submit:
 *
 *   submitted → the flow's steps, in order:
 *     approval   people are asked (sequential / countersign / or-sign / vote); a rejection
 *                rejects the request, returns it to the initiator, or goes back to a step
 *     cc         people are copied (a "cc" inbox item), nobody waits for them
 *     condition  the first branch whose condition holds (else the default) runs
 *     parallel   every branch runs; the step ends when all have finished
 *     delay      wait a duration or until a date of the form
 *   → approved / rejected / withdrawn / failed
 *
 * A returned request waits for the initiator to resubmit (the flow restarts from the start or
 * from the returning step) or to withdraw it. A rejection, return or withdrawal cancels every
 * task still open, wherever it is. Every user action is an Update validated synchronously;
 * every effect outside the workflow (people resolved, read model, messages) is an activity.
 */
import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  ParentClosePolicy,
  patched,
  startChild,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../../activities';
import { SA } from '../search-attributes';
import type { ActionStep, ApprovalStep, CcStep, ConditionStep, DelayStep, Hook, ParallelStep, Step } from './dsl/template';
import { resolveMapping, resolveValue, type ValueScope } from './dsl/values';
import { GRANT_ROLE_PROCESS, grantRoleSagaWorkflow, grantRoleSagaWorkflowId } from './grant-role-saga';
import { chooseBranch, iterateSteps } from './dsl/flow';
import { describeCondition } from './dsl/conditions';
import { parseDuration } from './dsl/durations';
import { HOOK_WORKFLOW_TYPES } from './dsl/system-actions';
import {
  APPROVAL_PROCESS,
  addSignUpdate,
  approveUpdate,
  confirmUpdate,
  delegateUpdate,
  removeSignUpdate,
  commentUpdate,
  rejectUpdate,
  resubmitUpdate,
  stateQuery,
  takeBackUpdate,
  transferUpdate,
  urgeUpdate,
  withdrawUpdate,
  type ActionResult,
  type ApprovalCarry,
  type ApprovalInput,
  type ApprovalResult,
} from './contract';
import { ApprovalInstanceState, type StepRun } from './engine/instance';
import { enforce, mayAddSign, mayComment, mayConfirm, mayDecide, mayDelegate, mayRemoveSign, mayResubmit, mayTakeBack, mayTransfer, mayUrge, mayWithdraw } from './engine/rules';
import { StepTimers } from './engine/timers';

const people = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 10, nonRetryableErrorTypes: ['validation_failed', 'not_found'] },
});

/** How a piece of the flow ended. */
type Outcome =
  | { kind: 'passed'; approvers: string[] }
  | { kind: 'rejected'; stepId: string }
  | { kind: 'returned'; stepId: string }
  | { kind: 'returnTo'; stepId: string; target: string }
  | { kind: 'failed'; stepId: string; reason: string }
  /** Another strand ended the flow (a rejection elsewhere, a withdrawal). */
  | { kind: 'aborted' };

export async function approvalWorkflow(input: ApprovalInput, carry?: ApprovalCarry): Promise<ApprovalResult> {
  const s = new ApprovalInstanceState(input);
  const { settings, flow } = input.definition;
  if (carry) {
    s.seq = carry.seq;
    s.round = carry.round;
  }
  tagExecution(input);
  handleActions(s);

  if (!carry) s.event('submitted', { actorId: input.initiator.userId, data: { title: input.title, version: input.templateVersion } });
  await s.flush();

  let startAt = carry?.startAt ?? null;
  for (;;) {
    s.interruptedBy = null;
    const outcome = await runSequence(s, flow, [], startAt);
    if (s.isWithdrawn()) break;

    if (outcome.kind === 'passed') {
      finish(s, 'approved', null);
      await runOutcomeHooks(s, 'onApproved');
      break;
    }
    if (outcome.kind === 'rejected') {
      finish(s, 'rejected', `Rejected at ${stepName(input, outcome.stepId)}`);
      await runOutcomeHooks(s, 'onRejected');
      break;
    }
    if (outcome.kind === 'failed' || outcome.kind === 'aborted') {
      finish(s, 'failed', outcome.kind === 'failed' ? outcome.reason : 'The flow ended without a decision');
      break;
    }
    if (outcome.kind === 'returnTo') {
      // Back to an earlier approval step: the flow runs again from the top-level step holding it.
      s.event('sent_back', { stepId: outcome.stepId, data: { to: outcome.target, toName: stepName(input, outcome.target) } });
      startAt = outcome.target;
      continue;
    }

    // Returned to the initiator: they edit and resubmit, or withdraw.
    s.setStatus('returned', `Returned at ${stepName(input, outcome.stepId)}`);
    s.event('returned', { stepId: outcome.stepId, data: { stepName: stepName(input, outcome.stepId) } });
    await s.flush();
    await s.waitFor(() => s.status !== 'returned');
    if (s.isWithdrawn()) break;
    startAt = settings.resubmitFrom === 'returningStep' ? outcome.stepId : null;

    if (workflowInfo().continueAsNewSuggested) {
      // A round boundary: no task is open, so counters are all there is to carry.
      await s.flush();
      s.done();
      await condition(allHandlersFinished);
      await continueAsNew<typeof approvalWorkflow>({ ...input, form: s.form }, { seq: s.seq, round: s.round, startAt });
    }
  }

  await s.flush();
  s.done();
  await condition(allHandlersFinished);
  return { status: s.status as ApprovalResult['status'], rounds: s.round, reason: s.reason };
}

const HOOK_WORKFLOWS = new Set(HOOK_WORKFLOW_TYPES);

/**
 * Outcome hooks: durable follow-up work started as child workflows with business-key ids. They
 * outlive the request (ABANDON), so the request finishes at once; their ids are on the timeline.
 */
async function runOutcomeHooks(s: ApprovalInstanceState, which: 'onApproved' | 'onRejected') {
  const { input } = s;
  const hooks = input.definition.hooks?.[which] ?? [];
  // Requests that finished before hooks were run did not run them; on replay they still do not.
  if (!hooks.length || !patched('approval-outcome-hooks')) return;
  const scope = valueScope(s);
  scope.instance.outcome = s.status;
  // Activity hooks were skipped before they were supported; requests that finished so keep it.
  const activityHooks = hooks.some((h) => h.kind === 'activity') && patched('approval-activity-hooks');
  for (const [index, hook] of hooks.entries()) {
    if (hook.kind === 'activity' && activityHooks) {
      await runActivityHook(s, which, index, hook, scope);
      continue;
    }
    if (hook.kind !== 'childWorkflow' || !HOOK_WORKFLOWS.has(hook.workflowType)) {
      s.event('hook_skipped', { data: { index, kind: hook.kind, name: hook.kind === 'childWorkflow' ? hook.workflowType : hook.name, reason: 'not supported by this engine version' } });
      continue;
    }
    const values = resolveMapping(hook.input, scope);
    const userId = typeof values.userId === 'string' && values.userId ? values.userId : input.initiator.userId;
    const roleCode = typeof values.roleCode === 'string' ? values.roleCode.trim() : '';
    if (!roleCode) {
      s.event('hook_failed', { data: { index, workflowType: hook.workflowType, reason: 'no role code' } });
      continue;
    }
    const workflowId = grantRoleSagaWorkflowId(input.tenantCode, input.instanceId, index);
    try {
      await startChild(grantRoleSagaWorkflow, {
        workflowId,
        args: [{ tenantId: input.tenantId, tenantCode: input.tenantCode, userId, roleCode, requestId: input.instanceId, until: typeof values.until === 'string' ? values.until : null }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        staticSummary: `Grant role ${roleCode} — ${input.title}`,
        typedSearchAttributes: [
          { key: SA.tenant, value: input.tenantCode },
          { key: SA.process, value: GRANT_ROLE_PROCESS },
          { key: SA.businessKey, value: input.instanceId },
          { key: SA.initiator, value: input.initiator.userId },
          { key: SA.status, value: 'granting' },
        ],
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    s.event('hook_started', { data: { index, workflowType: hook.workflowType, workflowId, userId, roleCode } });
  }
}

/** An activity hook: the request is already decided, so a failure is recorded, not fatal. */
async function runActivityHook(s: ApprovalInstanceState, which: string, index: number, hook: Extract<Hook, { kind: 'activity' }>, scope: ValueScope) {
  try {
    const { ref } = await systemSteps.runApprovalSystemActivity.executeWithOptions({ summary: `${which} hook: ${hook.name}` }, [
      { tenantId: s.input.tenantId, name: hook.name, input: resolveMapping(hook.args, scope), initiatorId: s.input.initiator.userId, key: `${s.workflowId}:hook:${which}:${index}` },
    ]);
    s.event('hook_done', { data: { index, kind: 'activity', name: hook.name, ref } });
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    s.event('hook_failed', { data: { index, kind: 'activity', name: hook.name, reason: err.cause?.message ?? err.message } });
  }
}

function finish(s: ApprovalInstanceState, status: 'approved' | 'rejected' | 'failed', reason: string | null) {
  s.setStatus(status, reason);
  s.event('completed', { data: { outcome: status, reason } });
}

// ───────────────────────────────────────────── the flow

/**
 * Run steps in order. `startAt` (top level only) skips to the step that holds a given step id:
 * how a resubmission or a "send back" resumes. `approvers` = who approved the approval step
 * just before, for the repeated-approver auto-pass.
 */
async function runSequence(s: ApprovalInstanceState, steps: readonly Step[], approvers: string[], startAt: string | null = null): Promise<Outcome> {
  let from = 0;
  if (startAt) {
    const i = steps.findIndex((step) => [...iterateSteps([step])].some((loc) => loc.step.id === startAt));
    if (i >= 0) from = i;
  }
  let previous = approvers;
  for (const step of steps.slice(from)) {
    if (s.interruptedFor(null)) return { kind: 'aborted' };
    const outcome = await runStep(s, step, previous);
    if (outcome.kind !== 'passed') return outcome;
    // Only an approval step changes who "approved just before"; cc and delay steps do not.
    if (step.kind === 'approval') previous = outcome.approvers;
    else if (step.kind === 'parallel') previous = [];
    else if (step.kind === 'condition') previous = outcome.approvers;
  }
  return { kind: 'passed', approvers: previous };
}

function runStep(s: ApprovalInstanceState, step: Step, approvers: string[]): Promise<Outcome> {
  switch (step.kind) {
    case 'approval':
      return runApproval(s, step, approvers);
    case 'cc':
      return runCc(s, step, approvers);
    case 'condition':
      return runCondition(s, step, approvers);
    case 'parallel':
      return runParallel(s, step);
    case 'delay':
      return runDelay(s, step, approvers);
    case 'action':
      // Runs that reached an action step before it was supported failed there; they still do.
      if (patched('approval-action-steps')) return runAction(s, step, approvers);
      return Promise.resolve({ kind: 'failed', stepId: step.id, reason: `Step "${step.name}": action steps (${step.action}) are not supported yet` });
  }
}

const systemSteps = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5, nonRetryableErrorTypes: ['validation_failed', 'not_found'] },
});

function valueScope(s: ApprovalInstanceState): ValueScope {
  const { input } = s;
  return {
    form: s.form,
    initiator: { id: input.initiator.userId, department: input.initiator.departmentId, position: input.initiator.positionCode, roles: input.initiator.roleCodes },
    instance: { id: input.instanceId },
    template: { key: input.definition.key, version: input.templateVersion },
  };
}

/** A system step: grant a role, call a webhook, or run one of the named system activities. */
async function runAction(s: ApprovalInstanceState, step: ActionStep, approvers: string[]): Promise<Outcome> {
  const key = `${s.workflowId}:${step.id}:${s.round}`;
  switch (step.action) {
    case 'grantRole': {
      const scope = valueScope(s);
      const roleCode = resolveValue(step.args.roleCode, scope);
      const userId = step.args.userId ? resolveValue(step.args.userId, scope) : s.input.initiator.userId;
      if (typeof roleCode !== 'string' || !roleCode || typeof userId !== 'string' || !userId) {
        return fail(s, step, `Step "${step.name}": no role or user to grant (role ${JSON.stringify(roleCode)}, user ${JSON.stringify(userId)})`);
      }
      return systemStep(s, step, approvers, 'the role could not be granted', async () => {
        const { granted } = await systemSteps.grantApprovalRole.executeWithOptions({ summary: `Grant role ${roleCode}` }, [{ tenantId: s.input.tenantId, userId, roleCode, grantedBy: s.workflowId }]);
        return { userId, roleCode, granted };
      });
    }
    case 'webhook':
    case 'activity':
      // Runs that reached a webhook or activity step before these were supported failed there; they still do.
      if (!patched('approval-webhook-activity-steps')) return fail(s, step, `Step "${step.name}": ${step.action} action steps are not supported yet`);
      if (step.action === 'webhook') {
        const { url, method } = step.args;
        const body = resolveMapping(step.args.body, valueScope(s));
        return systemStep(s, step, approvers, 'the webhook failed', async () => {
          const { status } = await systemSteps.callApprovalWebhook.executeWithOptions({ summary: `${method} ${url}` }, [
            { tenantId: s.input.tenantId, url, method, body, key, instanceId: s.input.instanceId, stepId: step.id },
          ]);
          return { url, status };
        });
      } else {
        const { name } = step.args;
        const input = resolveMapping(step.args.input, valueScope(s));
        return systemStep(s, step, approvers, `${name} failed`, async () => {
          const { ref } = await systemSteps.runApprovalSystemActivity.executeWithOptions({ summary: `${name} (${step.name})` }, [
            { tenantId: s.input.tenantId, name, input, initiatorId: s.input.initiator.userId, key },
          ]);
          return { name, ref };
        });
      }
  }
}

/**
 * Run a system step's activity: its failure fails the request (with `failure` as the reason),
 * its result goes on the timeline as `action_done`, and the flow moves on.
 */
async function systemStep(s: ApprovalInstanceState, step: ActionStep, approvers: string[], failure: string, call: () => Promise<Record<string, unknown>>): Promise<Outcome> {
  let result;
  try {
    result = await call();
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    return fail(s, step, `Step "${step.name}": ${failure}: ${err.cause?.message ?? err.message}`);
  }
  if (s.interruptedFor(null)) return { kind: 'aborted' };
  s.event('action_done', { stepId: step.id, data: { stepName: step.name, action: step.action, ...result } });
  await s.flush();
  return { kind: 'passed', approvers };
}

async function runApproval(s: ApprovalInstanceState, step: ApprovalStep, approvers: string[]): Promise<Outcome> {
  const { input } = s;
  let resolution;
  try {
    resolution = await people.resolveApprovalAssignees.executeWithOptions({ summary: `Who approves "${step.name}"` }, [
      { tenantId: input.tenantId, step, settings: input.definition.settings, initiator: input.initiator, form: s.form, selections: input.selections, previousApprovers: approvers },
    ]);
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    return fail(s, step, `The approvers of "${step.name}" could not be determined: ${err.cause?.message ?? err.message}`);
  }
  if (s.interruptedFor(step.id)) return { kind: 'aborted' };

  switch (resolution.outcome) {
    case 'failed':
    case 'awaitingSelection':
      return fail(s, step, resolution.notes.join('; ') || `Nobody can approve "${step.name}"`);
    case 'autoRejected':
      s.event('step_rejected', { stepId: step.id, data: { stepName: step.name, automatic: true, notes: resolution.notes } });
      s.interrupt(step.id, `cancelled: ${step.name} rejected`);
      await s.flush();
      return afterRejection(step);
    case 'autoApproved':
      if (!resolution.assignees.length) {
        s.event('step_approved', { stepId: step.id, data: { stepName: step.name, automatic: true, notes: resolution.notes } });
        await s.flush();
        return { kind: 'passed', approvers: [] };
      }
  }

  const run = s.openStep(step, resolution.assignees);
  if (resolution.notes.length) s.event('note', { stepId: step.id, data: { notes: resolution.notes } });
  await s.flush();

  const timers = new StepTimers(step.time, run.enteredAt);
  while (!run.decision && !s.interruptedFor(step.id)) {
    const acted = await s.waitFor(() => run.decision !== null || s.interruptedFor(step.id), timers.next());
    if (!acted) await onStepTimer(s, run, timers);
  }
  s.leaveStep(run);
  if (s.interruptedFor(step.id)) return { kind: 'aborted' };
  // An approver of the step before took their approval back: the flow returns there.
  if (run.takenBackTo) return { kind: 'returnTo', stepId: step.id, target: run.takenBackTo };
  if (run.decision === 'approved') {
    const approved = s.tasksOf(run).filter((t) => t.status === 'approved');
    if (s.parallelDepth === 0) s.lastPassed = { stepId: step.id, taskIds: approved.filter((t) => !t.autoApproved).map((t) => t.id) };
    return { kind: 'passed', approvers: approved.map((t) => t.assigneeId) };
  }
  return afterRejection(step);
}

/** Where a rejected step leads, by its `onReject` policy. */
function afterRejection(step: ApprovalStep): Outcome {
  switch (step.onReject.type) {
    case 'rejectInstance':
      return { kind: 'rejected', stepId: step.id };
    case 'returnToInitiator':
      return { kind: 'returned', stepId: step.id };
    case 'returnToStep':
      return { kind: 'returnTo', stepId: step.id, target: step.onReject.stepId };
  }
}

/** Reminders nudge the holders; the timeout applies the step's timeout action. All on the timeline. */
async function onStepTimer(s: ApprovalInstanceState, run: StepRun, timers: StepTimers) {
  const { step } = run;
  const due = timers.due(Date.now());
  const holders = s.tasksOf(run).filter((t) => t.status === 'open');
  if (due === 'remind') {
    s.event('reminded', { stepId: step.id, data: { userIds: holders.map((t) => t.assigneeId), count: timers.remindersSent } });
    await notify(s, holders.map((t) => t.assigneeId), `Reminder: "${s.input.title}" waits for you`, `The step "${step.name}" is waiting for your decision.`);
  } else if (due === 'timeout') {
    const action = step.time?.timeoutAction ?? { type: 'notifyAdmin' as const };
    s.event('timed_out', { stepId: step.id, data: { action: action.type, holders: holders.map((t) => t.assigneeId) } });
    if (action.type === 'approve' || action.type === 'reject') {
      s.decideStepBySystem(run, action.type === 'approve' ? 'approved' : 'rejected', `timed out, ${action.type === 'approve' ? 'approved' : 'rejected'} automatically`);
    } else if (action.type === 'escalate') {
      const targets = await people.resolveEscalation({ tenantId: s.input.tenantId, holderIds: holders.map((t) => t.assigneeId), to: action.to, roleCode: action.roleCode ?? null });
      for (const task of holders) {
        const to = targets[task.assigneeId];
        const taken = s.tasksOf(run).some((t) => t.assigneeId === to && (t.status === 'open' || t.status === 'waiting'));
        if (to && to !== task.assigneeId && !taken) s.transferTask({ taskId: task.id, actorId: null }, to, 'escalated');
      }
      s.settle(run);
    } else {
      await people.notifyTenantAdmins({
        tenantId: s.input.tenantId,
        title: `Overdue approval: "${s.input.title}"`,
        body: `The step "${step.name}" timed out waiting for ${holders.length} approver(s).`,
        dedupeKey: `${s.workflowId}:${s.seq}`,
      });
    }
  }
  await s.flush();
}

async function notify(s: ApprovalInstanceState, userIds: string[], title: string, body: string) {
  if (!userIds.length) return;
  await people.notifyApprovalUsers({ tenantId: s.input.tenantId, userIds, title, body, dedupeKey: `${s.workflowId}:${s.seq}` });
}

async function fail(s: ApprovalInstanceState, step: Step, reason: string): Promise<Outcome> {
  s.event('step_failed', { stepId: step.id, data: { stepName: step.name, reason } });
  s.interrupt(step.id, `cancelled: ${reason}`);
  await s.flush();
  return { kind: 'failed', stepId: step.id, reason };
}

async function runCc(s: ApprovalInstanceState, step: CcStep, approvers: string[]): Promise<Outcome> {
  const { input } = s;
  const recipients = await people.resolveCcRecipients.executeWithOptions({ summary: `Who is copied at "${step.name}"` }, [
    { tenantId: input.tenantId, step, initiator: input.initiator, form: s.form, selections: input.selections },
  ]);
  if (s.interruptedFor(null)) return { kind: 'aborted' };
  for (const r of recipients) s.newTask(step, 'cc', r.userId, 'cc', 0, { actedAt: null });
  s.event('cc', { stepId: step.id, data: { stepName: step.name, recipients } });
  await s.flush();
  return { kind: 'passed', approvers };
}

async function runCondition(s: ApprovalInstanceState, step: ConditionStep, approvers: string[]): Promise<Outcome> {
  const choice = chooseBranch(step, { form: s.form, initiator: s.input.initiator });
  if (!choice) return fail(s, step, `No branch of "${step.name}" matched and there is no default`);
  const why = typeof choice.index === 'number' ? describeCondition(step.branches[choice.index].when) : 'no condition matched (default)';
  s.event('branch', { stepId: step.id, data: { branchId: choice.branch.id, branchName: choice.branch.name, why } });
  return runSequence(s, choice.branch.steps, approvers);
}

async function runParallel(s: ApprovalInstanceState, step: ParallelStep): Promise<Outcome> {
  s.event('parallel', { stepId: step.id, data: { branches: step.branches.map((b) => b.id) } });
  const n = step.branches.length;
  s.fork(n);
  s.parallelDepth++;
  s.lastPassed = null;
  const outcomes = await Promise.all(step.branches.map((b) => runSequence(s, b.steps, []).finally(() => s.branchDone())));
  s.parallelDepth--;
  s.join();
  // The branch that ended the flow decides; the others merely unwound.
  const decisive = outcomes.find((o) => o.kind !== 'passed' && o.kind !== 'aborted') ?? outcomes.find((o) => o.kind === 'aborted');
  if (decisive) return decisive;
  s.event('joined', { stepId: step.id });
  return { kind: 'passed', approvers: [] };
}

async function runDelay(s: ApprovalInstanceState, step: DelayStep, approvers: string[]): Promise<Outcome> {
  const until = delayUntil(step, s.form);
  if (until !== null && until > Date.now()) {
    s.event('waiting', { stepId: step.id, data: { until: new Date(until).toISOString() } });
    await s.flush();
    await s.waitFor(() => s.interruptedFor(null), until);
    if (s.interruptedFor(null)) return { kind: 'aborted' };
  }
  return { kind: 'passed', approvers };
}

function delayUntil(step: DelayStep, form: Record<string, unknown>): number | null {
  if (step.duration) return Date.now() + parseDuration(step.duration);
  const v = step.untilField ? form[step.untilField] : undefined;
  const date = typeof v === 'string' ? v : v && typeof v === 'object' ? (v as { start?: string }).start : undefined;
  return date ? Date.parse(`${date}T00:00:00Z`) : null;
}

// ───────────────────────────────────────────── actions

/**
 * Every action: the validator decides synchronously whether it may happen; the handler applies
 * it synchronously, writes the read model, and answers once the flow has reacted (the next step
 * assigned, the request finished…), so the caller sees the state their action led to.
 */
function handleActions(s: ApprovalInstanceState) {
  const settled = async (): Promise<ActionResult> => {
    s.kick();
    await s.flush();
    await condition(() => s.idle());
    return s.result();
  };

  setHandler(
    approveUpdate,
    (a) => {
      s.decideTask(a, 'approved');
      return settled();
    },
    { validator: (a) => enforce(mayDecide(s, a)) },
  );

  setHandler(
    rejectUpdate,
    (a) => {
      s.decideTask(a, 'rejected');
      return settled();
    },
    { validator: (a) => enforce(mayDecide(s, a)) },
  );

  setHandler(
    transferUpdate,
    (a) => {
      s.transferTask(a, a.toUserId);
      return settled();
    },
    { validator: (a) => enforce(mayTransfer(s, a)) },
  );

  setHandler(
    addSignUpdate,
    (a) => {
      s.addSigners(a, a.userIds, a.position);
      return settled();
    },
    { validator: (a) => enforce(mayAddSign(s, a)) },
  );

  setHandler(
    removeSignUpdate,
    (a) => {
      s.removeSigner(a);
      return settled();
    },
    { validator: (a) => enforce(mayRemoveSign(s, a)) },
  );

  setHandler(
    delegateUpdate,
    (a) => {
      s.delegateTask(a, a.toUserId);
      return settled();
    },
    { validator: (a) => enforce(mayDelegate(s, a)) },
  );

  setHandler(
    takeBackUpdate,
    (a) => {
      s.takeBack(a);
      return settled();
    },
    { validator: (a) => enforce(mayTakeBack(s, a)) },
  );

  setHandler(
    confirmUpdate,
    (a) => {
      const seat = s.tasks.get(a.taskId)!;
      const delegation = s.delegationOf(seat)!;
      s.event('confirmed', { stepId: seat.stepId, taskId: seat.id, actorId: a.actorId, data: { delegateId: delegation.assigneeId, vote: delegation.status } });
      s.decideTask({ ...a, comment: a.comment ?? delegation.comment ?? undefined }, delegation.status as 'approved' | 'rejected');
      return settled();
    },
    { validator: (a) => enforce(mayConfirm(s, a)) },
  );

  setHandler(
    commentUpdate,
    (a) => {
      s.event('commented', { taskId: a.taskId ?? null, stepId: a.taskId ? s.tasks.get(a.taskId)!.stepId : null, actorId: a.actorId, data: { comment: a.comment ?? '' } });
      return settled();
    },
    { validator: (a) => enforce(mayComment(s, a.actorId, a.taskId)) },
  );

  setHandler(
    withdrawUpdate,
    (a) => {
      s.interrupt('(withdrawn)', 'cancelled: withdrawn by the initiator');
      s.setStatus('withdrawn', 'Withdrawn by the initiator');
      s.event('withdrawn', { actorId: a.actorId, data: { comment: a.comment ?? null } });
      return settled();
    },
    { validator: (a) => enforce(mayWithdraw(s, a.actorId)) },
  );

  setHandler(
    resubmitUpdate,
    (a) => {
      if (a.form) s.form = a.form;
      s.round++;
      s.setStatus('running');
      s.event('resubmitted', { actorId: a.actorId, data: { round: s.round, comment: a.comment ?? null, formChanged: !!a.form } });
      return settled();
    },
    { validator: (a) => enforce(mayResubmit(s, a.actorId)) },
  );

  setHandler(
    urgeUpdate,
    async (a) => {
      s.lastUrgeAt = Date.now();
      const holders = s.currentAssigneeIds();
      s.event('urged', { actorId: a.actorId, data: { userIds: holders, comment: a.comment ?? null } });
      await notify(s, holders, `Please look at "${s.input.title}"`, a.comment ?? `${s.input.initiator.displayName} is waiting for your decision.`);
      return settled();
    },
    { validator: (a) => enforce(mayUrge(s, a.actorId, Date.now())) },
  );

  setHandler(stateQuery, () => s.result());
}

// ───────────────────────────────────────────── visibility

/** Search attributes are set by the API at start; a run started another way gets them here. */
function tagExecution(input: ApprovalInput) {
  if (workflowInfo().typedSearchAttributes.get(SA.process) !== undefined) return;
  upsertSearchAttributes([
    { key: SA.tenant, value: input.tenantCode },
    { key: SA.process, value: APPROVAL_PROCESS },
    { key: SA.businessKey, value: input.instanceId },
    { key: SA.template, value: input.definition.key },
    { key: SA.initiator, value: input.initiator.userId },
    { key: SA.status, value: 'running' },
  ]);
}

function stepName(input: ApprovalInput, stepId: string): string {
  for (const { step } of iterateSteps(input.definition.flow)) if (step.id === stepId) return `"${step.name}"`;
  return stepId;
}

