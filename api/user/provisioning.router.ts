/**
 * Provisioning API: start the user provisioning saga and follow it.
 *
 * The workflow id is the business key `provision:<tenant>:<username>`: a retried POST while the
 * saga runs gets the same workflow back, a POST after it completed is refused (409), and one
 * after it was compensated starts afresh (nothing of the first attempt is left).
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError, WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { can, type Actor } from '../../common/actor';
import { ConflictError, ForbiddenError, NotFoundError } from '../../common/errors';
import type { Runtime } from '../../activities/runtime';
import { PERMISSIONS } from '../../activities/permission/catalog';
import { precheckProvisioning } from '../../activities/user/activities';
import { SA } from '../../workflows/search-attributes';
import {
  FAILURE_COMPENSATED,
  PROVISIONING_PROCESS,
  parseProvisioningWorkflowId,
  progressQuery,
  provisioningWorkflowId,
  type CompensationRecord,
  type ProvisioningProgress,
  type ProvisioningResult,
  type ProvisionUserInput,
} from '../../workflows/provisioning/contract';
import type { provisionUserWorkflow } from '../../workflows/provisioning/workflow';
import { route, type RouteModule } from '../route';
import { ProvisioningStarted, ProvisioningStatusView, ProvisionRequest } from '../../activities/user/provisioning.schema';

const WorkflowIdParams = z.object({ workflowId: z.string().min(1).max(300) });

const PREFIX = '/api/v1/provisioning';
const WORKFLOW_TYPE = 'provisionUserWorkflow';
/** How long a status request waits for a worker to answer the progress query. */
const QUERY_DEADLINE_MS = 3000;

const statusUrlOf = (workflowId: string) => `${PREFIX}/${encodeURIComponent(workflowId)}`;

async function startProvisioning(rt: Runtime, actor: Actor, body: ProvisionRequest) {
  const { sendWelcomeEmail, password: _never, ...user } = body;
  const tenant = await rt.services.tenants.current(actor);
  const workflowId = provisioningWorkflowId(tenant.code, user.username);
  // Bad input is answered now, before anything durable exists.
  await precheckProvisioning(rt, actor, user, workflowId);

  const input: ProvisionUserInput = { ...user, tenantId: actor.tenantId, tenantCode: tenant.code, requestedBy: actor.userId, sendWelcomeEmail };
  const client = await rt.temporal();
  try {
    const handle = await client.workflow.start<typeof provisionUserWorkflow>(WORKFLOW_TYPE, {
      workflowId,
      taskQueue: rt.config.TEMPORAL_TASK_QUEUE,
      args: [input],
      // Running already (a retried POST): hand back that run instead of failing or starting another.
      workflowIdConflictPolicy: 'USE_EXISTING',
      // Closed already: only a failed/compensated run may be retried; a completed one provisioned the user.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      staticSummary: `Provision ${user.username} in ${tenant.code}`,
      staticDetails: `Requested by user \`${actor.userId}\`; welcome email: ${sendWelcomeEmail ? 'yes' : 'no'}`,
      typedSearchAttributes: [
        { key: SA.tenant, value: tenant.code },
        { key: SA.process, value: PROVISIONING_PROCESS },
        { key: SA.businessKey, value: user.username },
        { key: SA.initiator, value: actor.userId },
        { key: SA.status, value: 'running' },
      ],
    });
    return { workflowId, runId: handle.firstExecutionRunId, statusUrl: statusUrlOf(workflowId) };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      throw new ConflictError('already_provisioned', `${user.username} has already been provisioned in this tenant`, { workflowId });
    }
    throw err;
  }
}

async function provisioningStatus(rt: Runtime, actor: Actor, workflowId: string): Promise<ProvisioningStatusView> {
  // Tenant isolation: the id names its tenant; another tenant's id is "not found", never "forbidden".
  const parsed = parseProvisioningWorkflowId(workflowId);
  const tenant = await rt.services.tenants.current(actor);
  if (!parsed || parsed.tenantCode !== tenant.code) throw new NotFoundError('provisioning', workflowId);

  const client = await rt.temporal();
  let desc: WorkflowExecutionDescription;
  try {
    desc = await client.workflow.getHandle(workflowId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new NotFoundError('provisioning', workflowId);
    throw err;
  }
  if (desc.type !== WORKFLOW_TYPE) throw new NotFoundError('provisioning', workflowId);

  const base = {
    workflowId,
    runId: desc.runId,
    startedAt: desc.startTime.toISOString(),
    closedAt: desc.closeTime?.toISOString() ?? null,
    progress: null,
    result: null,
    compensation: null,
    error: null,
  };
  const handle = client.workflow.getHandle<typeof provisionUserWorkflow>(workflowId, desc.runId);
  switch (desc.status.name) {
    case 'RUNNING':
      return { ...base, status: 'running', progress: await liveProgress(client, () => handle.query(progressQuery)) };
    case 'COMPLETED': {
      const result = await handle.result();
      return { ...base, status: 'completed', result, progress: progressOfResult(result) };
    }
    default:
      return closedBadly(base, await handle.result().then(() => undefined, (err: unknown) => err));
  }
}

/** The progress query needs a worker; without one, say "unknown" quickly instead of hanging. */
async function liveProgress(client: Client, query: () => Promise<ProvisioningProgress>): Promise<ProvisioningProgress | null> {
  try {
    return await client.withDeadline(Date.now() + QUERY_DEADLINE_MS, query);
  } catch {
    return null;
  }
}

const progressOfResult = (r: ProvisioningResult): ProvisioningProgress => ({
  status: 'completed',
  currentStep: null,
  stepsDone: r.stepsDone,
  stepsSkipped: r.stepsSkipped,
  userId: r.userId,
  failedStep: null,
  error: null,
  compensations: [],
});

/** Failed, terminated, timed out or cancelled: a compensated run carries its record in the failure details. */
function closedBadly(base: Omit<ProvisioningStatusView, 'status'>, err: unknown): ProvisioningStatusView {
  const failure = err instanceof WorkflowFailedError ? err.cause : undefined;
  if (failure instanceof ApplicationFailure && failure.details?.length) {
    const record = failure.details[0] as CompensationRecord;
    return {
      ...base,
      status: failure.type === FAILURE_COMPENSATED ? 'compensated' : 'failed',
      compensation: record,
      error: { message: failure.message, type: failure.type ?? null },
      progress: {
        status: failure.type === FAILURE_COMPENSATED ? 'compensated' : 'compensation_failed',
        currentStep: null,
        stepsDone: record.stepsDone,
        stepsSkipped: [],
        userId: record.userId,
        failedStep: record.failedStep,
        error: record.error.message,
        compensations: record.compensations,
      },
    };
  }
  const message = (failure ?? (err as Error | undefined))?.message ?? 'The provisioning did not complete';
  return { ...base, status: 'failed', error: { message, type: failure instanceof ApplicationFailure ? (failure.type ?? null) : null } };
}

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
        const started = await startProvisioning(rt, actor, body);
        ctx.set('Location', started.statusUrl);
        return started;
      },
    }),
    route({
      method: 'get',
      path: '/:workflowId',
      summary: 'Status, progress and outcome of a provisioning',
      description: 'Needs `user:provision` or `user:read`. Ids of another tenant are answered 404.',
      params: WorkflowIdParams,
      response: ProvisioningStatusView,
      errors: [404],
      handler: async ({ rt, actor, params }) => {
        // Two permissions qualify, so the check is here rather than on the route.
        if (!can(actor, PERMISSIONS.userProvision) && !can(actor, PERMISSIONS.userRead)) {
          throw new ForbiddenError('permission_denied', `This needs the permission ${PERMISSIONS.userProvision} or ${PERMISSIONS.userRead}`);
        }
        return provisioningStatus(rt, actor, params.workflowId);
      },
    }),
  ],
};
