/**
 * Who is asked, copied, escalated to and notified, when the workflow reaches a step. Rules are
 * resolved by the same AssigneeResolver the dry-run uses, so a preview and a real request name
 * the same people; the workflow records the answer in its history and the timeline.
 */
import type { Runtime } from '../../runtime';
import { systemActor } from '../../../common/actor';
import { asActivity } from '../../../common/failures';
import { AssigneeResolver, type Person, type StepResolution } from '../assignees';
import type { NotifyArgs, ResolveApprovalArgs, ResolveCcArgs } from '../../../workflows/approval/contract';

export function createPeopleActivities(rt: Runtime) {
  const resolver = () => new AssigneeResolver(rt);

  const notifyApprovalUsers = (args: NotifyArgs): Promise<{ sent: number }> =>
    asActivity(async () => {
      for (const userId of new Set(args.userIds)) {
        await rt.services.messages.createSystemMessage({
          tenantId: args.tenantId,
          userId,
          title: args.title,
          body: args.body,
          category: 'approval',
          dedupeKey: `${args.dedupeKey}:${userId}`,
        });
      }
      return { sent: new Set(args.userIds).size };
    });

  return {
    /** The people of an approval step, after the step's and the template's policies. */
    resolveApprovalAssignees: (args: ResolveApprovalArgs): Promise<StepResolution> =>
      asActivity(() =>
        resolver().resolveApproval(
          args.step,
          args.settings,
          { tenantId: args.tenantId, initiator: args.initiator, form: args.form, selections: args.selections },
          new Set(args.previousApprovers),
        ),
      ),

    /** The recipients of a cc step (nobody when the initiator was to pick and did not). */
    resolveCcRecipients: (args: ResolveCcArgs): Promise<Person[]> =>
      asActivity(async () => {
        const { recipients } = await resolver().resolveCc(args.step, { tenantId: args.tenantId, initiator: args.initiator, form: args.form, selections: args.selections });
        return recipients;
      }),

    /**
     * Whom each overdue holder's task goes to: their manager (next in the manager chain), or the
     * first holder of a role who is not the holder. Holders without anyone stay as they are.
     */
    resolveEscalation: (args: { tenantId: string; holderIds: string[]; to: 'manager' | 'role'; roleCode: string | null }): Promise<Record<string, string>> =>
      asActivity(async () => {
        const out: Record<string, string> = {};
        const members = args.to === 'role' && args.roleCode ? await resolver().roleMembers(args.tenantId, [args.roleCode]) : [];
        for (const holderId of args.holderIds) {
          if (args.to === 'manager') {
            const [manager] = await rt.services.orgChart.managerChain(systemActor(args.tenantId), holderId, { maxLevels: 1 });
            if (manager) out[holderId] = manager.userId;
          } else {
            const other = members.find((m) => m.userId !== holderId);
            if (other) out[holderId] = other.userId;
          }
        }
        return out;
      }),

    notifyApprovalUsers,

    /** Tell the tenant's administrators (an overdue step with `notifyAdmin`). */
    notifyTenantAdmins: (args: Omit<NotifyArgs, 'userIds'>): Promise<{ sent: number }> =>
      asActivity(async () => {
        const admins = await resolver().roleMembers(args.tenantId, ['tenant_admin']);
        return notifyApprovalUsers({ ...args, userIds: admins.map((a) => a.userId) });
      }),
  };
}
