/**
 * Activities of the tenant processes (workflows/tenants/). Each is idempotent: rows are looked
 * up by their natural key before they are created, the invitation mail goes through the mail
 * ledger with a key per run, and every undo tolerates "nothing to undo".
 */
import { ScheduleNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { EntityName } from '@mikro-orm/core';
import type { Runtime } from '../runtime';
import { ConflictError, NotFoundError } from '../../common/errors';
import { newId } from '../../common/ids';
import { asActivity } from '../../common/failures';
import { MailDelivery, Package, Role, Tenant, TenantAdminInvitation, User, UserRole } from '../../db/entities';
import { seedTenantBasics } from '../../db/seed';
import { seedPresetTemplates } from '../../db/seed-approval';
import { digestScheduleId } from '../../workflows/digest/contract';
import { adminInviteMailKey, type TenantOnboardingInput } from '../../workflows/tenants/contract';
import { makeActivationToken } from '../onboarding/activities';
import { TENANT_ADMIN_ROLE } from '../permission/roles';
import { DEFAULT_PURGE_TABLE_ORDER, tenantScopedTables } from './tables';

/** What a tenant's roles, menus and templates are made of: removed together when the saga undoes "basics". */
const DEFAULT_TABLES = ['role_permissions', 'role_departments', 'user_roles', 'roles', 'menus', 'approval_template_versions', 'approval_template_managers', 'approval_templates'];

export function createPlatformActivities(rt: Runtime) {
  const tenantById = async (tenantId: string) => {
    const tenant = await rt.orm.em.fork().findOne(Tenant, { id: tenantId });
    if (!tenant) throw new NotFoundError('tenant', tenantId);
    return tenant;
  };
  const publicUrl = (path: string) => (rt.config.PUBLIC_URL ? `${rt.config.PUBLIC_URL.replace(/\/$/, '')}${path}` : path);

  /** Remove every row of the tenant in the named tables (small tables: one statement each). */
  const removeAll = async (tenantId: string, tables: string[]): Promise<Record<string, number>> => {
    const em = rt.orm.em.fork();
    const out: Record<string, number> = {};
    for (const t of tenantScopedTables(rt.orm).filter((x) => tables.includes(x.table))) {
      const n = await em.nativeDelete(t.entity as EntityName<object>, { tenantId } as never);
      if (n) out[t.table] = n;
    }
    return out;
  };
  const summary = (removed: Record<string, number>) => {
    const parts = Object.entries(removed).map(([t, n]) => `${n} ${t}`);
    return parts.length ? `removed ${parts.join(', ')}` : 'nothing to undo';
  };

  return {
    /**
     * The tenant row, in status `provisioning`. A row left by an earlier, compensated run of
     * this code (status `failed`) is taken over; any other tenant with the code is someone
     * else's: a business refusal, and no compensation touches it.
     */
    async createTenantRow(input: TenantOnboardingInput, workflowId: string): Promise<{ tenantId: string }> {
      return asActivity(async () => {
        const em = rt.orm.em.fork();
        // Checked when the operator asked; a package deleted since fails the step (and compensates).
        const pkg = await em.findOne(Package, { code: input.packageCode });
        if (!pkg) throw ApplicationFailure.nonRetryable(`The package ${input.packageCode} does not exist`, 'package_not_found');
        const packageId = pkg.id;
        const existing = await em.findOne(Tenant, { code: input.code });
        if (existing) {
          if (existing.kind !== 'customer' || !['provisioning', 'failed'].includes(existing.status)) {
            throw new ConflictError('tenant_code_taken', `A tenant with the code ${input.code} already exists`);
          }
          Object.assign(existing, { name: input.name, timeZone: input.timeZone, packageId, status: 'provisioning' });
          await em.flush();
          return { tenantId: existing.id };
        }
        const tenant = em.create(Tenant, { id: newId(), code: input.code, name: input.name, timeZone: input.timeZone, packageId, kind: 'customer', status: 'provisioning' });
        await em.flush();
        rt.log.info({ tenant: input.code, workflowId }, 'tenant row created');
        return { tenantId: tenant.id };
      });
    },

    /** Undo of the tenant row: kept, marked failed (visible to operators; the code can be onboarded again). */
    async markTenantFailed(tenantId: string): Promise<{ detail: string }> {
      return asActivity(async () => {
        const n = await rt.orm.em.fork().nativeUpdate(Tenant, { id: tenantId, status: { $in: ['provisioning', 'active'] } }, { status: 'failed' });
        return { detail: n ? 'tenant marked failed' : 'tenant already failed or gone' };
      });
    },

    /** Built-in roles, default menus and preset roles and templates (the demo tenant's own seed, idempotent). */
    async seedTenantDefaults(tenantId: string): Promise<{ roles: number; templates: string[] }> {
      return asActivity(async () => {
        await tenantById(tenantId);
        const roles = await seedTenantBasics(rt.orm.em.fork(), tenantId);
        const templates = await seedPresetTemplates(rt.orm.em.fork(), tenantId);
        return { roles: Object.keys(roles).length, templates };
      });
    },

    async removeTenantDefaults(tenantId: string): Promise<{ detail: string }> {
      return asActivity(async () => ({ detail: summary(await removeAll(tenantId, DEFAULT_TABLES)) }));
    },

    /**
     * The first tenant administrator: an account without a password holding `tenant_admin`, and
     * a mail with a single-use activation link (the employee onboarding's token format and
     * `/api/v1/onboarding/activate`). A retry after the mail went out sends nothing more.
     */
    async inviteTenantAdmin(input: TenantOnboardingInput, tenantId: string, workflowId: string, runId: string): Promise<{ userId: string }> {
      return asActivity(async () => {
        const tenant = await tenantById(tenantId);
        const em = rt.orm.em.fork();
        let user = await em.findOne(User, { tenantId, username: input.admin.username.toLowerCase() });
        if (!user) {
          user = em.create(User, {
            id: newId(),
            tenantId,
            username: input.admin.username.toLowerCase(),
            email: input.admin.email.toLowerCase(),
            displayName: input.admin.displayName,
            provisionedBy: workflowId,
          });
        }
        const role = await em.findOne(Role, { tenantId, code: TENANT_ADMIN_ROLE });
        if (!role) throw new NotFoundError('role', TENANT_ADMIN_ROLE);
        if (!(await em.count(UserRole, { tenantId, userId: user.id, roleId: role.id }))) em.create(UserRole, { id: newId(), tenantId, userId: user.id, roleId: role.id });
        await em.flush();

        const dedupeKey = adminInviteMailKey(workflowId, runId);
        if (await em.findOne(MailDelivery, { dedupeKey, status: 'sent' })) return { userId: user.id };
        const { token, hash } = makeActivationToken(workflowId);
        // One valid link at a time: a retry that mails a new token replaces the earlier one.
        await em.nativeDelete(TenantAdminInvitation, { tenantId, userId: user.id, usedAt: null });
        em.create(TenantAdminInvitation, { id: newId(), tenantId, userId: user.id, workflowId, tokenHash: hash, expiresAt: new Date(Date.now() + input.invitationTtlMs) });
        await em.flush();
        const link = publicUrl(`/activate?token=${encodeURIComponent(token)}`);
        await rt.services.mailer.send({
          tenantId,
          dedupeKey,
          to: user.email,
          subject: `${tenant.name} is ready on Signoff: activate your administrator account`,
          text: [
            `Hello ${user.displayName},`,
            '',
            `The tenant "${tenant.name}" (code ${tenant.code}) was created for you, with you as its administrator ("${user.username}").`,
            `Set your password here: ${link}`,
            `(Activation token: ${token})`,
            `Then sign in with the tenant code ${tenant.code}.`,
          ].join('\n'),
        });
        return { userId: user.id };
      });
    },

    /** Undo of the invitation: the tenant's users, their roles and invitations (only the saga's users exist yet). */
    async removeTenantUsers(tenantId: string): Promise<{ detail: string }> {
      return asActivity(async () => ({ detail: summary(await removeAll(tenantId, ['tenant_admin_invitations', 'user_roles', 'users'])) }));
    },

    async ensureTenantSchedule(tenantId: string): Promise<{ outcome: string }> {
      return asActivity(async () => {
        const tenant = await tenantById(tenantId);
        return { outcome: await rt.services.digestSchedules.ensure(tenant) };
      });
    },

    /** Delete the tenant's digest schedule (undo of the saga, first step of the deletion). */
    async deleteTenantSchedule(code: string): Promise<{ detail: string }> {
      return asActivity(async () => {
        try {
          await (await rt.temporal()).schedule.getHandle(digestScheduleId(code)).delete();
          return { detail: 'schedule deleted' };
        } catch (err) {
          if (err instanceof ScheduleNotFoundError) return { detail: 'no schedule to delete' };
          throw err;
        }
      });
    },

    /** The last step: the tenant opens for logins. */
    async openTenant(tenantId: string): Promise<void> {
      return asActivity(async () => {
        await rt.orm.em.fork().nativeUpdate(Tenant, { id: tenantId, status: 'provisioning' }, { status: 'active' });
      });
    },

    /** Tables holding rows of the tenant, in the order the deletion empties them. */
    async tenantTables(tenantId: string): Promise<string[]> {
      return asActivity(async () => {
        const tenant = await tenantById(tenantId);
        if (tenant.status !== 'deleting') throw new ConflictError('tenant_state_invalid', `Tenant ${tenant.code} is ${tenant.status}, not being deleted`);
        const names = tenantScopedTables(rt.orm).map((t) => t.table);
        const rank = (t: string) => (DEFAULT_PURGE_TABLE_ORDER.includes(t) ? DEFAULT_PURGE_TABLE_ORDER.indexOf(t) : -1);
        // Business data first, identities (users, roles) last: a crash mid-way leaves no orphans that grant anything.
        return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
      });
    },

    /** Remove at most `limit` rows of the tenant from one table; returns how many went. */
    async purgeTenantBatch(tenantId: string, table: string, limit: number): Promise<number> {
      return asActivity(async () => {
        const t = tenantScopedTables(rt.orm).find((x) => x.table === table);
        if (!t) throw ApplicationFailure.nonRetryable(`No tenant table ${table}`, 'unknown_table');
        const em = rt.orm.em.fork();
        const tenant = await em.findOne(Tenant, { id: tenantId });
        // Only a tenant being deleted is purged: a stray or replayed call cannot empty a live tenant.
        if (!tenant || tenant.status !== 'deleting') throw new ConflictError('tenant_state_invalid', `Tenant ${tenantId} is not being deleted`);
        const rows = await em.find(t.entity as EntityName<object>, { tenantId } as never, { limit, fields: t.primaryKeys as never });
        if (!rows.length) return 0;
        const pk = t.primaryKeys[0];
        const where = t.primaryKeys.length === 1 ? { [pk]: { $in: rows.map((r) => (r as Record<string, unknown>)[pk]) } } : { $or: rows.map((r) => Object.fromEntries(t.primaryKeys.map((k) => [k, (r as Record<string, unknown>)[k]]))) };
        return em.nativeDelete(t.entity as EntityName<object>, { tenantId, ...where } as never);
      });
    },

    /** The tenant row itself, last. */
    async deleteTenantRow(tenantId: string): Promise<{ removed: number }> {
      return asActivity(async () => ({ removed: await rt.orm.em.fork().nativeDelete(Tenant, { id: tenantId, status: 'deleting' }) }));
    },
  };
}
