/**
 * Administrators' interventions on running requests: POST /approvals/:id/interventions/<kind>,
 * each with a required reason (422 `validation_failed` without one). Declared as data: the table
 * below says what differs between the four. The caller needs `approval:intervene` and the request
 * in their data scope (else 404, as if it did not exist).
 */
import type { Context } from 'koa';
import { z } from 'zod';
import { PERMISSIONS as P } from '../../activities/permission/catalog';
import { APPROVALS_PREFIX } from '../../activities/approval/instances/service';
import { InstanceDetail, InterventionBody, ReassignInterventionBody, ReturnInterventionBody } from '../../activities/approval/instances/schema';
import type { InterventionArgs } from '../../activities/approval/instances/interventions';
import type { InterventionKind } from '../../workflows/approval/contract';
import { Uuid } from '../../common/schema';
import { route, type Route, type RouteModule } from '../route';

const InstanceParams = z.object({ id: Uuid });
const idempotencyKey = (ctx: Context): string | undefined => ctx.get('idempotency-key').trim().slice(0, 200) || undefined;

const COMMON =
  ' Needs `approval:intervene`; the request must be in your data scope (the initiator’s department), else 404. The reason goes on the timeline (an `admin_*` event with you as actor) and the call into the audit log. 409 `instance_finished` once the request is over. Send an `Idempotency-Key` header so a retried request has one effect.';

interface InterventionRoute {
  kind: InterventionKind;
  summary: string;
  description: string;
  body: z.ZodType<InterventionArgs>;
}

function interventionRoute(spec: InterventionRoute): Route {
  return route({
    method: 'post',
    path: `/:id/interventions/${spec.kind}`,
    permission: P.approvalIntervene,
    summary: spec.summary,
    description: spec.description + COMMON,
    params: InstanceParams,
    body: spec.body,
    response: InstanceDetail,
    errors: [404, 409],
    handler: ({ rt, actor, params, body, ctx }) => rt.services.approvalInterventions.intervene(actor, params.id, spec.kind, body, idempotencyKey(ctx)),
  });
}

export const approvalInterventionsModule: RouteModule = {
  prefix: APPROVALS_PREFIX,
  tag: 'Approvals',
  routes: [
    interventionRoute({
      kind: 'cancel',
      summary: 'Cancel a request (administrators)',
      description: 'Running, returned or stalled: every open task is cancelled, the status becomes `cancelled` and the initiator is told, with the reason.',
      body: InterventionBody,
    }),
    interventionRoute({
      kind: 'reassign',
      summary: 'Give an open task to someone else (administrators)',
      description:
        'The task (open, or waiting its turn) closes as `reassigned`; a new one opens for `toUserId`, who is told. `toUserId` must be an active user of the tenant (422 `validation_failed`), not the initiator (422 `initiator_cannot_approve`), not already asked in the step (422 `action_not_allowed`). 409 `task_not_open` when the task closed meanwhile, `instance_not_running` unless the request runs.',
      body: ReassignInterventionBody,
    }),
    interventionRoute({
      kind: 'retry',
      summary: 'Run the failed system step of a stalled request again (administrators)',
      description:
        'When a system step (webhook, activity, role grant) fails, the request waits as `stalled` instead of failing; fix the cause, then retry: the step runs again with the same idempotency key. The answer shows the state after it (running on, or stalled again). 409 `instance_not_stalled` otherwise.',
      body: InterventionBody,
    }),
    interventionRoute({
      kind: 'return',
      summary: 'Send the request back to an approval step it passed (administrators)',
      description:
        'Open tasks are cancelled and the flow runs again from `toStepId` (from the top-level step holding it, as a `returnToStep` rejection does); its approvers are asked again. 422 `step_not_passed` unless the request approved that step this round and stands after it; 409 `instance_not_running` when it is returned to its initiator.',
      body: ReturnInterventionBody,
    }),
  ],
};
