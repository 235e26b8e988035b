/**
 * Who may hand out what. One rule for every place a role is given (users, provisioning,
 * onboarding, role membership, approval `grantRole` steps) and for every role edit that widens
 * what a role sees, so a narrower administrator can never mint a wider one:
 *
 * - giving a role needs `role:assign`, every permission of the role, and a data scope that
 *   covers what the role would let its new holder see;
 * - acting on a user (disable, delete, reset password, take roles away) needs every
 *   permission that user holds, so a helpdesk account cannot lock out or take over an admin.
 *
 * System actors (workflow activities) pass: what a process does later was checked against the
 * person who asked for it, at the time they asked.
 */
import type { EntityManager } from '@mikro-orm/knex';
import type { Runtime } from '../runtime';
import { can, type Actor } from '../../common/actor';
import { ForbiddenError } from '../../common/errors';
import { Department, Role, RoleDepartment, RolePermission, type DataScope } from '../../db/entities';
import { requireHoldsAll, requirePermission } from './guard';

/** A role's data scope: its kind, and its departments when the kind is `custom`. */
export interface ScopeSpec {
  dataScope: DataScope;
  departmentIds: readonly string[];
}

/**
 * The departments a holder sitting in `holderDepartmentId` sees through a role of this scope
 * (`'all'` = the whole tenant). `department` and `department_tree` are relative to the holder.
 */
async function departmentsSeen(em: EntityManager, tenantId: string, spec: ScopeSpec, holderDepartmentId: string | null): Promise<'all' | string[]> {
  switch (spec.dataScope) {
    case 'all':
      return 'all';
    case 'self':
      return [];
    case 'custom':
      return [...spec.departmentIds];
    case 'department':
      return holderDepartmentId ? [holderDepartmentId] : [];
    case 'department_tree': {
      if (!holderDepartmentId) return [];
      const dept = await em.findOne(Department, { tenantId, id: holderDepartmentId });
      if (!dept) return [];
      return (await em.find(Department, { tenantId, path: { $like: `${dept.path}%` } }, { fields: ['id'] })).map((d) => d.id);
    }
  }
}

/**
 * Refuse (403 `scope_escalation`) a data scope that would let any of its holders see more than
 * the actor sees. `holderDepartmentIds` are the departments of the people who hold (or are
 * about to hold) the role; for the holder-independent kinds (`all`, `self`, `custom`) they do
 * not matter.
 */
export async function assertScopeWithin(
  rt: Runtime,
  em: EntityManager,
  actor: Actor,
  spec: ScopeSpec,
  holderDepartmentIds: readonly (string | null)[] = [null],
): Promise<void> {
  if (actor.via === 'system') return;
  const mine = await rt.services.permissions.dataScopeFor(actor);
  if (mine.all) return;
  const allowed = new Set(mine.departmentIds);
  const beyond = new Set<string>();
  const holders = spec.dataScope === 'department' || spec.dataScope === 'department_tree' ? [...new Set(holderDepartmentIds)] : [null];
  for (const holder of holders) {
    const seen = await departmentsSeen(em, actor.tenantId, spec, holder);
    if (seen === 'all') throw new ForbiddenError('scope_escalation', 'You cannot give the data scope "all": your own data scope is narrower');
    for (const id of seen) if (!allowed.has(id)) beyond.add(id);
  }
  if (beyond.size) {
    throw new ForbiddenError('scope_escalation', `You cannot give a data scope wider than your own; outside it: department(s) ${[...beyond].sort().join(', ')}`);
  }
}

/**
 * The one check before any role is given: `role:assign` (403 `permission_denied`), every
 * permission of every role (403 `permission_escalation`) and the roles' data scopes seen from
 * the holders' departments (403 `scope_escalation`). Unknown role ids are the caller's to report.
 */
export async function assertMayGrantRoles(
  rt: Runtime,
  em: EntityManager,
  actor: Actor,
  roleIds: readonly string[],
  holderDepartmentIds: readonly (string | null)[] = [null],
): Promise<void> {
  if (actor.via === 'system' || !roleIds.length) return;
  requirePermission(actor, 'role:assign');
  const { tenantId } = actor;
  const ids = [...new Set(roleIds)];
  const roles = await em.find(Role, { tenantId, id: { $in: ids } });
  if (!roles.length) return;
  const grants = await em.find(RolePermission, { tenantId, roleId: { $in: roles.map((r) => r.id) } });
  requireHoldsAll(actor, grants.map((g) => g.permissionCode));
  for (const role of roles) {
    const departmentIds = role.dataScope === 'custom' ? (await em.find(RoleDepartment, { tenantId, roleId: role.id })).map((d) => d.departmentId) : [];
    await assertScopeWithin(rt, em, actor, { dataScope: role.dataScope, departmentIds }, holderDepartmentIds);
  }
}

/**
 * Refuse (403 `user_outranks_actor`) to act on a user who holds a permission the actor lacks
 * (for an API key: its owner). Acting on yourself is always within your own rights.
 */
export async function assertMayActOnUser(rt: Runtime, actor: Actor, targetUserId: string): Promise<void> {
  if (actor.via === 'system' || actor.userId === targetUserId) return;
  const theirs = await rt.services.permissions.effectivePermissions(actor.tenantId, targetUserId);
  // An API key's scopes choose which operations it may call; whom it may act on is its owner's rank.
  const mine = actor.via === 'api_key' ? new Set(await rt.services.permissions.effectivePermissions(actor.tenantId, actor.userId)) : null;
  const missing = theirs.filter((code) => (mine ? !mine.has(code) : !can(actor, code)));
  if (missing.length) {
    throw new ForbiddenError('user_outranks_actor', `This user holds permissions you do not hold (${missing.join(', ')}); ask someone who holds them`);
  }
}
