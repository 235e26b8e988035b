/** Temporal activities of notifications. Idempotent: the delivery ledger dedupes every retry. */
import type { Runtime } from '../../runtime';
import { Todo } from '../../../db/entities';
import { asActivity } from '../../../common/failures';
import type { ChannelOutcome } from './service';

export interface TodoNotificationInput {
  tenantId: string;
  todoId: string;
  type: 'todo_reminder' | 'todo_overdue';
  /** `<workflowId>:<step>`. */
  dedupeBase: string;
  /** The due time the workflow is acting on: a to-do moved meanwhile is not notified. */
  dueAt: string;
  sequence: number;
}

export function createNotificationActivities(rt: Runtime) {
  return {
    /**
     * Notify the owner of a to-do that it is due soon / overdue, on their channels. Skipped
     * (nothing sent) when the to-do is gone, done, or no longer due at that time.
     */
    async sendTodoNotification(input: TodoNotificationInput): Promise<{ skipped: boolean; channels: ChannelOutcome[] }> {
      return asActivity(async () => {
        const todo = await rt.orm.em.fork().findOne(Todo, { tenantId: input.tenantId, id: input.todoId });
        if (!todo || todo.status !== 'open' || todo.dueAt?.getTime() !== Date.parse(input.dueAt)) return { skipped: true, channels: [] };
        const channels = await rt.services.notifications.notify({
          tenantId: input.tenantId,
          userId: todo.userId,
          type: input.type,
          dedupeBase: input.dedupeBase,
          data: { todoTitle: todo.title, dueAt: input.dueAt, sequence: input.sequence },
        });
        return { skipped: false, channels };
      });
    },
  };
}
