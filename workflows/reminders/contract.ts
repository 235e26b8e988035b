/**
 * The to-do reminder workflow's contract, shared by the API side (which starts and signals it)
 * and the workflow. Safe to import from workflow code: no Node APIs.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import { defineProcess, prefixedIds } from '../process';
import type { todoReminderWorkflow } from './workflow';

export const TODO_REMINDER_WORKFLOW_TYPE = 'todoReminderWorkflow';
export const REMINDER_PROCESS = 'reminder';

/** One workflow per to-do: `todo-reminder:<tenant code>:<todo id>`, (re)started by signal-with-start. */
export const TODO_REMINDER = defineProcess<typeof todoReminderWorkflow>({
  workflowType: TODO_REMINDER_WORKFLOW_TYPE,
  process: REMINDER_PROCESS,
  resource: 'reminder',
  ...prefixedIds('todo-reminder'),
  policies: { conflict: 'USE_EXISTING', reuse: 'ALLOW_DUPLICATE' },
});
export const todoReminderWorkflowId = (tenantCode: string, todoId: string) => TODO_REMINDER.workflowId(tenantCode, todoId);

/** When to notify, all from data (user preferences), so tests use seconds. */
export interface ReminderTiming {
  /** The to-do's due time (ISO instant). */
  dueAt: string;
  /** Remind this long before the due time (0 = at the due time only the overdue notice). */
  leadMs: number;
  /** Repeat the overdue notice this often; null = once. */
  repeatMs: number | null;
  /** At most this many overdue notices per due time. */
  maxOverdue: number;
}

export interface TodoReminderInput {
  tenantId: string;
  tenantCode: string;
  todoId: string;
  userId: string;
  timing: ReminderTiming;
}

export type ReminderStatus = 'waiting' | 'reminded' | 'overdue' | 'cancelled' | 'finished';

export interface ReminderState {
  status: ReminderStatus;
  dueAt: string;
  /** Increments with every effective reschedule. */
  generation: number;
  remindersSent: number;
  overdueSent: number;
  /** Notifications whose delivery gave up after its retries (visible in the delivery ledger too). */
  failures: number;
  cancelReason: string | null;
}

export interface ReminderResult {
  outcome: 'cancelled' | 'finished';
  state: ReminderState;
}

/** The due time or the user's timing changed: start over from the new timing. */
export const rescheduleSignal = defineSignal<[ReminderTiming]>('todoReminder.reschedule');
/** The to-do was completed, deleted or lost its due time. */
export const cancelSignal = defineSignal<[{ reason: string }]>('todoReminder.cancel');
export const reminderStateQuery = defineQuery<ReminderState>('todoReminder.state');

/** Step names of the dedupe keys (`<workflowId>:<step>`): one per due time and notice. */
export const reminderStep = (dueAtMs: number) => `remind:${dueAtMs}`;
export const overdueStep = (dueAtMs: number, n: number) => `overdue:${dueAtMs}:${n}`;
