/**
 * Onboarding API: HR starts, follows and cancels the onboarding of a new hire; assignees report
 * checklist items done; the new hire activates the account through a public endpoint with the
 * single-use token from the mail. The workflow is the source of truth: progress comes from its
 * query (or its result once closed), the listing from Temporal visibility (search attributes).
 */
import { WorkflowFailedError, WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { can, systemActor, type Actor } from '../../common/actor';
import { ForbiddenError, NotFoundError, ConflictError, ValidationError, type FieldError } from '../../common/errors';
import type { Runtime } from '../../activities/runtime';
import { PERMISSIONS } from '../../activities/permission/catalog';
import { precheckProvisioning } from '../../activities/user/activities';
import { parseActivationToken } from '../../activities/onboarding/activities';
import { passwordProblems } from '../../activities/auth/password';
import { Tenant, User } from '../../db/entities';
import { PageOf, pageOf } from '../../common/pagination';
import { SA } from '../../workflows/search-attributes';
import { provisioningWorkflowId } from '../../workflows/provisioning/contract';
import {
  ONBOARDING_PROCESS,
  ONBOARDING_WORKFLOW_TYPE,
  activateUpdate,
  cancelUpdate,
  checklistDoneUpdate,
  onboardingWorkflowId,
  parseOnboardingWorkflowId,
  progressQuery,
  tokenValidQuery,
  type OnboardingInput,
  type OnboardingProgress,
} from '../../workflows/onboarding/contract';
import type { onboardingWorkflow } from '../../workflows/onboarding/workflow';
import { publicRoute, route, type RouteModule } from '../route';
import { limitPerIp } from '../middleware/rate-limit';
import {
  ActivateRequest,
  CancelRequest,
  ChecklistItemView,
  OnboardingListQuery,
  OnboardingProgressView,
  OnboardingStarted,
  OnboardingSummary,
  OnboardingView,
  StartOnboardingRequest,
} from '../../activities/onboarding/schema';
import { z } from 'zod';

const OnboardingIdParams = z.object({ id: z.string().min(1).max(300) });
const ChecklistItemParams = OnboardingIdParams.extend({ itemId: z.string().min(1).max(64) });

const PREFIX = '/api/v1/onboarding';
const QUERY_DEADLINE_MS = 3000;
const statusUrlOf = (id: string) => `${PREFIX}/${encodeURIComponent(id)}`;
type Execution = OnboardingView['execution'];
const executionOf = (name: string): Execution => {
  const e = name.toLowerCase();
  return (['running', 'completed', 'failed', 'cancelled', 'terminated', 'timed_out', 'continued_as_new'] as const).find((x) => x === e) ?? 'unknown';
};

async function startOnboarding(rt: Runtime, actor: Actor, body: StartOnboardingRequest) {
  const tenant = await rt.services.tenants.current(actor);
  const workflowId = onboardingWorkflowId(tenant.code, body.username);
  const itUserId = body.itUserId ?? actor.userId;
  const em = rt.orm.em.fork();
  const problems: FieldError[] = [];
  for (const [path, id] of [['body.managerId', body.managerId], ['body.itUserId', itUserId]] as const) {
    if (!(await em.count(User, { tenantId: actor.tenantId, id, deletedAt: null, status: 'active' }))) problems.push({ path, message: 'no such active user in this tenant', code: 'not_found' });
  }
  if (problems.length) throw new ValidationError('The onboarding cannot be started', problems);
  const { managerId: _m, itUserId: _i, startDate, checklistTemplate, timing, ...user } = body;
  await precheckProvisioning(rt, actor, user, provisioningWorkflowId(tenant.code, body.username));

  const input: OnboardingInput = {
    ...user,
    tenantId: actor.tenantId,
    tenantCode: tenant.code,
    requestedBy: actor.userId,
    managerId: body.managerId,
    itUserId,
    startDate: new Date(startDate).toISOString(),
    checklistTemplate,
    timing,
  };
  const client = await rt.temporal();
  const handle = await client.workflow.start<typeof onboardingWorkflow>(ONBOARDING_WORKFLOW_TYPE, {
    workflowId,
    taskQueue: rt.config.TEMPORAL_TASK_QUEUE,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    // Who may read the progress besides HR: the new hire, their manager, IT (see mayView).
    memo: { managerId: body.managerId, itUserId },
    staticSummary: `Onboard ${body.username} in ${tenant.code}`,
    staticDetails: `Requested by \`${actor.userId}\`; manager \`${body.managerId}\`; start ${input.startDate}; checklist \`${checklistTemplate}\``,
    typedSearchAttributes: [
      { key: SA.tenant, value: tenant.code },
      { key: SA.process, value: ONBOARDING_PROCESS },
      { key: SA.businessKey, value: body.username },
      { key: SA.initiator, value: actor.userId },
      { key: SA.status, value: 'provisioning' },
    ],
  }).catch((err: unknown) => {
    if ((err as Error).name === 'WorkflowExecutionAlreadyStartedError') {
      throw new ConflictError('already_onboarded', `${body.username} has already been onboarded in this tenant`, { id: workflowId });
    }
    throw err;
  });
  return { id: workflowId, runId: handle.firstExecutionRunId, statusUrl: statusUrlOf(workflowId) };
}

/** The onboarding's handle, after checking it belongs to the caller's tenant (else 404). */
async function locate(rt: Runtime, actor: Actor, id: string) {
  const parsed = parseOnboardingWorkflowId(id);
  const tenant = await rt.services.tenants.current(actor);
  if (!parsed || parsed.tenantCode !== tenant.code) throw new NotFoundError('onboarding', id);
  const client = await rt.temporal();
  let desc: WorkflowExecutionDescription;
  try {
    desc = await client.workflow.getHandle(id).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new NotFoundError('onboarding', id);
    throw err;
  }
  if (desc.type !== ONBOARDING_WORKFLOW_TYPE) throw new NotFoundError('onboarding', id);
  return { client, desc, handle: client.workflow.getHandle<typeof onboardingWorkflow>(id) };
}

async function liveProgress(client: Client, query: () => Promise<OnboardingProgress>): Promise<OnboardingProgress | null> {
  try {
    return await client.withDeadline(Date.now() + QUERY_DEADLINE_MS, query);
  } catch {
    return null;
  }
}

/**
 * Progress is HR's (onboarding:manage) and the people it is about: the new hire, their manager
 * and IT, and whoever holds a checklist item or check-in. To anyone else it does not exist (404).
 */
function mayView(actor: Actor, desc: WorkflowExecutionDescription, progress: OnboardingProgress | null, username: string | null): boolean {
  if (can(actor, PERMISSIONS.onboardingManage)) return true;
  const memo = (desc.memo ?? {}) as { managerId?: string; itUserId?: string };
  const people = new Set([memo.managerId, memo.itUserId, progress?.userId, ...(progress?.checklist ?? []).map((i) => i.userId)]);
  if (progress?.checkIns.length && memo.managerId) people.add(memo.managerId);
  return people.has(actor.userId) || (username !== null && parseOnboardingWorkflowId(desc.workflowId)?.username === username);
}

async function viewOf(rt: Runtime, actor: Actor, id: string, username: string | null = null): Promise<OnboardingView> {
  const located = await locate(rt, actor, id);
  const view = await progressView(id, located);
  if (!mayView(actor, located.desc, view.progress, username)) throw new NotFoundError('onboarding', id);
  return view;
}

async function progressView(id: string, { client, desc, handle }: Awaited<ReturnType<typeof locate>>): Promise<OnboardingView> {
  const base = { id, startedAt: desc.startTime.toISOString(), closedAt: desc.closeTime?.toISOString() ?? null, error: null };
  const execution = executionOf(desc.status.name);
  if (execution === 'running') return { ...base, execution, progress: await liveProgress(client, () => handle.query(progressQuery)) };
  if (execution === 'completed') return { ...base, execution, progress: await handle.result() };
  const err = await handle.result().then(() => undefined, (e: unknown) => e);
  const failure = err instanceof WorkflowFailedError ? err.cause : undefined;
  const progress = failure instanceof ApplicationFailure && failure.details?.length ? (failure.details[0] as OnboardingProgress) : null;
  return { ...base, execution, progress, error: (failure ?? (err as Error | undefined))?.message ?? 'The onboarding did not complete' };
}

/** The running workflow's progress, or 409 when it is closed. */
async function runningProgress(rt: Runtime, actor: Actor, id: string) {
  const located = await locate(rt, actor, id);
  if (located.desc.status.name !== 'RUNNING') throw new ConflictError('onboarding_closed', `This onboarding is ${located.desc.status.name.toLowerCase()}`);
  return { ...located, progress: await located.handle.query(progressQuery) };
}

async function markChecklistDone(rt: Runtime, actor: Actor, id: string, itemId: string) {
  const { handle, progress } = await runningProgress(rt, actor, id);
  const item = progress.checklist.find((i) => i.id === itemId);
  if (!item) throw new NotFoundError('checklist_item', itemId);
  if (item.userId !== actor.userId && !can(actor, PERMISSIONS.onboardingManage)) {
    throw new ForbiddenError('permission_denied', `Only the assignee or someone with ${PERMISSIONS.onboardingManage} can complete this item`);
  }
  if (item.todoId) {
    await rt.services.todos.setDone(systemActor(actor.tenantId, item.userId), item.todoId, true).catch((err: unknown) => {
      if (!(err instanceof NotFoundError)) throw err; // the assignee deleted the to-do: still report the item
    });
  }
  return handle.executeUpdate(checklistDoneUpdate, { args: [{ itemId, by: actor.userId }] });
}

async function activate(rt: Runtime, body: z.output<typeof ActivateRequest>) {
  const invalid = () => new NotFoundError('activation', undefined, 'invalid_activation_token');
  const token = parseActivationToken(body.token);
  const parsed = token && parseOnboardingWorkflowId(token.workflowId);
  if (!token || !parsed) throw invalid();
  const tenant = await rt.orm.em.fork().findOne(Tenant, { code: parsed.tenantCode });
  if (!tenant) throw invalid();
  const client = await rt.temporal();
  const handle = client.workflow.getHandle<typeof onboardingWorkflow>(token.workflowId);
  const valid = await client
    .withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(tokenValidQuery, token.hash))
    .catch((err: unknown) => {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    });
  if (!valid) throw invalid();
  const problems = passwordProblems(body.password);
  if (problems.length) throw new ValidationError('The password is too weak', problems.map((message) => ({ path: 'body.password', message, code: 'weak_password' })));

  const { userId } = await handle.query(progressQuery);
  const actor = systemActor(tenant.id);
  // Password and profile first (never through the workflow history), then the workflow is told.
  await rt.services.users.resetPassword(actor, userId!, { newPassword: body.password });
  const profile = Object.fromEntries(Object.entries(body.profile).filter(([, v]) => v !== undefined));
  if (Object.keys(profile).length) await rt.services.users.update(actor, userId!, profile);
  await handle.executeUpdate(activateUpdate, { args: [{ tokenHash: token.hash }] });
  return { activated: true, username: parsed.username, tenant: tenant.code };
}

async function list(rt: Runtime, actor: Actor, q: z.output<typeof OnboardingListQuery>) {
  const tenant = await rt.services.tenants.current(actor);
  const esc = (s: string) => s.replace(/["\\]/g, '');
  let query = `${SA.tenant.name} = "${esc(tenant.code)}" AND ${SA.process.name} = "${ONBOARDING_PROCESS}" AND ExecutionStatus != "ContinuedAsNew"`;
  if (q.status === 'running') query += ' AND ExecutionStatus = "Running"';
  if (q.status === 'closed') query += ' AND ExecutionStatus != "Running"';
  const client = await rt.temporal();
  const { count } = await client.workflow.count(query);
  const items: OnboardingSummary[] = [];
  let index = 0;
  const offset = (q.page - 1) * q.pageSize;
  for await (const wf of client.workflow.list({ query, pageSize: Math.min(offset + q.pageSize, 1000) })) {
    if (index++ < offset) continue;
    items.push({
      id: wf.workflowId,
      username: parseOnboardingWorkflowId(wf.workflowId)?.username ?? '',
      status: (wf.typedSearchAttributes.get(SA.status) as string | undefined) ?? null,
      execution: executionOf(wf.status.name),
      startedAt: wf.startTime.toISOString(),
      closedAt: wf.closeTime?.toISOString() ?? null,
    });
    if (items.length >= q.pageSize) break;
  }
  return pageOf(items, count, q);
}

export const onboardingModule: RouteModule = {
  prefix: PREFIX,
  tag: 'Onboarding',
  routes: [
    route({
      method: 'post',
      path: '/',
      summary: 'Start the onboarding of a new hire (durable workflow)',
      description:
        'Checks the input, then starts the onboarding workflow `onboarding:<tenant>:<username>`: provisioning, welcome mail with an activation link, reminders and escalation, checklist to-dos, day-one information and check-ins. ' +
        'Answers 202 at once; a repeated request while it runs returns the same workflow.',
      permission: PERMISSIONS.onboardingManage,
      body: StartOnboardingRequest,
      status: 202,
      response: OnboardingStarted,
      errors: [409, 422],
      handler: async ({ rt, actor, body, ctx }) => {
        const started = await startOnboarding(rt, actor, body);
        ctx.set('Location', started.statusUrl);
        return started;
      },
    }),
    route({
      method: 'get',
      path: '/',
      summary: 'List onboardings of the tenant (newest first)',
      permission: PERMISSIONS.onboardingManage,
      query: OnboardingListQuery,
      response: PageOf(OnboardingSummary),
      handler: async ({ rt, actor, query }) => list(rt, actor, query),
    }),
    publicRoute({
      method: 'post',
      path: '/activate',
      auth: false,
      summary: 'Activate an onboarded account (public, single-use token from the mail)',
      description:
        'Sets the password and profile, then tells the workflow. An unknown, used or superseded token is 404 `invalid_activation_token`. ' +
        'At most ACTIVATION_MAX_PER_IP attempts per client address and window (429 `rate_limited` with Retry-After).',
      body: ActivateRequest,
      response: z.object({ activated: z.boolean(), username: z.string(), tenant: z.string() }),
      errors: [404, 422, 429],
      handler: async ({ rt, body, ctx }) => {
        await limitPerIp(rt, ctx, 'activate', rt.config.ACTIVATION_MAX_PER_IP, rt.config.ACTIVATION_WINDOW_SECONDS);
        return activate(rt, body);
      },
    }),
    route({
      method: 'get',
      path: '/mine',
      summary: 'My own onboarding, as the new hire',
      description: 'The onboarding that created my account (404 when there is none).',
      response: OnboardingView,
      errors: [404],
      handler: async ({ rt, actor }) => {
        const me = await rt.services.users.get(actor, actor.userId);
        const tenant = await rt.services.tenants.current(actor);
        return viewOf(rt, actor, onboardingWorkflowId(tenant.code, me.username), me.username);
      },
    }),
    route({
      method: 'get',
      path: '/:id',
      summary: 'Progress of an onboarding (steps done, waiting on whom)',
      description: 'For HR (`onboarding:manage`), the new hire, their manager and IT, and whoever holds a checklist item; 404 for anyone else.',
      params: OnboardingIdParams,
      response: OnboardingView,
      errors: [404],
      handler: async ({ rt, actor, params }) => viewOf(rt, actor, params.id),
    }),
    route({
      method: 'post',
      path: '/:id/checklist/:itemId/done',
      summary: 'Report a checklist item done (its assignee or HR)',
      description: 'Completes the item’s to-do and reports it to the workflow.',
      params: ChecklistItemParams,
      response: ChecklistItemView,
      errors: [403, 404, 409, 422],
      handler: async ({ rt, actor, params }) => markChecklistDone(rt, actor, params.id, params.itemId),
    }),
    route({
      method: 'post',
      path: '/:id/cancel',
      summary: 'Cancel an onboarding (disables the account, removes open to-dos)',
      permission: PERMISSIONS.onboardingManage,
      params: OnboardingIdParams,
      body: CancelRequest,
      status: 202,
      response: OnboardingProgressView,
      errors: [404, 409, 422],
      handler: async ({ rt, actor, params, body }) => {
        const { handle } = await runningProgress(rt, actor, params.id);
        return handle.executeUpdate(cancelUpdate, { args: [{ reason: body.reason, by: actor.userId }] });
      },
    }),
  ],
};
