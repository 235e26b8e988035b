/**
 * An approval step: the people are resolved (an activity, so history records who), their tasks
 * open, and the step waits for their decisions under its mode, with reminders and a timeout.
 */
import { ActivityFailure, patched } from '@temporalio/workflow';
import type { ApprovalStep } from '../dsl/template';
import type { ApprovalInstanceState, StepRun } from '../engine/instance';
import { decideStepBySystem, leaveStep, openStep, settle } from '../engine/step-runs';
import { transferTask } from '../engine/task-actions';
import { StepTimers, usesWorkingDays } from '../engine/timers';
import { PATCHES } from '../patches';
import type { WorkingCalendar } from '../dsl/calendar';
import { notify, people } from '../proxies';
import { fail, type Outcome } from './outcome';

export async function runApproval(s: ApprovalInstanceState, step: ApprovalStep, approvers: string[]): Promise<Outcome> {
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

  const run = openStep(s, step, resolution.assignees);
  if (resolution.notes.length) s.event('note', { stepId: step.id, data: { notes: resolution.notes } });
  await s.flush();

  const timers = new StepTimers(step.time, run.enteredAt, calendarFor(s, step));
  while (!run.decision && !s.interruptedFor(step.id)) {
    const acted = await s.strands.waitFor(() => run.decision !== null || s.interruptedFor(step.id), timers.next());
    if (!acted) await onStepTimer(s, run, timers);
  }
  leaveStep(s, run);
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

/**
 * The working calendar a step's timers count on: the snapshot in the input (taken at submit). Only
 * steps with a working-day duration ask, and they record the patch marker: such templates could
 * not be published before, so no earlier history reaches this point (the marker documents that
 * the run counted working days on its input's calendar).
 */
function calendarFor(s: ApprovalInstanceState, step: ApprovalStep): WorkingCalendar | null {
  if (!usesWorkingDays(step.time)) return null;
  return patched(PATCHES.workingDayDurations) ? (s.input.calendar ?? null) : null;
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
      decideStepBySystem(s, run, action.type === 'approve' ? 'approved' : 'rejected', `timed out, ${action.type === 'approve' ? 'approved' : 'rejected'} automatically`);
    } else if (action.type === 'escalate') {
      const targets = await people.resolveEscalation({ tenantId: s.input.tenantId, holderIds: holders.map((t) => t.assigneeId), to: action.to, roleCode: action.roleCode ?? null });
      for (const task of holders) {
        const to = targets[task.assigneeId];
        const taken = s.tasksOf(run).some((t) => t.assigneeId === to && (t.status === 'open' || t.status === 'waiting'));
        if (to && to !== task.assigneeId && !taken) transferTask(s, { taskId: task.id, actorId: null }, to, 'escalated');
      }
      settle(s, run);
    } else if (!s.notifier) {
      // With notifications on, the notifier tells the administrators (in-app and mail) from the timeline.
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
