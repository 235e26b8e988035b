/**
 * Administrators' interventions on running requests (`approval:intervene`): cancel, reassign a
 * task, retry a failed system step, send the request back to a step it passed. Each is an
 * Update of the request's workflow (workflows/approval/interventions.ts) with a required reason;
 * the workflow decides whether the request's state allows it (409/422 with a precise code). Here:
 * the tenant, the data scope (a request whose initiator's department is outside the caller's
 * scope is "not found", as for oversight), and the new holder of a reassigned task (an active
 * user of the tenant, not the initiator). The audit trail records every call (api/middleware/audit.ts);
 * the timeline records who intervened and why.
 */
import type { UpdateDefinition } from '@temporalio/common';
import type { Runtime } from '../../runtime';
import type { Actor } from '../../../common/actor';
import { NotFoundError, ValidationError } from '../../../common/errors';
import { newId } from '../../../common/ids';
import { ApprovalInstance } from '../../../db/entities';
import {
  cancelInterventionUpdate,
  reassignInterventionUpdate,
  retryInterventionUpdate,
  returnInterventionUpdate,
  type ActionResult,
  type Intervention,
  type InterventionKind,
} from '../../../workflows/approval/contract';
import type { approvalWorkflow } from '../../../workflows/approval/workflow';
import type { InstanceDetail } from './schema';
import { refusalOf } from './service';

export type InterventionArgs = { reason: string; taskId?: string; toUserId?: string; toStepId?: string };

export class ApprovalInterventions {
  constructor(private readonly rt: Runtime) {}

  /** The request, if it is in the caller's tenant and data scope (the initiator's department at submit). */
  async inScope(actor: Actor, id: string): Promise<ApprovalInstance> {
    const inst = await this.rt.orm.em.fork().findOne(ApprovalInstance, { tenantId: actor.tenantId, id });
    if (!inst) throw new NotFoundError('approval', id);
    const scope = await this.rt.services.permissions.dataScopeFor(actor);
    if (!scope.all && !(inst.initiatorDepartmentId && scope.departmentIds.includes(inst.initiatorDepartmentId))) throw new NotFoundError('approval', id);
    return inst;
  }

  /**
   * Send one intervention. The Idempotency-Key becomes the Update id (per caller and kind), so a
   * repeated request has one effect and the same answer.
   */
  async intervene(actor: Actor, id: string, kind: InterventionKind, args: InterventionArgs, idempotencyKey?: string): Promise<InstanceDetail> {
    const inst = await this.inScope(actor, id);
    if (kind === 'reassign') {
      await this.rt.services.approvals.checkPeople(actor.tenantId, [args.toUserId!], 'toUserId');
      if (args.toUserId === inst.initiatorId) {
        throw new ValidationError('The initiator cannot approve their own request', [{ path: 'body.toUserId', message: 'is the initiator of this request', code: 'initiator_not_allowed' }], 'initiator_cannot_approve');
      }
    }
    const base: Intervention = { actorId: actor.userId, reason: args.reason };
    const handle = (await this.rt.temporal()).workflow.getHandle<typeof approvalWorkflow>(inst.workflowId);
    const updateId = idempotencyKey ? `${actor.userId}:intervene-${kind}:${idempotencyKey}` : newId();
    const run = <A>(def: UpdateDefinition<ActionResult, [A]>, arg: A) => handle.executeUpdate(def, { args: [arg], updateId });
    try {
      switch (kind) {
        case 'cancel':
          await run(cancelInterventionUpdate, base);
          break;
        case 'reassign':
          await run(reassignInterventionUpdate, { ...base, taskId: args.taskId!, toUserId: args.toUserId! });
          break;
        case 'retry':
          await run(retryInterventionUpdate, base);
          break;
        case 'return':
          await run(returnInterventionUpdate, { ...base, toStepId: args.toStepId! });
          break;
        default: {
          const unhandled: never = kind;
          throw new Error(`Unknown intervention ${String(unhandled)}`);
        }
      }
    } catch (err) {
      throw refusalOf(err);
    }
    // Read again: the row loaded above predates the intervention.
    const after = await this.rt.orm.em.fork().findOneOrFail(ApprovalInstance, { tenantId: actor.tenantId, id });
    return this.rt.services.approvals.detailOf(actor, after);
  }
}
