/**
 * Tenants as platform operators see them: create (the onboarding saga), list, read with the
 * saga's progress, suspend, resume and delete (a batched workflow with a final report).
 *
 * Who: the routes ask for `platform:tenant:read|write`, codes only the platform tenant can hold
 * (activities/permission/catalog.ts); this service checks once more that the caller's tenant is
 * the platform tenant. Which tenants: customer tenants; the platform tenant itself is not one
 * of them (404), so an operator cannot suspend or delete the platform.
 */
import { ScheduleNotFoundError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { QueryDefinition } from '@temporalio/common';
import type { Runtime } from '../runtime';
import { systemActor, type Actor } from '../../common/actor';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../common/errors';
import { offsetOf, pageOf, type Page } from '../../common/pagination';
import { Package, Tenant, TenantAdminInvitation, User, type TenantStatus } from '../../db/entities';
import { locateProcess, readProcess, startProcess, type ProcessReading } from '../../temporal/processes';
import { digestScheduleId } from '../../workflows/digest/contract';
import {
  TENANT_DELETION,
  TENANT_ONBOARDING,
  tenantDeletionProgressQuery,
  tenantOnboardingProgressQuery,
  type TenantDeletionInput,
  type TenantDeletionReport,
  type TenantOnboardingInput,
  type TenantOnboardingProgress,
} from '../../workflows/tenants/contract';
import type { ProcessDefinition } from '../../workflows/process';
import { passwordProblems } from '../auth/password';
import {
  toPlatformTenantView,
  type CreateTenantRequest,
  type PlatformTenantDetail,
  type PlatformTenantView,
  type TenantDeletionView,
  type TenantListQuery,
  type TenantOnboardingView,
  type TenantProcessStarted,
} from './schema';

export const PLATFORM_TENANTS_PATH = '/api/v1/platform/tenants';
/** Rows per delete statement of the tenant deletion: short locks, small loss on a crash. */
export const TENANT_DELETION_BATCH = 500;

export class PlatformTenantService {
  constructor(private readonly rt: Runtime) {}

  private em() {
    return this.rt.orm.em.fork();
  }

  async create(actor: Actor, body: CreateTenantRequest): Promise<TenantProcessStarted> {
    await this.assertOperator(actor);
    if (!(await this.em().findOne(Package, { code: body.packageCode }))) {
      throw new ValidationError('The tenant cannot be created', [{ path: 'body.packageCode', message: `There is no package ${body.packageCode}` }]);
    }
    const client = await this.rt.temporal();
    const workflowId = TENANT_ONBOARDING.workflowId(body.code, body.code);
    const existing = await this.em().findOne(Tenant, { code: body.code });
    // A tenant made otherwise (the seed), or the platform: not this saga's to take over.
    if (existing && (existing.kind !== 'customer' || !(await hasRun(client, workflowId)))) {
      throw new ConflictError('tenant_code_taken', `A tenant with the code ${body.code} already exists`);
    }
    const input: TenantOnboardingInput = {
      code: body.code,
      name: body.name,
      timeZone: body.timeZone,
      packageCode: body.packageCode,
      admin: body.admin,
      requestedBy: actor.userId,
      invitationTtlMs: body.invitationTtlMs,
    };
    await startProcess(
      client,
      TENANT_ONBOARDING,
      {
        tenantCode: body.code,
        businessKey: body.code,
        taskQueue: this.rt.config.TEMPORAL_TASK_QUEUE,
        args: [input],
        initiator: actor.userId,
        status: 'tenant',
        summary: `Onboard tenant ${body.code}`,
        details: `Requested by platform operator \`${actor.userId}\`; administrator \`${body.admin.username}\``,
        // The code is free again once its tenant was deleted: a new onboarding may follow the old, completed one.
        reuse: existing ? 'ALLOW_DUPLICATE_FAILED_ONLY' : 'ALLOW_DUPLICATE',
      },
      // Idempotent on the code: the same request again answers the run that has it.
      { onAlreadyStarted: 'keep' },
    );
    return { code: body.code, workflowId, statusUrl: `${PLATFORM_TENANTS_PATH}/${body.code}` };
  }

  /** Package ids to codes: few rows (plans), read whole. */
  private async packageCodes(): Promise<Map<string, string>> {
    return new Map((await this.em().find(Package, {}, { fields: ['id', 'code'] })).map((p) => [p.id, p.code]));
  }

  private async view(tenant: Tenant): Promise<PlatformTenantView> {
    return toPlatformTenantView(tenant, (await this.packageCodes()).get(tenant.packageId) ?? tenant.packageId);
  }

  async list(actor: Actor, q: TenantListQuery): Promise<Page<PlatformTenantView>> {
    await this.assertOperator(actor);
    const [rows, total] = await this.em().findAndCount(
      Tenant,
      { kind: 'customer', ...(q.status ? { status: q.status } : {}) },
      { orderBy: { code: 'asc' }, ...offsetOf(q) },
    );
    const codes = await this.packageCodes();
    return pageOf(rows.map((t) => toPlatformTenantView(t, codes.get(t.packageId) ?? t.packageId)), total, q);
  }

  async get(actor: Actor, code: string): Promise<PlatformTenantDetail> {
    await this.assertOperator(actor);
    const tenant = await this.customer(code);
    const usersCount = await this.em().count(User, { tenantId: tenant.id, deletedAt: null });
    return { ...(await this.view(tenant)), usersCount, onboarding: await this.onboardingOf(code), deletion: await this.deletionOf(code) };
  }

  /**
   * Logins, tokens and API keys of the tenant are refused from now on (`tenant_suspended`);
   * its running workflows go on; its schedules are paused. Suspending a suspended tenant again
   * changes nothing.
   */
  async suspend(actor: Actor, code: string): Promise<PlatformTenantView> {
    await this.assertOperator(actor);
    const tenant = await this.transition(code, ['active', 'suspended'], 'suspended');
    await this.schedules(code, 'pause', `Tenant suspended by platform operator ${actor.userId}`);
    return this.view(tenant);
  }

  async resume(actor: Actor, code: string): Promise<PlatformTenantView> {
    await this.assertOperator(actor);
    const tenant = await this.transition(code, ['suspended', 'active'], 'active');
    await this.schedules(code, 'unpause', `Tenant resumed by platform operator ${actor.userId}`);
    return this.view(tenant);
  }

  /** Only a suspended tenant: its data is removed by `tenant-deletion:<code>`, which reports what went. */
  async delete(actor: Actor, code: string): Promise<TenantProcessStarted> {
    await this.assertOperator(actor);
    const tenant = await this.transition(code, ['suspended', 'deleting'], 'deleting');
    const input: TenantDeletionInput = { tenantId: tenant.id, code, requestedBy: actor.userId, batchSize: TENANT_DELETION_BATCH };
    const started = await startProcess(
      await this.rt.temporal(),
      TENANT_DELETION,
      {
        tenantCode: code,
        businessKey: code,
        taskQueue: this.rt.config.TEMPORAL_TASK_QUEUE,
        args: [input],
        initiator: actor.userId,
        status: 'deleting',
        summary: `Delete tenant ${code}`,
        details: `Requested by platform operator \`${actor.userId}\``,
      },
      { onAlreadyStarted: 'keep' },
    );
    return { code, workflowId: started.workflowId, statusUrl: `${PLATFORM_TENANTS_PATH}/${code}/deletion` };
  }

  /** The deletion's progress, and its report once done (readable after the tenant row is gone). */
  async deletion(actor: Actor, code: string): Promise<TenantDeletionView> {
    await this.assertOperator(actor);
    const view = await this.deletionOf(code);
    if (!view) throw new NotFoundError(TENANT_DELETION.resource, TENANT_DELETION.workflowId(code, code));
    return view;
  }

  /**
   * The first tenant administrator sets a password with the token from the invitation
   * (`POST /api/v1/onboarding/activate`, which hands tokens of a tenant onboarding here). The
   * invitation is consumed by one conditional update: of two concurrent activations one wins.
   */
  async activateAdmin(token: { workflowId: string; hash: string }, body: { password: string; profile: { displayName?: string; phone?: string | null } }) {
    const invalid = () => new AppError(404, 'invalid_activation_token', 'activation was not found');
    const parsed = TENANT_ONBOARDING.parseWorkflowId(token.workflowId);
    if (!parsed) throw invalid();
    const em = this.em();
    const invitation = await em.findOne(TenantAdminInvitation, { tokenHash: token.hash, workflowId: token.workflowId, usedAt: null, expiresAt: { $gt: new Date() } });
    const tenant = invitation && (await em.findOne(Tenant, { id: invitation.tenantId, code: parsed.tenantCode, status: 'active' }));
    if (!invitation || !tenant) throw invalid();
    const problems = passwordProblems(body.password);
    if (problems.length) throw new ValidationError('The password is too weak', problems.map((message) => ({ path: 'body.password', message, code: 'weak_password' })));
    const won = await em.nativeUpdate(TenantAdminInvitation, { id: invitation.id, usedAt: null }, { usedAt: new Date() });
    if (!won) throw invalid();
    const actor = systemActor(tenant.id);
    await this.rt.services.users.resetPassword(actor, invitation.userId, { newPassword: body.password });
    const profile = Object.fromEntries(Object.entries(body.profile).filter(([, v]) => v !== undefined));
    if (Object.keys(profile).length) await this.rt.services.users.update(actor, invitation.userId, profile);
    const user = await em.findOneOrFail(User, { tenantId: tenant.id, id: invitation.userId });
    return { activated: true as const, username: user.username, tenant: tenant.code };
  }

  // ───────────────────────────────────────────── helpers

  /** Platform operators only: the permission says so already; the caller's tenant must be the platform's too. */
  private async assertOperator(actor: Actor): Promise<void> {
    if (actor.via === 'system') return;
    const own = await this.em().findOne(Tenant, { id: actor.tenantId }, { fields: ['kind'] });
    if (own?.kind !== 'platform') throw new ForbiddenError('permission_denied', 'Only platform operators manage tenants');
  }

  private async customer(code: string): Promise<Tenant> {
    const tenant = await this.em().findOne(Tenant, { code, kind: 'customer' });
    if (!tenant) throw new NotFoundError('tenant', code);
    return tenant;
  }

  /** Move `from[0]` → `to` in one conditional update; being in `to` already is fine (idempotent). */
  private async transition(code: string, [from, already]: [TenantStatus, TenantStatus], to: TenantStatus): Promise<Tenant> {
    const em = this.em();
    const tenant = await this.customer(code);
    if (tenant.status === already) return tenant;
    const n = await em.nativeUpdate(Tenant, { id: tenant.id, status: from }, { status: to, updatedAt: new Date() });
    if (!n) throw new ConflictError('tenant_state_invalid', `The tenant is ${tenant.status}; this needs it ${from}`);
    return em.findOneOrFail(Tenant, { id: tenant.id });
  }

  /** Pause or unpause the tenant's schedules (the digest); a missing one has nothing to pause. */
  private async schedules(code: string, action: 'pause' | 'unpause', note: string): Promise<void> {
    const handle = (await this.rt.temporal()).schedule.getHandle(digestScheduleId(code));
    try {
      await handle[action](note);
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) return;
      throw new AppError(503, 'scheduler_unavailable', `The scheduler cannot be reached: ${(err as Error).message}`);
    }
  }

  private async onboardingOf(code: string): Promise<TenantOnboardingView | null> {
    const r = await this.reading<TenantOnboardingProgress>(TENANT_ONBOARDING, code, tenantOnboardingProgressQuery);
    if (!r) return null;
    const progress = r.live ?? (r.result as TenantOnboardingProgress | null) ?? ((r.failure?.details?.[0] as TenantOnboardingProgress | undefined) ?? null);
    return { ...processInfo(r), progress };
  }

  private async deletionOf(code: string): Promise<TenantDeletionView | null> {
    const r = await this.reading<TenantDeletionReport>(TENANT_DELETION, code, tenantDeletionProgressQuery);
    if (!r) return null;
    return { ...processInfo(r), report: (r.live ?? r.result ?? null) as TenantDeletionReport | null };
  }

  private async reading<P>(def: ProcessDefinition, code: string, query: QueryDefinition<P, []>): Promise<ProcessReading<P, unknown> | null> {
    const client = await this.rt.temporal();
    try {
      const located = await locateProcess(client, def, code, def.workflowId(code, code));
      return (await readProcess(client, located, query)) as ProcessReading<P, unknown>;
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
  }
}

function processInfo(r: ProcessReading<unknown, unknown>) {
  return { workflowId: r.workflowId, execution: r.execution, startedAt: r.startedAt, closedAt: r.closedAt, error: r.execution !== 'running' && r.execution !== 'completed' ? (r.error ?? 'did not complete') : null };
}

async function hasRun(client: Client, workflowId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

