/**
 * One reminder workflow per dated to-do (see contract.ts).
 *
 *   wait until (due − lead) → remind → wait until due → overdue notice [→ repeat …] → finish
 *
 * A `reschedule` signal (new due time or timing) starts the cycle again from the new timing; a
 * `cancel` signal (completed, deleted, due time cleared) ends it. No polling: durable timers and
 * signals only. Notices are keyed by the due time, so a notice already sent for a due time is
 * never sent twice, even across reschedules back and forth.
 */
import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { SA } from '../search-attributes';
import {
  cancelSignal,
  overdueStep,
  reminderStateQuery,
  reminderStep,
  rescheduleSignal,
  type ReminderResult,
  type ReminderState,
  type ReminderStatus,
  type ReminderTiming,
  type TodoReminderInput,
} from './contract';

/** Failed deliveries are retried with backoff, a bounded number of times, then recorded as failed. */
const notifyActs = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 5, nonRetryableErrorTypes: ['user_not_found', 'dedupe_key_conflict'] },
});

const sameTiming = (a: ReminderTiming, b: ReminderTiming) =>
  a.dueAt === b.dueAt && a.leadMs === b.leadMs && a.repeatMs === b.repeatMs && a.maxOverdue === b.maxOverdue;

export async function todoReminderWorkflow(input: TodoReminderInput): Promise<ReminderResult> {
  const { workflowId } = workflowInfo();
  let timing = input.timing;
  const state: ReminderState = {
    status: 'waiting',
    dueAt: timing.dueAt,
    generation: 0,
    remindersSent: 0,
    overdueSent: 0,
    failures: 0,
    cancelReason: null,
  };
  setHandler(rescheduleSignal, (next) => {
    if (state.cancelReason !== null || sameTiming(next, timing)) return;
    timing = next;
    state.dueAt = next.dueAt;
    state.generation += 1;
  });
  setHandler(cancelSignal, ({ reason }) => {
    state.cancelReason ??= reason;
  });
  setHandler(reminderStateQuery, () => state);

  const publish = (status: ReminderStatus) => {
    if (status !== state.status) upsertSearchAttributes([{ key: SA.status, value: status }]);
    state.status = status;
    const lines = [
      `**To-do reminder** for \`${input.todoId}\``,
      `- due: ${timing.dueAt}`,
      `- status: ${status}${state.cancelReason ? ` (${state.cancelReason})` : ''}`,
      `- reminders sent: ${state.remindersSent}, overdue notices: ${state.overdueSent}, failed: ${state.failures}`,
    ];
    setCurrentDetails(lines.join('\n'));
  };
  publish('waiting');

  const notify = async (type: 'todo_reminder' | 'todo_overdue', step: string, sequence: number): Promise<boolean> => {
    try {
      const { skipped } = await notifyActs.sendTodoNotification.executeWithOptions(
        { summary: `${type === 'todo_reminder' ? 'Reminder' : `Overdue notice ${sequence}`} for to-do ${input.todoId}` },
        [{ tenantId: input.tenantId, todoId: input.todoId, type, dedupeBase: `${workflowId}:${step}`, dueAt: timing.dueAt, sequence }],
      );
      return !skipped;
    } catch (err) {
      // Gave up after the retries: the delivery ledger shows it as failed; keep the reminder alive.
      if (!(err instanceof ActivityFailure)) throw err;
      state.failures += 1;
      return false;
    }
  };

  for (;;) {
    if (state.cancelReason !== null) break;
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof todoReminderWorkflow>({ ...input, timing });
    }
    const generation = state.generation;
    const changed = () => state.cancelReason !== null || state.generation !== generation;
    /** Wait until `at` (epoch ms); false when a signal changed the plan first. */
    const waitUntil = async (at: number): Promise<boolean> => {
      const ms = at - Date.now();
      if (ms > 0) return !(await condition(changed, ms));
      return !changed();
    };
    const due = Date.parse(timing.dueAt);

    if (due > Date.now()) {
      publish('waiting');
      if (!(await waitUntil(due - timing.leadMs))) continue;
      if (timing.leadMs > 0 && (await notify('todo_reminder', reminderStep(due), 1))) state.remindersSent += 1;
      publish('reminded');
      if (!(await waitUntil(due))) continue;
    }
    let interrupted = false;
    for (let n = 1; n <= Math.max(1, timing.maxOverdue); n++) {
      if (n > 1) {
        if (!timing.repeatMs) break;
        if (!(await waitUntil(Date.now() + timing.repeatMs))) {
          interrupted = true;
          break;
        }
      }
      if (changed()) {
        interrupted = true;
        break;
      }
      if (await notify('todo_overdue', overdueStep(due, n), n)) state.overdueSent += 1;
      publish('overdue');
    }
    if (interrupted) continue;
    // Everything for this due time is out. A signal that raced with the last notice restarts the loop.
    if (!changed()) break;
  }

  await condition(allHandlersFinished);
  const outcome = state.cancelReason !== null ? 'cancelled' : 'finished';
  publish(outcome);
  return { outcome, state };
}
