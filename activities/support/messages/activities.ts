/** Temporal activities of in-app messages (the provisioning saga's welcome message). Idempotent: dedupe keys. */
import type { Runtime } from '../../runtime';
import { asActivity } from '../../../common/failures';
import { welcomeMessageKey } from '../../../workflows/provisioning/contract';
import { recipientOf } from '../audience';

export function createMessageActivities(rt: Runtime) {
  return {
    /** Post the welcome message to the new user's inbox, once per workflow (dedupe key). */
    async createWelcomeMessage(tenantId: string, userId: string, workflowId: string): Promise<{ messageId: string }> {
      return asActivity(async () => {
        const { user, tenant } = await recipientOf(rt.orm.em.fork(), tenantId, userId);
        const message = await rt.services.messages.createSystemMessage({
          tenantId,
          userId,
          dedupeKey: welcomeMessageKey(workflowId),
          category: 'welcome',
          title: `Welcome to ${tenant.name}`,
          body: `Hello ${user.displayName}, your account "${user.username}" is ready. Your administrator will give you a first password.`,
        });
        return { messageId: message.id };
      });
    },

    /** Compensation of createWelcomeMessage. Nothing to delete is fine. */
    async deleteWelcomeMessage(tenantId: string, workflowId: string): Promise<{ deleted: number }> {
      return { deleted: await rt.services.messages.deleteByDedupeKey(tenantId, welcomeMessageKey(workflowId)) };
    },
  };
}
