/**
 * Temporal activities of notifications and mail: to-do reminders (the reminder workflow) and the
 * welcome email (the provisioning saga). Idempotent: the delivery ledgers dedupe every retry.
 */
import type { Runtime } from '../../runtime';
import { Todo } from '../../../db/entities';
import { asActivity } from '../../../common/failures';
import { welcomeEmailKey } from '../../../workflows/provisioning/contract';
import { recipientOf } from '../audience';
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
        // Counted after notify() returned: a retried activity whose first attempt failed counts once.
        rt.metrics.reminderFires.inc({ kind: input.type === 'todo_overdue' ? 'overdue' : 'due' });
        return { skipped: false, channels };
      });
    },

    /**
     * Send the welcome email, at most once per workflow (mail ledger keyed by the workflow id).
     * It has no compensation: a sent mail cannot be recalled. That is why it is the saga's last
     * step: once it starts, nothing after it can fail and force an undo the user would notice.
     */
    async sendWelcomeEmail(tenantId: string, userId: string, workflowId: string): Promise<{ deliveryId: string; sentNow: boolean }> {
      return asActivity(async () => {
        const { user, tenant } = await recipientOf(rt.orm.em.fork(), tenantId, userId);
        const signIn = rt.config.PUBLIC_URL ? `${rt.config.PUBLIC_URL.replace(/\/$/, '')}/login` : 'the Signoff sign-in page';
        const { delivery, sentNow } = await rt.services.mailer.send({
          tenantId,
          dedupeKey: welcomeEmailKey(workflowId),
          to: user.email,
          subject: `Your ${tenant.name} account is ready`,
          text: [
            `Hello ${user.displayName},`,
            '',
            `An account was created for you at ${tenant.name}.`,
            `Tenant: ${tenant.code}`,
            `Username: ${user.username}`,
            '',
            `Your administrator will give you a first password; then sign in at ${signIn}.`,
          ].join('\n'),
        });
        return { deliveryId: delivery.id, sentNow };
      });
    },
  };
}
