/**
 * Activities of the approval workflow: the read-model projection and the people questions.
 * Each is idempotent (projection by sequence number, messages by dedupe key).
 */
import type { Runtime } from '../../runtime';
import type { ProjectionBatch } from '../../../workflows/approval/contract';
import { applyProjection } from './projection';
import { createPeopleActivities } from './people';
import { createApprovalActionActivities } from './actions';
import { createSystemActionActivities } from './system-actions';
import { createApprovalNotifyActivities } from './notify';
import { createReconcileActivities } from './reconcile';

export function createApprovalInstanceActivities(rt: Runtime) {
  return {
    projectApproval: (batch: ProjectionBatch) => applyProjection(rt, batch),
    ...createPeopleActivities(rt),
    ...createApprovalActionActivities(rt),
    ...createSystemActionActivities(rt),
    ...createApprovalNotifyActivities(rt),
    ...createReconcileActivities(rt),
  };
}
