/**
 * Provisioning API: start the user provisioning saga and follow it. The rules (prechecks,
 * business-key id, who may read which run) are in activities/user/provisioning.ts.
 */
import { z } from 'zod';
import { PERMISSIONS } from '../../activities/permission/catalog';
import { route, type RouteModule } from '../route';
import { ProvisioningStarted, ProvisioningStatusView, ProvisionRequest } from '../../activities/user/provisioning.schema';

const PREFIX = '/api/v1/provisioning';
const WorkflowIdParams = z.object({ workflowId: z.string().min(1).max(300) });
const statusUrlOf = (workflowId: string) => `${PREFIX}/${encodeURIComponent(workflowId)}`;

export const provisioningModule: RouteModule = {
  prefix: PREFIX,
  tag: 'Provisioning',
  routes: [
    route({
      method: 'post',
      path: '/',
      summary: 'Provision a user (durable saga)',
      description:
        'Checks the input, then starts the provisioning workflow: create the user, assign roles, post a welcome message, send a welcome email. ' +
        'Answers 202 at once; follow `statusUrl`. Repeating the request while it runs returns the same workflow; after it completed the answer is 409 `already_provisioned`.',
      permission: PERMISSIONS.userProvision,
      body: ProvisionRequest,
      status: 202,
      response: ProvisioningStarted,
      errors: [409],
      handler: async ({ rt, actor, body, ctx }) => {
        const started = await rt.services.provisioning.start(actor, body);
        const statusUrl = statusUrlOf(started.workflowId);
        ctx.set('Location', statusUrl);
        return { ...started, statusUrl };
      },
    }),
    route({
      method: 'get',
      path: '/:workflowId',
      apiKey: 'service-checked',
      summary: 'Status, progress and outcome of a provisioning',
      description:
        'Needs `user:provision` or `user:read`, and a data scope covering the department the user is provisioned into (or having started it). ' +
        'Ids of another tenant, or outside the data scope, are answered 404.',
      params: WorkflowIdParams,
      response: ProvisioningStatusView,
      errors: [404],
      handler: ({ rt, actor, params }) => rt.services.provisioning.status(actor, params.workflowId),
    }),
  ],
};
