/** Roles, their permissions and data scope, and role assignments. */
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import type { Runtime } from '../runtime';
import type { Actor } from '../../common/actor';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../../common/errors';
import { newId } from '../../common/ids';
import { offsetOf, pageOf, type Page, type PageQuery } from '../../common/pagination';
import { contains } from '../../common/query';
import { Department, Permission, Role, RoleDepartment, RolePermission, Tenant, User, UserRole } from '../../db/entities';
import { isPlatformPermission } from './catalog';
import { toUserView, type UserView } from '../user/schema';
import {
  toRoleView,
  type CreateRoleInput,
  type RoleDetailView,
  type RoleListQuery,
  type RoleView,
  type UpdateRoleInput,
} from './schema';
import { requireHoldsAll, requirePermission } from './guard';
import { assertMayActOnUser, assertMayGrantRoles, assertScopeWithin } from './privilege';
import { assertNotLastActiveAdmin, includesAdminRole } from './last-admin';
import { lockTenant } from '../user/tenant-lock';

/** The built-in role that holds every permission; it must stay that way and cannot be taken from yourself. */
export const TENANT_ADMIN_ROLE = 'tenant_admin';

const unique = <T>(xs: readonly T[]) => [...new Set(xs)];
const minus = <T>(xs: readonly T[], ys: readonly T[]) => {
  const drop = new Set(ys);
  return xs.filter((x) => !drop.has(x));
};

/*
 * Every write below commits first and only then calls `permissions.invalidateTenant`, when it
 * changed what someone holds: the next request of any user of the tenant reloads its permission
 * set (see the cache design in permissions.ts). Invalidating before the commit would let a
 * request in between cache the old set under the new version.
 */
export class RoleService {
  constructor(private readonly rt: Runtime) {}

  private get em() {
    return this.rt.orm.em;
  }

  async list(actor: Actor, q: RoleListQuery): Promise<Page<RoleView>> {
    const where = { tenantId: actor.tenantId, ...(q.q ? contains(['code', 'name'], q.q) : {}) };
    const [rows, total] = await this.em.findAndCount(Role, where, { orderBy: { code: 'asc' }, ...offsetOf(q) });
    return pageOf(rows.map(toRoleView), total, q);
  }

  async get(actor: Actor, id: string): Promise<RoleDetailView> {
    return this.detail(this.em, await this.find(this.em, actor.tenantId, id));
  }

  /** Create a role with its permission set (and departments for a custom scope), all or nothing. */
  async create(actor: Actor, input: CreateRoleInput): Promise<RoleDetailView> {
    const { tenantId } = actor;
    // No cache invalidation afterwards: nobody holds a role that did not exist.
    return this.em.fork().transactional(async (tx) => {
      const { permissions, departmentIds } = await this.validate(tx, tenantId, input, 'The role cannot be created');
      requireHoldsAll(actor, permissions);
      // Nobody holds a new role yet: a department-relative scope is checked when it is given.
      await assertScopeWithin(this.rt, tx, actor, { dataScope: input.dataScope, departmentIds });
      if (await tx.count(Role, { tenantId, code: input.code })) throw codeTaken(input.code);
      const role = tx.create(Role, {
        id: newId(),
        tenantId,
        code: input.code,
        name: input.name,
        description: input.description ?? null,
        dataScope: input.dataScope,
      });
      for (const code of permissions) tx.create(RolePermission, { id: newId(), tenantId, roleId: role.id, permissionCode: code });
      for (const departmentId of departmentIds) tx.create(RoleDepartment, { id: newId(), tenantId, roleId: role.id, departmentId });
      try {
        await tx.flush();
      } catch (err) {
        // The count above answers the common case; the unique index answers a concurrent create.
        if (err instanceof UniqueConstraintViolationException) throw codeTaken(input.code);
        throw err;
      }
      return this.detail(tx, role);
    });
  }

  /** Replace name, description, scope, permission set and departments in one transaction. */
  async update(actor: Actor, id: string, input: UpdateRoleInput): Promise<RoleDetailView> {
    const { tenantId } = actor;
    let permissionsChanged = false;
    const result = await this.em.fork().transactional(async (tx) => {
      const role = await this.find(tx, tenantId, id);
      const { permissions, departmentIds } = await this.validate(tx, tenantId, input, 'The role cannot be changed');
      const currentCodes = (await tx.find(RolePermission, { tenantId, roleId: id })).map((p) => p.permissionCode);
      if (role.code === TENANT_ADMIN_ROLE) {
        // Every code this tenant may hold: a customer's administrator never holds the platform scope.
        const customer = (await tx.findOneOrFail(Tenant, { id: tenantId })).kind !== 'platform';
        const everything = (await tx.find(Permission, {}, { fields: ['code'] })).map((p) => p.code).filter((c) => !(customer && isPlatformPermission(c)));
        if (input.dataScope !== 'all' || minus(everything, permissions).length || minus(permissions, everything).length) {
          throw new ConflictError('role_builtin', 'The tenant administrator role always holds every permission with the data scope "all"; only its name and description can change');
        }
      }
      const addedCodes = minus(permissions, currentCodes);
      const removedCodes = minus(currentCodes, permissions);
      requireHoldsAll(actor, addedCodes);
      const currentDepartments = (await tx.find(RoleDepartment, { tenantId, roleId: id })).map((d) => d.departmentId);
      if (input.dataScope !== role.dataScope || minus(departmentIds, currentDepartments).length) {
        // A wider scope reaches every current holder at once, so it is checked from where each of them sits.
        const holderIds = (await tx.find(UserRole, { tenantId, roleId: id }, { fields: ['userId'] })).map((l) => l.userId);
        const holders = holderIds.length ? await tx.find(User, { tenantId, id: { $in: holderIds } }, { fields: ['departmentId'] }) : [];
        await assertScopeWithin(this.rt, tx, actor, { dataScope: input.dataScope, departmentIds }, [null, ...holders.map((u) => u.departmentId)]);
      }
      if (removedCodes.length) await tx.nativeDelete(RolePermission, { tenantId, roleId: id, permissionCode: { $in: removedCodes } });
      for (const code of addedCodes) tx.create(RolePermission, { id: newId(), tenantId, roleId: id, permissionCode: code });

      const droppedDepartments = minus(currentDepartments, departmentIds);
      if (droppedDepartments.length) await tx.nativeDelete(RoleDepartment, { tenantId, roleId: id, departmentId: { $in: droppedDepartments } });
      for (const departmentId of minus(departmentIds, currentDepartments)) tx.create(RoleDepartment, { id: newId(), tenantId, roleId: id, departmentId });

      tx.assign(role, { name: input.name, description: input.description ?? null, dataScope: input.dataScope });
      await tx.flush();
      permissionsChanged = addedCodes.length > 0 || removedCodes.length > 0;
      return this.detail(tx, role);
    });
    if (permissionsChanged) await this.rt.services.permissions.invalidateTenant(tenantId);
    return result;
  }

  /**
   * Built-in roles cannot be deleted. A role someone still holds is refused unless `force`, which
   * also takes it away from them and so needs `role:assign` as well as the route's `role:write`.
   */
  async remove(actor: Actor, id: string, opts: { force?: boolean } = {}): Promise<void> {
    const { tenantId } = actor;
    if (opts.force) requirePermission(actor, 'role:assign');
    const removedLinks = await this.em.fork().transactional(async (tx) => {
      const role = await this.find(tx, tenantId, id);
      if (role.builtin) throw new ConflictError('role_builtin', `The built-in role ${role.code} cannot be deleted`);
      const holders = await tx.count(UserRole, { tenantId, roleId: id });
      if (holders && !opts.force) {
        throw new ConflictError('role_in_use', `The role ${role.code} is held by ${holders} user(s); remove it from them first or pass force=true`, { users: holders });
      }
      const links = await tx.nativeDelete(UserRole, { tenantId, roleId: id });
      await tx.nativeDelete(RolePermission, { tenantId, roleId: id });
      await tx.nativeDelete(RoleDepartment, { tenantId, roleId: id });
      await tx.nativeDelete(Role, { tenantId, id });
      return links;
    });
    if (removedLinks) await this.rt.services.permissions.invalidateTenant(tenantId);
  }

  /**
   * Users holding the role, by username. Listing people is reading users, so it also needs
   * `user:read`, and it stays within the actor's data scope like any other user listing.
   */
  async members(actor: Actor, roleId: string, q: PageQuery): Promise<Page<UserView>> {
    requirePermission(actor, 'user:read');
    const { tenantId } = actor;
    const em = this.em;
    await this.find(em, tenantId, roleId);
    const holders = em.createQueryBuilder(UserRole, 'ur').select('ur.userId').where({ tenantId, roleId });
    const scope = await this.rt.services.permissions.dataScopeFor(actor);
    const inScope = scope.all ? {} : { $or: [{ departmentId: { $in: scope.departmentIds } }, { id: scope.selfUserId }] };
    // A sub-select keeps this one query however many users hold the role (the ORM's filter
    // typings do not know sub-queries, hence the cast).
    const holderIds = holders.getKnexQuery() as unknown as string[];
    const [users, total] = await em.findAndCount(
      User,
      { tenantId, deletedAt: null, id: { $in: holderIds }, ...inScope },
      { orderBy: { username: 'asc' }, ...offsetOf(q) },
    );
    return pageOf(users.map(toUserView), total, q);
  }

  /**
   * Make the user's roles exactly `roleIds`, in one transaction. You cannot take the tenant
   * administrator role away from yourself (someone else has to), so a tenant is not locked out
   * by a slip of the admin's own hand.
   */
  async setUserRoles(actor: Actor, userId: string, roleIds: string[]): Promise<{ userId: string; roles: RoleView[] }> {
    const { tenantId } = actor;
    const wanted = unique(roleIds);
    let changed = false;
    const roles = await this.em.fork().transactional(async (tx) => {
      // Serialises against other demotions and disables of administrators (last-admin rule).
      await lockTenant(tx, tenantId);
      const user = await this.findUser(tx, tenantId, userId);
      const found = await tx.find(Role, { tenantId, id: { $in: wanted } }, { orderBy: { code: 'asc' } });
      const problems: FieldError[] = [];
      roleIds.forEach((id, i) => {
        if (!found.some((r) => r.id === id)) problems.push({ path: `roleIds.${i}`, message: 'no such role in this tenant', code: 'not_found' });
      });
      if (problems.length) throw new ValidationError('The roles cannot be assigned', problems);

      const held = (await tx.find(UserRole, { tenantId, userId })).map((l) => l.roleId);
      const added = minus(wanted, held);
      const removed = minus(held, wanted);
      if (actor.userId === userId && removed.length && (await tx.count(Role, { tenantId, id: { $in: removed }, code: TENANT_ADMIN_ROLE }))) {
        throw ownAdmin();
      }
      if (removed.length) {
        await assertMayActOnUser(this.rt, actor, userId);
        if (await includesAdminRole(tx, tenantId, removed)) await assertNotLastActiveAdmin(tx, tenantId, userId);
      }
      await assertMayGrantRoles(this.rt, tx, actor, added, [user.departmentId]);
      if (removed.length) await tx.nativeDelete(UserRole, { tenantId, userId, roleId: { $in: removed } });
      for (const roleId of added) tx.create(UserRole, { id: newId(), tenantId, userId, roleId });
      await tx.flush();
      changed = added.length > 0 || removed.length > 0;
      return found;
    });
    if (changed) await this.rt.services.permissions.invalidateTenant(tenantId);
    return { userId, roles: roles.map(toRoleView) };
  }

  /** Give the role to more users; users who already hold it are left alone. Returns the ids newly added. */
  async addMembers(actor: Actor, roleId: string, userIds: string[]): Promise<string[]> {
    const { tenantId } = actor;
    const wanted = unique(userIds);
    const added = await this.em.fork().transactional(async (tx) => {
      await this.find(tx, tenantId, roleId);
      const found = new Set((await tx.find(User, { tenantId, id: { $in: wanted }, deletedAt: null }, { fields: ['id'] })).map((u) => u.id));
      const problems: FieldError[] = [];
      userIds.forEach((id, i) => {
        if (!found.has(id)) problems.push({ path: `userIds.${i}`, message: 'no such user in this tenant', code: 'not_found' });
      });
      if (problems.length) throw new ValidationError('The role cannot be assigned', problems);
      const holding = new Set((await tx.find(UserRole, { tenantId, roleId, userId: { $in: wanted } })).map((l) => l.userId));
      const fresh = wanted.filter((id) => !holding.has(id));
      const newHolders = fresh.length ? await tx.find(User, { tenantId, id: { $in: fresh } }, { fields: ['departmentId'] }) : [];
      await assertMayGrantRoles(this.rt, tx, actor, [roleId], newHolders.map((u) => u.departmentId));
      for (const userId of fresh) tx.create(UserRole, { id: newId(), tenantId, userId, roleId });
      await tx.flush();
      return fresh;
    });
    if (added.length) await this.rt.services.permissions.invalidateTenant(tenantId);
    return added;
  }

  /** Take the role from one user. Idempotent: a user of the tenant who does not hold it is fine. */
  async removeMember(actor: Actor, roleId: string, userId: string): Promise<void> {
    const { tenantId } = actor;
    const removed = await this.em.fork().transactional(async (tx) => {
      await lockTenant(tx, tenantId);
      const role = await this.find(tx, tenantId, roleId);
      await this.findUser(tx, tenantId, userId);
      if (role.code === TENANT_ADMIN_ROLE && actor.userId === userId) throw ownAdmin();
      if (!(await tx.count(UserRole, { tenantId, roleId, userId }))) return 0;
      await assertMayActOnUser(this.rt, actor, userId);
      if (role.code === TENANT_ADMIN_ROLE) await assertNotLastActiveAdmin(tx, tenantId, userId);
      return tx.nativeDelete(UserRole, { tenantId, roleId, userId });
    });
    if (removed) await this.rt.services.permissions.invalidateTenant(tenantId);
  }

  /**
   * Give a user roles (idempotent: roles already held are left alone). `grantedBy` marks links
   * a saga added, so its compensation removes exactly those. Returns the role ids newly added.
   */
  async assignRoles(actor: Actor, userId: string, roleIds: string[], opts: { grantedBy?: string } = {}): Promise<string[]> {
    const { tenantId } = actor;
    const wanted = [...new Set(roleIds)];
    const added = await this.em.fork().transactional(async (tx) => {
      if (!(await tx.count(User, { tenantId, id: userId, deletedAt: null }))) {
        throw new ValidationError('Roles cannot be assigned', [{ path: 'userId', message: 'no such user in this tenant', code: 'not_found' }]);
      }
      const roles = await tx.find(Role, { tenantId, id: { $in: wanted } });
      const missing = wanted.filter((id) => !roles.some((r) => r.id === id));
      if (missing.length) {
        throw new ValidationError(
          'Roles cannot be assigned',
          missing.map((id) => ({ path: `roleIds.${wanted.indexOf(id)}`, message: 'no such role in this tenant', code: 'not_found' })),
        );
      }
      const held = new Set((await tx.find(UserRole, { tenantId, userId })).map((l) => l.roleId));
      const fresh = wanted.filter((id) => !held.has(id));
      for (const roleId of fresh) tx.create(UserRole, { id: newId(), tenantId, userId, roleId, grantedBy: opts.grantedBy ?? null });
      await tx.flush();
      return fresh;
    });
    if (added.length) await this.rt.services.permissions.invalidateTenant(tenantId);
    return added;
  }

  /** Remove the role links a given saga (grantedBy) added to a user. Idempotent. */
  async revokeGrantedRoles(actor: Actor, userId: string, grantedBy: string): Promise<number> {
    const removed = await this.em.fork().nativeDelete(UserRole, { tenantId: actor.tenantId, userId, grantedBy });
    if (removed) await this.rt.services.permissions.invalidateTenant(actor.tenantId);
    return removed;
  }

  /**
   * Semantic checks of a role body, every problem at once: permission codes must be in the
   * catalogue (path = index of each unknown code), and departments are required for, and only
   * for, the `custom` data scope and must be departments of this tenant.
   */
  private async validate(
    em: EntityManager,
    tenantId: string,
    input: UpdateRoleInput,
    message: string,
  ): Promise<{ permissions: string[]; departmentIds: string[] }> {
    const problems: FieldError[] = [];
    const unknown = new Set(await this.rt.services.permissions.unknownCodes(input.permissions));
    // Platform codes (module `platform`) exist only in the platform tenant: elsewhere they are not in the catalogue.
    const customer = input.permissions.some(isPlatformPermission) && (await em.findOne(Tenant, { id: tenantId }))?.kind !== 'platform';
    input.permissions.forEach((code, i) => {
      if (unknown.has(code) || (customer && isPlatformPermission(code))) {
        problems.push({ path: `permissions.${i}`, message: `${code} is not in the permission catalogue`, code: 'unknown_permission' });
      }
    });
    const departmentIds = input.departmentIds ?? [];
    if (input.dataScope === 'custom' && !departmentIds.length) {
      problems.push({ path: 'departmentIds', message: 'at least one department is required for the custom data scope', code: 'required' });
    }
    if (input.dataScope !== 'custom' && departmentIds.length) {
      problems.push({ path: 'departmentIds', message: 'departments apply only to the custom data scope', code: 'not_allowed' });
    }
    if (input.dataScope === 'custom' && departmentIds.length) {
      const found = new Set((await em.find(Department, { tenantId, id: { $in: unique(departmentIds) } }, { fields: ['id'] })).map((d) => d.id));
      departmentIds.forEach((id, i) => {
        if (!found.has(id)) problems.push({ path: `departmentIds.${i}`, message: 'no such department in this tenant', code: 'not_found' });
      });
    }
    if (problems.length) throw new ValidationError(message, problems);
    return { permissions: unique(input.permissions).sort(), departmentIds: unique(departmentIds) };
  }

  private async detail(em: EntityManager, role: Role): Promise<RoleDetailView> {
    const permissions = await em.find(RolePermission, { tenantId: role.tenantId, roleId: role.id }, { orderBy: { permissionCode: 'asc' } });
    const departments = await em.find(RoleDepartment, { tenantId: role.tenantId, roleId: role.id }, { orderBy: { departmentId: 'asc' } });
    return { ...toRoleView(role), permissions: permissions.map((p) => p.permissionCode), departmentIds: departments.map((d) => d.departmentId) };
  }

  private async find(em: EntityManager, tenantId: string, id: string): Promise<Role> {
    const role = await em.findOne(Role, { tenantId, id });
    if (!role) throw new NotFoundError('role', id);
    return role;
  }

  private async findUser(em: EntityManager, tenantId: string, id: string): Promise<User> {
    const user = await em.findOne(User, { tenantId, id, deletedAt: null });
    if (!user) throw new NotFoundError('user', id);
    return user;
  }
}

const codeTaken = (code: string) => new ConflictError('role_code_taken', `A role with the code ${code} already exists in this tenant`);
const ownAdmin = () =>
  new ValidationError('You cannot remove the tenant administrator role from yourself; ask another administrator', [], 'cannot_remove_own_admin');
