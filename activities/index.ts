/**
 * All activities the worker registers, built from the runtime by each module's factory.
 * Workflows import only the *type* of this object (`proxyActivities<Activities>`).
 */
import type { Runtime } from './runtime';
import { createUserActivities } from './user/activities';
import { createPermissionActivities } from './permission/activities';
import { createMessageActivities } from './support/messages/activities';
import { createNotificationActivities } from './support/notifications/activities';
import { createDigestActivities } from './support/digest/activities';
import { createAuditPurgeActivities } from './support/audit/purge';
import { createApprovalInstanceActivities } from './approval/instances/activities';
import { createOnboardingActivities } from './onboarding/activities';
import { createOnboardingReconcileActivities } from './onboarding/reconcile';
import { createPlatformActivities } from './platform/activities';

export function createActivities(rt: Runtime) {
  return {
    ...createUserActivities(rt),
    ...createPermissionActivities(rt),
    ...createMessageActivities(rt),
    ...createNotificationActivities(rt),
    ...createDigestActivities(rt),
    ...createAuditPurgeActivities(rt),
    ...createApprovalInstanceActivities(rt),
    ...createOnboardingActivities(rt),
    ...createOnboardingReconcileActivities(rt),
    ...createPlatformActivities(rt),
  };
}

export type Activities = ReturnType<typeof createActivities>;
