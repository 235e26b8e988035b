/** Temporal activities of the permission module. Each is idempotent: it may run more than once. */
import type { Runtime } from '../runtime';
import { systemActor } from '../../common/actor';
import { asActivity } from '../../common/failures';

export function createPermissionActivities(rt: Runtime) {
  return {
    /**
     * Give a provisioned user roles. Links are tagged with the workflow id (grantedBy), so the
     * compensation removes exactly what this run added. Roles already held are left alone,
     * which also makes a retried attempt a no-op. Returns the role ids newly granted.
     */
    async assignProvisionedRoles(tenantId: string, userId: string, roleIds: string[], workflowId: string, requestedBy?: string): Promise<{ granted: string[] }> {
      if (!roleIds.length) return { granted: [] };
      const granted = await asActivity(() => rt.services.roles.assignRoles(systemActor(tenantId, requestedBy), userId, roleIds, { grantedBy: workflowId }));
      return { granted };
    },

    /** Compensation of assignProvisionedRoles: remove the links this workflow granted (none left = fine). */
    async revokeProvisionedRoles(tenantId: string, userId: string, workflowId: string): Promise<{ revoked: number }> {
      const revoked = await asActivity(() => rt.services.roles.revokeGrantedRoles(systemActor(tenantId), userId, workflowId));
      return { revoked };
    },
  };
}
