/**
 * All activities the worker registers, built from the runtime by each module's factory.
 * Workflows import only the *type* of this object (`proxyActivities<Activities>`).
 */
import type { Runtime } from './runtime';
import { createUserActivities } from './user/activities';
import { createPermissionActivities } from './permission/activities';
import { createSupportActivities } from './support/activities';
import { createNotificationActivities } from './support/notification-activities';
import { createDigestActivities } from './support/digest';
import { createAuditPurgeActivities } from './support/audit-purge';
import { createApprovalRuntimeActivities } from './approval/runtime/activities';
import { createOnboardingActivities } from './onboarding/activities';

export function createActivities(rt: Runtime) {
  return {
    ...createUserActivities(rt),
    ...createPermissionActivities(rt),
    ...createSupportActivities(rt),
    ...createNotificationActivities(rt),
    ...createDigestActivities(rt),
    ...createAuditPurgeActivities(rt),
    ...createApprovalRuntimeActivities(rt),
    ...createOnboardingActivities(rt),
  };
}

export type Activities = ReturnType<typeof createActivities>;
