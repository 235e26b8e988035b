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
 *     action     a system step: grant a role, call a webhook, run a named system activity
 *   → approved / rejected / withdrawn / failed / cancelled → outcome hooks (approved / rejected)
 *
 * A returned request waits for the initiator to resubmit (the flow restarts from the start or
 * from the returning step) or to withdraw it. A rejection, return or withdrawal cancels every
 * task still open, wherever it is. Administrators intervene (interventions.ts): cancel, reassign
 * a task, retry a failed system step (the request waits `stalled` for them), send the request back
 * to a step it passed. Every user action is an Update validated synchronously;
 * every effect outside the workflow (people resolved, read model, messages) is an activity.
 *
 * This file is the process; the parts live next to it: steps/ (one runner per step kind),
 * handlers.ts (the Updates and the Query), hooks.ts (outcome hooks), engine/ (the instance's
 * state, the action rules, timers) and dsl/ (the template language, pure).
 */
import { allHandlersFinished, condition, continueAsNew, isCancellation, patched, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { SA, processAttributes } from '../search-attributes';
import { iterateSteps } from './dsl/flow';
import { APPROVAL, type ApprovalCarry, type ApprovalInput, type ApprovalResult } from './contract';
import { closeCancelled } from './cancel';
import { ApprovalInstanceState } from './engine/instance';
import { handleActions } from './handlers';
import { handleInterventions } from './interventions';
import { notifierFor } from './notify';
import { runOutcomeHooks } from './hooks';
import { PATCHES } from './patches';
import { runSequence } from './steps/sequence';

export async function approvalWorkflow(input: ApprovalInput, carry?: ApprovalCarry): Promise<ApprovalResult> {
  // The two engine patches are read first, in this order, as the runs in the histories did.
  const s = new ApprovalInstanceState(input, {
    workflowId: workflowInfo().workflowId,
    readyStrandsAreBusy: patched(PATCHES.readyStrandsAreBusy),
    projectLocally: patched(PATCHES.localProjection),
  });
  if (patched(PATCHES.notifications)) s.notifier = notifierFor(s);
  if (!patched(PATCHES.externalCancel)) return runRequest(s, input, carry);
  try {
    return await runRequest(s, input, carry);
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await closeCancelled(s);
    throw err;
  }
}

async function runRequest(s: ApprovalInstanceState, input: ApprovalInput, carry?: ApprovalCarry): Promise<ApprovalResult> {
  const { settings, flow } = input.definition;
  if (carry) {
    s.seq = carry.seq;
    s.round = carry.round;
  }
  tagExecution(input);
  handleActions(s);
  handleInterventions(s);

  if (!carry) s.event('submitted', { actorId: input.initiator.userId, data: { title: input.title, version: input.templateVersion } });
  await s.flush();

  let startAt = carry?.startAt ?? null;
  for (;;) {
    s.interruptedBy = null;
    const outcome = await runSequence(s, flow, [], startAt);
    if (s.endedByPerson()) break;
    if (outcome.kind === 'aborted' && s.adminReturnTo) {
      // An administrator sent the request back (interventions.ts): every strand has unwound; the
      // flow runs again from the top-level step holding the target, as a `returnToStep` does.
      startAt = s.adminReturnTo;
      s.adminReturnTo = null;
      continue;
    }

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
    await s.strands.waitFor(() => s.status !== 'returned');
    if (s.endedByPerson()) break;
    startAt = settings.resubmitFrom === 'returningStep' ? outcome.stepId : null;

    if (workflowInfo().continueAsNewSuggested) {
      // A round boundary: no task is open, so counters are all there is to carry.
      await s.flush();
      s.strands.done();
      await condition(allHandlersFinished);
      await s.notifier?.drained();
      await continueAsNew<typeof approvalWorkflow>({ ...input, form: s.form }, { seq: s.seq, round: s.round, startAt });
    }
  }

  await s.flush();
  s.strands.done();
  await condition(allHandlersFinished);
  // The last notices (the outcome) finish before the run closes, or they would be abandoned.
  await s.notifier?.drained();
  return { status: s.status as ApprovalResult['status'], rounds: s.round, reason: s.reason };
}

function finish(s: ApprovalInstanceState, status: 'approved' | 'rejected' | 'failed', reason: string | null) {
  s.setStatus(status, reason);
  s.event('completed', { data: { outcome: status, reason } });
}

// ───────────────────────────────────────────── visibility

/** Search attributes are set by the API at start; a run started another way gets them here. */
function tagExecution(input: ApprovalInput) {
  if (workflowInfo().typedSearchAttributes.get(SA.process) !== undefined) return;
  upsertSearchAttributes(
    processAttributes({
      tenant: input.tenantCode,
      process: APPROVAL.process,
      businessKey: input.instanceId,
      template: input.definition.key,
      initiator: input.initiator.userId,
      status: 'running',
      // Absent in every run that existed before serial numbers: those upsert exactly what they did.
      serialNumber: input.serialNumber,
    }),
  );
}

function stepName(input: ApprovalInput, stepId: string): string {
  for (const { step } of iterateSteps(input.definition.flow)) if (step.id === stepId) return `"${step.name}"`;
  return stepId;
}

