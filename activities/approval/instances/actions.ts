/**
 * System steps of the approval flow (`action` steps). Idempotent: a role grant is tagged with
 * the approval's workflow id (grantedBy) and roles already held are left alone, so a retried
 * attempt changes nothing.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Runtime } from '../../runtime';
import { systemActor } from '../../../common/actor';
import { Role } from '../../../db/entities';
import { asActivity } from '../../../common/failures';
import type { GrantRoleStepArgs } from '../../../workflows/approval/contract';

export function createApprovalActionActivities(rt: Runtime) {
  return {
    /** Give the user the role (by code). `granted` = false when they already held it. */
    grantApprovalRole: (args: GrantRoleStepArgs): Promise<{ roleId: string; granted: boolean }> =>
      asActivity(async () => {
        const role = await rt.orm.em.fork().findOne(Role, { tenantId: args.tenantId, code: args.roleCode });
        if (!role) throw ApplicationFailure.nonRetryable(`No role "${args.roleCode}" in this tenant`, 'not_found');
        const added = await rt.services.roles.assignRoles(systemActor(args.tenantId), args.userId, [role.id], { grantedBy: args.grantedBy });
        return { roleId: role.id, granted: added.length > 0 };
      }),

    /** Compensation: remove what a given workflow granted (nothing left = fine). */
    revokeApprovalRole: (tenantId: string, userId: string, grantedBy: string): Promise<{ revoked: number }> =>
      asActivity(async () => ({ revoked: await rt.services.roles.revokeGrantedRoles(systemActor(tenantId), userId, grantedBy) })),
  };
}
