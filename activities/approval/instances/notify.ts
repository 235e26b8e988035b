/**
 * The approval workflow's notices (workflows/approval/notify.ts): one call per event, every
 * recipient told on the channels they chose for its type. Idempotent per (event, recipient,
 * channel) through the notification ledger, so a retry delivers only what failed before.
 */
import type { Runtime } from '../../runtime';
import { asActivity } from '../../../common/failures';
import { User } from '../../../db/entities';
import type { ApprovalNotice } from '../../../workflows/approval/notify-contract';
import { AssigneeResolver } from '../assignees';
import { SerialNumbers } from './serials';

/** The request in the console: absolute under PUBLIC_URL when it is set. */
export const requestLink = (rt: Runtime, instanceId: string) => `${(rt.config.PUBLIC_URL ?? '').replace(/\/$/, '')}/approvals/requests/${instanceId}`;

export function createApprovalNotifyActivities(rt: Runtime) {
  return {
    notifyApprovalEvent: (notice: ApprovalNotice): Promise<{ told: number }> =>
      asActivity(async () => {
        const { tenantId } = notice;
        const em = rt.orm.em.fork();
        let recipients = notice.recipientIds;
        if (notice.toTenantAdmins) {
          const admins = await new AssigneeResolver(rt).roleMembers(tenantId, ['tenant_admin']);
          recipients = admins.map((a) => a.userId).filter((id) => id !== notice.actorId);
        }
        const actor = notice.actorId ? await em.findOne(User, { tenantId, id: notice.actorId }) : null;
        // Recorded at submit, before the workflow started: always there for a numbered request.
        const serialNumber = await new SerialNumbers(rt).of(tenantId, notice.instanceId);
        // One fan-out for everyone: users deleted meanwhile are nobody to tell; if a delivery
        // failed, the others still went out and the error makes the retry send what failed
        // (the ledger skips what went out).
        const { outcomes } = await rt.services.notifications.notifyAll({
          tenantId,
          userIds: recipients,
          type: notice.type,
          dedupeBase: notice.dedupeBase,
          data: {
            title: notice.title,
            serialNumber,
            templateName: notice.templateName,
            stepName: notice.stepName,
            actorName: actor?.displayName ?? null,
            cause: notice.cause,
            outcome: notice.outcome,
            reason: notice.reason ?? null,
            comment: notice.comment ?? null,
            link: requestLink(rt, notice.instanceId),
          },
        });
        const told = outcomes.size;
        return { told };
      }),
  };
}
