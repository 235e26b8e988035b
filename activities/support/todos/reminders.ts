/**
 * The API side of to-do reminders: it listens to the to-do service's events and keeps one
 * reminder workflow per dated, open to-do in step — signalWithStart to (re)schedule, a cancel
 * signal when the to-do is completed, deleted or loses its due time. No polling of the table.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Runtime } from '../../runtime';
import { Tenant, type Todo } from '../../../db/entities';
import { signalWithStartProcess } from '../../../temporal/processes';
import { cancelSignal, rescheduleSignal, TODO_REMINDER, type ReminderTiming, type TodoReminderInput } from '../../../workflows/reminders/contract';
import type { TodoEvent } from './events';

export class ReminderService {
  constructor(private readonly rt: Runtime) {}

  async onTodoEvent(event: TodoEvent): Promise<void> {
    const { todo } = event;
    switch (event.type) {
      case 'created':
      case 'reopened':
        if (todo.dueAt && todo.status === 'open') await this.schedule(todo);
        return;
      case 'retimed':
        if (todo.dueAt) await this.schedule(todo);
        else await this.cancel(todo, 'due time cleared');
        return;
      case 'completed':
        return this.cancel(todo, 'completed');
      case 'deleted':
        return this.cancel(todo, 'deleted');
    }
  }

  /** The reminder's timing for a to-do, from its due time and its owner's preferences. */
  async timingOf(todo: Todo): Promise<ReminderTiming> {
    const prefs = await this.rt.services.notifications.preferencesOf(todo.tenantId, todo.userId);
    return {
      dueAt: todo.dueAt!.toISOString(),
      leadMs: prefs.reminderLeadSeconds * 1000,
      repeatMs: prefs.overdueRepeatSeconds === null ? null : prefs.overdueRepeatSeconds * 1000,
      maxOverdue: prefs.maxOverdueReminders,
    };
  }

  async workflowIdOf(todo: Todo): Promise<string> {
    return TODO_REMINDER.workflowId(await this.tenantCode(todo.tenantId), todo.id);
  }

  /** Start the to-do's reminder, or tell the running one about the new timing. */
  private async schedule(todo: Todo): Promise<void> {
    const tenantCode = await this.tenantCode(todo.tenantId);
    const timing = await this.timingOf(todo);
    const input: TodoReminderInput = { tenantId: todo.tenantId, tenantCode, todoId: todo.id, userId: todo.userId, timing };
    const client = await this.rt.temporal();
    await signalWithStartProcess(
      client,
      TODO_REMINDER,
      {
        tenantCode,
        businessKey: todo.id,
        taskQueue: this.rt.config.TEMPORAL_TASK_QUEUE,
        args: [input],
        initiator: todo.userId,
        status: 'waiting',
        // The title is the user's own text: it stays out of what the Temporal UI lists.
        summary: `Reminder for to-do ${todo.id}`,
        details: `To-do \`${todo.id}\` of user \`${todo.userId}\``,
      },
      rescheduleSignal,
      [timing],
    );
  }

  /** Stop the to-do's reminder; none running is fine. */
  private async cancel(todo: Todo, reason: string): Promise<void> {
    const client = await this.rt.temporal();
    try {
      await client.workflow.getHandle(await this.workflowIdOf(todo)).signal(cancelSignal, { reason });
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }

  private async tenantCode(tenantId: string): Promise<string> {
    return (await this.rt.orm.em.fork().findOneOrFail(Tenant, { id: tenantId }, { fields: ['code'] })).code;
  }
}
