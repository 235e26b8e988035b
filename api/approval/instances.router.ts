/**
 * HTTP surface of approval requests: start one, read it, act on it, and the inbox. Actions are
 * Temporal Updates: the answer says at once whether the action was accepted (409/422 with a
 * precise code if not) and carries the state it led to. Send an `Idempotency-Key` header: a
 * repeated request then has one effect and gets the same answer.
 */
import type { Context } from 'koa';
import { z } from 'zod';
import { APPROVALS_PREFIX } from '../../activities/approval/instances/service';
import type { UserActionKind } from '../../workflows/approval/contract';
import { Uuid } from '../../common/schema';
import { route, type Route, type RouteModule } from '../route';
import { KEY_SCOPES } from '../../activities/auth/key-scopes';
import {
  ActionBody,
  AddSignBody,
  ApprovalStarted,
  CommentBody,
  DelegateBody,
  InboxCounts,
  InboxPage,
  InboxQuery,
  InstanceDetail,
  ResubmitBody,
  StartApprovalRequest,
  TransferBody,
} from '../../activities/approval/instances/schema';
import { ApprovalGraph } from '../../activities/approval/instances/graph.schema';

const InstanceParams = z.object({ id: Uuid });
const TaskParams = z.object({ id: Uuid, taskId: Uuid });

const idempotencyKey = (ctx: Context): string | undefined => ctx.get('idempotency-key').trim().slice(0, 200) || undefined;

const IDEMPOTENCY = ' Send an `Idempotency-Key` header so a retried request has one effect.';

/**
 * Every action is the same HTTP shape: POST on the request or one of its tasks, the action's
 * body, the new detail back. Declared once here; the table below says what differs.
 */
interface ActionRoute<B extends z.ZodType> {
  action: UserActionKind;
  /** `task` actions live under /:id/tasks/:taskId/, the others under /:id/. */
  on: 'task' | 'instance';
  segment: string;
  summary: string;
  description?: string;
  body: B;
  /** Fields of the body the action takes besides the comment. */
  args?: (body: z.output<B>) => Record<string, unknown>;
}

function actionRoute<B extends z.ZodType<{ comment?: string }>>(spec: ActionRoute<B>): Route {
  const onTask = spec.on === 'task';
  return route({
    method: 'post',
    path: onTask ? `/:id/tasks/:taskId/${spec.segment}` : `/:id/${spec.segment}`,
    // Task actions are an approver's; instance actions (withdraw, urge, …) the initiator's.
    apiKey: onTask ? KEY_SCOPES.approvalAct : KEY_SCOPES.approvalSubmit,
    summary: spec.summary,
    description: spec.description,
    params: onTask ? TaskParams : InstanceParams,
    body: spec.body as z.ZodType<{ comment?: string }>,
    response: InstanceDetail,
    errors: [404, 409],
    handler: ({ rt, actor, params, body, ctx }) => {
      const { id, taskId } = params as { id: string; taskId?: string };
      const input = { ...(onTask ? { taskId } : {}), comment: body.comment, ...spec.args?.(body as z.output<B>) };
      return rt.services.approvals.act(actor, id, spec.action, input, idempotencyKey(ctx));
    },
  });
}

const HOLDER_ONLY = `Only the holder of the open task. 409 \`task_not_open\` when it was closed meanwhile (e.g. another approver decided the step), 422 \`not_task_holder\`.${IDEMPOTENCY}`;

export const approvalsModule: RouteModule = {
  prefix: APPROVALS_PREFIX,
  tag: 'Approvals',
  routes: [
    // Before `/:id`, which would otherwise take "inbox" for an id.
    route({
      method: 'get',
      path: '/inbox',
      apiKey: KEY_SCOPES.approvalAct,
      summary: "The caller's approval inbox",
      description: 'box: todo (waiting for me), done (I acted), cc (copied to me), started (my requests). Filters: templateKey, status, q (title contains). Newest first; pass `nextCursor` back as `cursor`.',
      query: InboxQuery,
      response: InboxPage,
      handler: ({ rt, actor, query }) => rt.services.approvalInbox.list(actor, query),
    }),
    route({
      method: 'get',
      path: '/inbox/counts',
      apiKey: KEY_SCOPES.approvalAct,
      summary: 'Inbox badge numbers',
      response: InboxCounts,
      handler: ({ rt, actor }) => rt.services.approvalInbox.counts(actor),
    }),
    route({
      method: 'post',
      path: '/',
      apiKey: KEY_SCOPES.approvalSubmit,
      summary: 'Submit an approval request',
      description:
        "Runs the template's latest published version (409 `template_disabled` / `template_not_published`). The form is checked against the version's form schema (422 `form_invalid` with paths under `form`). Answers 202 with the instance id; the detail appears as soon as the workflow has recorded the submission." +
        IDEMPOTENCY,
      body: StartApprovalRequest,
      status: 202,
      response: ApprovalStarted,
      errors: [404, 409],
      handler: async ({ rt, actor, body, ctx }) => {
        const started = await rt.services.approvals.start(actor, body, idempotencyKey(ctx));
        ctx.set('Location', started.url);
        return started;
      },
    }),
    route({
      method: 'get',
      path: '/:id',
      apiKey: [KEY_SCOPES.approvalSubmit, KEY_SCOPES.approvalAct],
      summary: 'A request: form, status, current steps and holders, tasks and the full timeline',
      description: 'Visible to the initiator, anyone asked or copied, and holders of `approval:view-all` within their data scope; 404 for anyone else.',
      params: InstanceParams,
      response: InstanceDetail,
      errors: [404],
      handler: ({ rt, actor, params }) => rt.services.approvals.detail(actor, params.id),
    }),
    route({
      method: 'get',
      path: '/:id/graph',
      apiKey: [KEY_SCOPES.approvalSubmit, KEY_SCOPES.approvalAct],
      summary: "A request's progress graph: its template version's flow as nodes and edges, each node's state and people",
      description:
        'Nodes: start, every step (approval, cc, action, delay, condition, parallel), a join where branches meet, end. Each has its state in the latest pass (`waiting`, `active`, `done`, `skipped`, `cancelled`, `rejected`, `returned`, `failed`), how often it was visited over rounds and send-backs, when it was entered and left, and for approval and cc steps the people with their task status. Condition steps say which branch was taken. `position` comes from the template\'s step layout when the designer stored one; otherwise lay the graph out yourself. Same visibility as the request: 404 for anyone who may not see it.',
      params: InstanceParams,
      response: ApprovalGraph,
      errors: [404],
      handler: ({ rt, actor, params }) => rt.services.approvalGraph.graph(actor, params.id),
    }),
    actionRoute({ action: 'approve', on: 'task', segment: 'approve', summary: 'Approve my task', description: HOLDER_ONLY, body: ActionBody }),
    actionRoute({
      action: 'reject',
      on: 'task',
      segment: 'reject',
      summary: "Reject my task (the step's policy decides: reject the request, return it, or send it back)",
      description: HOLDER_ONLY,
      body: ActionBody,
    }),
    actionRoute({
      action: 'transfer',
      on: 'task',
      segment: 'transfer',
      summary: 'Hand my task to someone else',
      description: `The original holder sees it done as "transferred". 422 \`action_not_allowed\` when the step forbids transfers.${IDEMPOTENCY}`,
      body: TransferBody,
      args: (b) => ({ toUserId: b.toUserId }),
    }),
    actionRoute({
      action: 'addSign',
      on: 'task',
      segment: 'add-sign',
      summary: 'Add signers to my task (before: they act first, then me; after: they act once I approved)',
      description: `Holder of the open task, when the step allows add-sign (else 422 \`action_not_allowed\`). An added signer's rejection counts as the holder's.${IDEMPOTENCY}`,
      body: AddSignBody,
      args: (b) => ({ userIds: b.userIds, position: b.position }),
    }),
    actionRoute({
      action: 'removeSign',
      on: 'task',
      segment: 'remove-sign',
      summary: 'Remove a signer I added (the path names their task) who has not acted yet',
      description: `Only the holder who added them; 409 \`task_not_open\` once they acted.${IDEMPOTENCY}`,
      body: ActionBody,
    }),
    actionRoute({
      action: 'delegate',
      on: 'task',
      segment: 'delegate',
      summary: 'Let someone else decide my task; it comes back to me to confirm',
      description: `When the step allows delegation (else 422 \`action_not_allowed\`). After the delegate acts, the holder confirms (\`/confirm\`) or decides otherwise (approve/reject).${IDEMPOTENCY}`,
      body: DelegateBody,
      args: (b) => ({ toUserId: b.toUserId }),
    }),
    actionRoute({
      action: 'confirm',
      on: 'task',
      segment: 'confirm',
      summary: "Confirm my delegate's decision as mine",
      description: `422 \`action_not_allowed\` when no delegate has decided yet.${IDEMPOTENCY}`,
      body: ActionBody,
    }),
    actionRoute({
      action: 'takeBack',
      on: 'task',
      segment: 'take-back',
      summary: 'Take back my approval',
      description: `While the step still waits, the task opens again. Once the step has passed, and until anyone in the next approval step acts, that step is called off and the flow returns to mine (its approvers are asked again). 409 \`task_not_open\` when it is too late.${IDEMPOTENCY}`,
      body: ActionBody,
    }),
    actionRoute({ action: 'comment', on: 'task', segment: 'comment', summary: 'Comment on a task (no state change)', body: CommentBody }),
    actionRoute({
      action: 'comment',
      on: 'instance',
      segment: 'comment',
      summary: 'Comment on the request (no state change)',
      description: 'Initiator and people asked or copied, while the request is not finished.',
      body: CommentBody,
    }),
    actionRoute({
      action: 'withdraw',
      on: 'instance',
      segment: 'withdraw',
      summary: 'Withdraw my request',
      description: `Initiator only, while not finished: every open task is cancelled. 409 \`instance_finished\`.${IDEMPOTENCY}`,
      body: ActionBody,
    }),
    actionRoute({
      action: 'resubmit',
      on: 'instance',
      segment: 'resubmit',
      summary: 'Resubmit a returned request, optionally with an edited form',
      description: `Initiator only; 409 \`instance_not_returned\` unless it was returned. The flow restarts (from the start or the returning step, per template).${IDEMPOTENCY}`,
      body: ResubmitBody,
      args: (b) => ({ form: b.form }),
    }),
    actionRoute({
      action: 'urge',
      on: 'instance',
      segment: 'urge',
      summary: 'Remind the current approvers',
      description: 'Initiator only; once an hour per request (409 `urge_too_soon`). Each holder of an open task gets an in-app message.',
      body: ActionBody,
    }),
  ],
};
