/**
 * System steps of the approval flow (`action` steps). Idempotent: a role grant is tagged with
 * the approval's workflow id (grantedBy) and roles already held are left alone, so a retried
 * attempt changes nothing.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Runtime } from '../../runtime';
import { systemActor, type Actor } from '../../../common/actor';
import { AppError } from '../../../common/errors';
import { Role, User } from '../../../db/entities';
import { assertMayGrantRoles } from '../../permission/privilege';
import { asActivity } from '../../../common/failures';
import type { GrantRoleStepArgs } from '../../../workflows/approval/contract';

/**
 * A role chosen in the form is given only if someone who approved the request may give it
 * (role:assign, every permission of the role, a data scope covering the holder); otherwise the
 * step fails with this reason on the timeline.
 */
async function assertSomeApproverMayGrant(rt: Runtime, args: GrantRoleStepArgs, roleId: string): Promise<void> {
  const em = rt.orm.em.fork();
  const holder = await em.findOne(User, { tenantId: args.tenantId, id: args.userId });
  for (const approverId of args.approverIds ?? []) {
    const approver = await em.findOne(User, { tenantId: args.tenantId, id: approverId, deletedAt: null, status: 'active' });
    if (!approver) continue;
    const permissions = new Set(await rt.services.permissions.effectivePermissions(args.tenantId, approverId));
    const actor: Actor = { tenantId: args.tenantId, userId: approverId, via: 'access_token', permissions };
    try {
      await assertMayGrantRoles(rt, em, actor, [roleId], [holder?.departmentId ?? null]);
      return;
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 403) throw err;
    }
  }
  throw ApplicationFailure.nonRetryable(
    `nobody who approved this request may give the role ${args.roleCode} (it needs role:assign, every permission of the role and a data scope covering the user)`,
    'grant_not_authorised',
  );
}

export function createApprovalActionActivities(rt: Runtime) {
  return {
    /** Give the user the role (by code). `granted` = false when they already held it. */
    grantApprovalRole: (args: GrantRoleStepArgs): Promise<{ roleId: string; granted: boolean }> =>
      asActivity(async () => {
        const em = rt.orm.em.fork();
        const role = await em.findOne(Role, { tenantId: args.tenantId, code: args.roleCode });
        if (!role) throw ApplicationFailure.nonRetryable(`No role "${args.roleCode}" in this tenant`, 'not_found');
        if (args.approverIds) await assertSomeApproverMayGrant(rt, args, role.id);
        const added = await rt.services.roles.assignRoles(systemActor(args.tenantId), args.userId, [role.id], { grantedBy: args.grantedBy });
        return { roleId: role.id, granted: added.length > 0 };
      }),

    /** Compensation: remove what a given workflow granted (nothing left = fine). */
    revokeApprovalRole: (tenantId: string, userId: string, grantedBy: string): Promise<{ revoked: number }> =>
      asActivity(async () => ({ revoked: await rt.services.roles.revokeGrantedRoles(systemActor(tenantId), userId, grantedBy) })),
  };
}
