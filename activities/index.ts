/**
 * All activities the worker registers, built from the runtime by each module's factory.
 * Workflows import only the *type* of this object (`proxyActivities<Activities>`).
 */
import type { Runtime } from './runtime';
import { createUserActivities } from './user/activities';
import { createPermissionActivities } from './permission/activities';
import { createSupportActivities } from './support/messages/activities';
import { createNotificationActivities } from './support/notifications/activities';
import { createDigestActivities } from './support/digest/service';
import { createAuditPurgeActivities } from './support/audit/purge';
import { createApprovalInstanceActivities } from './approval/instances/activities';
import { createOnboardingActivities } from './onboarding/activities';

export function createActivities(rt: Runtime) {
  return {
    ...createUserActivities(rt),
    ...createPermissionActivities(rt),
    ...createSupportActivities(rt),
    ...createNotificationActivities(rt),
    ...createDigestActivities(rt),
    ...createAuditPurgeActivities(rt),
    ...createApprovalInstanceActivities(rt),
    ...createOnboardingActivities(rt),
  };
}

export type Activities = ReturnType<typeof createActivities>;
