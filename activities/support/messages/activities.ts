/** Temporal activities of the support module. Each is idempotent: it may run more than once. */
import type { Runtime } from '../../runtime';
import { NotFoundError } from '../../../common/errors';
import { Tenant, User } from '../../../db/entities';
import { asActivity } from '../../../common/failures';
import { welcomeEmailKey, welcomeMessageKey } from '../../../workflows/provisioning/contract';

export function createSupportActivities(rt: Runtime) {
  /** Workflows pass ids only (small payloads); the texts are built from current data here. */
  const loadRecipient = async (tenantId: string, userId: string) => {
    const em = rt.orm.em.fork();
    const user = await em.findOne(User, { tenantId, id: userId, deletedAt: null });
    if (!user) throw new NotFoundError('user', userId);
    const tenant = await em.findOneOrFail(Tenant, { id: tenantId });
    return { user, tenant };
  };

  return {
    /** Post the welcome message to the new user's inbox, once per workflow (dedupe key). */
    async createWelcomeMessage(tenantId: string, userId: string, workflowId: string): Promise<{ messageId: string }> {
      return asActivity(async () => {
        const { user, tenant } = await loadRecipient(tenantId, userId);
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

    /**
     * Send the welcome email, at most once per workflow (mail ledger keyed by the workflow id).
     * It has no compensation: a sent mail cannot be recalled. That is why it is the saga's last
     * step: once it starts, nothing after it can fail and force an undo the user would notice.
     */
    async sendWelcomeEmail(tenantId: string, userId: string, workflowId: string): Promise<{ deliveryId: string; sentNow: boolean }> {
      return asActivity(async () => {
        const { user, tenant } = await loadRecipient(tenantId, userId);
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
