/**
 * Employee onboarding as a service: HR starts, follows and cancels the onboarding of a new hire;
 * assignees report checklist items done; the new hire activates the account with the
 * single-use token from the mail. The workflow is the source of truth: progress comes from its
 * query (or its outcome once closed), the listing from Temporal visibility.
 *
 * Who sees what: HR (`onboarding:manage`) every onboarding of the tenant; the new hire, their
 * manager, IT and whoever holds a checklist item their own. To anyone else an onboarding does
 * not exist, whatever state it is in: they get the same 404 as for an id nobody uses, before
 * any answer that depends on its state (closed, item unknown, not the assignee).
 */
import type { Runtime } from '../runtime';
import { can, systemActor, type Actor } from '../../common/actor';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ServiceUnavailableError, ValidationError, type FieldError } from '../../common/errors';
import { pageOf, type Page } from '../../common/pagination';
import { Tenant, User } from '../../db/entities';
import { PERMISSIONS } from '../permission/catalog';
import { passwordProblems } from '../auth/password';
import { precheckProvisioning } from '../user/activities';
import { WorkflowNotFoundError } from '@temporalio/client';
import { QUERY_DEADLINE_MS, listProcesses, locateProcess, readProcess, startProcess, updateProcess, type LocatedProcess, type ProcessReading } from '../../temporal/processes';
import { PROVISIONING } from '../../workflows/provisioning/contract';
import { TENANT_ONBOARDING } from '../../workflows/tenants/contract';
import {
  ONBOARDING,
  activateUpdate,
  cancelUpdate,
  checklistDoneUpdate,
  checklistDoneUpdateId,
  progressQuery,
  tokenValidQuery,
  type ChecklistItemState,
  type OnboardingInput,
  type OnboardingProgress,
} from '../../workflows/onboarding/contract';
import type { onboardingWorkflow } from '../../workflows/onboarding/workflow';
import { parseActivationToken } from './activities';
import type { ActivateRequest, OnboardingListQuery, OnboardingSummary, OnboardingView, StartOnboardingRequest } from './schema';

type Located = LocatedProcess<typeof onboardingWorkflow>;

/** How many times (300 ms apart) activation looks again before calling a link of a running onboarding invalid. */
const ACTIVATION_LOOK_AGAIN = 10;

/** Kept with the run (memo): who may read the progress besides HR and the new hire. */
interface OnboardingMemo {
  managerId?: string;
  itUserId?: string;
}

export class OnboardingService {
  constructor(private readonly rt: Runtime) {}

  async start(actor: Actor, body: StartOnboardingRequest): Promise<{ id: string; runId: string }> {
    const tenant = await this.rt.services.tenants.current(actor);
    const itUserId = body.itUserId ?? actor.userId;
    const em = this.rt.orm.em.fork();
    const problems: FieldError[] = [];
    for (const [path, id] of [['body.managerId', body.managerId], ['body.itUserId', itUserId]] as const) {
      if (!(await em.count(User, { tenantId: actor.tenantId, id, deletedAt: null, status: 'active' }))) problems.push({ path, message: 'no such active user in this tenant', code: 'not_found' });
    }
    if (problems.length) throw new ValidationError('The onboarding cannot be started', problems);
    const { managerId: _m, itUserId: _i, startDate, checklistTemplate, timing, ...user } = body;
    await precheckProvisioning(this.rt, actor, user, PROVISIONING.workflowId(tenant.code, body.username));

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
    const memo: OnboardingMemo = { managerId: body.managerId, itUserId };
    const started = await startProcess(
      await this.rt.temporal(),
      ONBOARDING,
      {
        tenantCode: tenant.code,
        businessKey: body.username,
        taskQueue: this.rt.config.TEMPORAL_TASK_QUEUE,
        args: [input],
        initiator: actor.userId,
        status: 'provisioning',
        memo: { ...memo },
        // The username only: the new hire's name is personal data (see README, "Data in Temporal").
        summary: `Onboard ${body.username} in ${tenant.code}`,
        details: `Requested by \`${actor.userId}\`; manager \`${body.managerId}\`; start ${input.startDate}; checklist \`${checklistTemplate}\``,
      },
      { onAlreadyStarted: (id) => new ConflictError('already_onboarded', `${body.username} has already been onboarded in this tenant`, { id }) },
    );
    return { id: started.workflowId, runId: started.runId! };
  }

  async list(actor: Actor, q: OnboardingListQuery): Promise<Page<OnboardingSummary>> {
    const tenant = await this.rt.services.tenants.current(actor);
    const { items, total } = await listProcesses(await this.rt.temporal(), ONBOARDING, tenant.code, { page: q.page, pageSize: q.pageSize, execution: q.status });
    return pageOf(
      items.map((i) => ({ id: i.workflowId, username: i.businessKey, status: i.status, execution: i.execution, startedAt: i.startedAt, closedAt: i.closedAt })),
      total,
      q,
    );
  }

  /** The progress of an onboarding the caller may see (404 otherwise). */
  async view(actor: Actor, id: string): Promise<OnboardingView> {
    return viewOf(await this.visible(actor, id));
  }

  /** The onboarding that created the caller's account. */
  async mine(actor: Actor): Promise<OnboardingView> {
    const me = await this.rt.services.users.get(actor, actor.userId);
    const tenant = await this.rt.services.tenants.current(actor);
    return viewOf(await this.visible(actor, ONBOARDING.workflowId(tenant.code, me.username), me.username));
  }

  /**
   * Report a checklist item done (its assignee or HR) and complete its to-do. The report is one
   * Update with an id per item, the same id the to-do listener uses (checklist-todos.ts), so the
   * item is reported once whichever path gets there first, and the Update goes out before the
   * to-do changes: the to-do's own report can no longer close the workflow under this request.
   */
  async completeChecklistItem(actor: Actor, id: string, itemId: string): Promise<ChecklistItemState> {
    const { located, reading } = await this.visible(actor, id);
    const progress = this.runningProgress(reading);
    const item = progress.checklist.find((i) => i.id === itemId);
    if (!item) throw new NotFoundError('checklist_item', itemId);
    if (item.userId !== actor.userId && !can(actor, PERMISSIONS.onboardingManage)) {
      throw new ForbiddenError('permission_denied', `Only the assignee or someone with ${PERMISSIONS.onboardingManage} can complete this item`);
    }
    const done = await updateProcess(ONBOARDING, located.handle, checklistDoneUpdate, [{ itemId, by: actor.userId }], { updateId: checklistDoneUpdateId(itemId) });
    if (item.todoId) {
      await this.rt.services.todos.setDone(systemActor(actor.tenantId, item.userId), item.todoId, true).catch((err: unknown) => {
        if (!(err instanceof NotFoundError)) throw err; // the assignee deleted the to-do: the item is reported all the same
      });
    }
    return done;
  }

  async cancel(actor: Actor, id: string, reason: string): Promise<OnboardingProgress> {
    const { located, reading } = await this.visible(actor, id);
    if (reading.execution !== 'running') throw closed(reading);
    return updateProcess(ONBOARDING, located.handle, cancelUpdate, [{ reason, by: actor.userId }]);
  }

  /**
   * The new hire sets a password (and profile) with the token from the mail. The token is
   * consumed first, by the workflow (an Update whose validator accepts only the current token,
   * once): of two concurrent activations exactly one gets past it, and only that one sets a
   * password. Everything that can be refused (malformed token, weak password) is checked before.
   */
  async activate(body: ActivateRequest): Promise<{ activated: true; username: string; tenant: string }> {
    const invalid = () => new AppError(404, 'invalid_activation_token', 'activation was not found');
    const token = parseActivationToken(body.token);
    // The first administrator of a new tenant is invited by the platform's tenant onboarding, same token format.
    if (token && TENANT_ONBOARDING.parseWorkflowId(token.workflowId)) return this.rt.services.platformTenants.activateAdmin(token, body);
    const parsed = token && ONBOARDING.parseWorkflowId(token.workflowId);
    if (!token || !parsed) throw invalid();
    const tenant = await this.rt.orm.em.fork().findOne(Tenant, { code: parsed.tenantCode });
    if (!tenant) throw invalid();
    const problems = passwordProblems(body.password, (await this.rt.services.tenantParameters.get(tenant.id)).passwordPolicy);
    if (problems.length) throw new ValidationError('The password is too weak', problems.map((message) => ({ path: 'body.password', message, code: 'weak_password' })));

    const client = await this.rt.temporal();
    const handle = client.workflow.getHandle<typeof onboardingWorkflow>(token.workflowId);
    // A quick look first (bounded: no worker means no waiting on an Update); the Update below decides.
    const look = () =>
      client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(tokenValidQuery, token.hash)).catch((err: unknown) => {
        if (err instanceof WorkflowNotFoundError) return null;
        throw err;
      });
    let valid = await look();
    // The mail can arrive before the workflow has recorded the link it carries (the activity that
    // sends it returns the hash), so a "no" from a running onboarding is asked again for a moment.
    for (let attempt = 0; valid === false && attempt < ACTIVATION_LOOK_AGAIN; attempt++) {
      await new Promise((r) => setTimeout(r, 300));
      valid = await look();
    }
    if (!valid) throw invalid();
    // Unknown, used, superseded, or the onboarding is over: all the same answer.
    const { userId } = await updateProcess(ONBOARDING, handle, activateUpdate, [{ tokenHash: token.hash }], { rejected: invalid, closed: invalid });

    // Password and profile never go through the workflow history.
    const actor = systemActor(tenant.id);
    await this.rt.services.users.resetPassword(actor, userId, { newPassword: body.password });
    const profile = Object.fromEntries(Object.entries(body.profile).filter(([, v]) => v !== undefined));
    if (Object.keys(profile).length) await this.rt.services.users.update(actor, userId, profile);
    return { activated: true, username: parsed.businessKey, tenant: tenant.code };
  }

  /**
   * The onboarding and its state, if the caller may see it. Every "no" is the one 404 an unknown
   * id gets, and it is decided before anything that depends on the onboarding's state.
   */
  private async visible(actor: Actor, id: string, ownUsername?: string): Promise<{ located: Located; reading: Reading }> {
    const tenant = await this.rt.services.tenants.current(actor);
    const client = await this.rt.temporal();
    const located = await locateProcess(client, ONBOARDING, tenant.code, id);
    const reading = await readProcess(client, located, progressQuery);
    if (!mayView(actor, located, progressOf(reading), ownUsername)) throw new NotFoundError(ONBOARDING.resource, id);
    return { located, reading };
  }

  /** The live progress of a running onboarding: 409 once it is closed, 503 while no worker answers. */
  private runningProgress(reading: Reading): OnboardingProgress {
    if (reading.execution !== 'running') throw closed(reading);
    if (!reading.live) throw new ServiceUnavailableError('onboarding_unavailable', 'The onboarding did not answer in time; try again in a moment');
    return reading.live;
  }
}

type Reading = ProcessReading<OnboardingProgress, OnboardingProgress>;

const closed = (reading: Reading) => new ConflictError('onboarding_closed', `This onboarding is ${reading.execution}`);

/**
 * HR, or one of the people it is about: the new hire, their manager, IT, a checklist or check-in
 * holder. `ownUsername`: the caller asks for their own onboarding (the id names their username),
 * which they may see before the progress names their account.
 */
function mayView(actor: Actor, located: Located, progress: OnboardingProgress | null, ownUsername?: string): boolean {
  if (can(actor, PERMISSIONS.onboardingManage)) return true;
  const memo = (located.description.memo ?? {}) as OnboardingMemo;
  const people = new Set([memo.managerId, memo.itUserId, progress?.userId, ...(progress?.checklist ?? []).map((i) => i.userId)]);
  return people.has(actor.userId) || (ownUsername !== undefined && ownUsername === located.businessKey);
}

/** The progress a reading carries: live, the result, or the record a failed run ended with. */
function progressOf(r: Reading): OnboardingProgress | null {
  return r.live ?? r.result ?? ((r.failure?.details?.[0] as OnboardingProgress | undefined) ?? null);
}

function viewOf({ reading: r }: { reading: Reading }): OnboardingView {
  const closedBadly = r.execution !== 'running' && r.execution !== 'completed';
  return {
    id: r.workflowId,
    execution: r.execution,
    startedAt: r.startedAt,
    closedAt: r.closedAt,
    progress: progressOf(r),
    error: closedBadly ? (r.error ?? 'The onboarding did not complete') : null,
  };
}
