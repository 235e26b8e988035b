/** Effective permissions (cached in Redis), the permission catalogue, and data scopes. */
import type { Runtime } from '../runtime';
import type { Actor } from '../../common/actor';
import { pageOf, type Page, type PageQuery } from '../../common/pagination';
import { measure } from '../../common/timing';
import { Department, Permission, Role, RoleDepartment, RolePermission, Tenant, User, UserRole } from '../../db/entities';
import { isPlatformPermission } from './catalog';

/**
 * Which rows of users (and later approval instances) an actor may see: everything, or rows in
 * the listed departments, plus their own rows.
 */
export type DataScopeFilter = { all: true } | { all: false; departmentIds: string[]; selfUserId: string };

/** Cached permission sets live this long at most; invalidation makes changes visible at once. */
const CACHE_TTL_SECONDS = 600;

/**
 * Permission cache design.
 *
 * Every authenticated request needs the caller's effective permission set (the union over their
 * roles), which costs two queries. It is cached in Redis under
 * `perm:<tenant>:<version>:<user>`, where `<version>` is the value of the per-tenant counter
 * `perm:ver:<tenant>`.
 *
 * Any change that can alter someone's permissions (role created/updated/deleted, assignments
 * added or removed) commits first and then INCRs the tenant's counter. From then on every
 * lookup builds a key nobody has written yet, misses, and reloads from the database; the old
 * keys are never read again and simply expire (TTL above).
 *
 * Why a version bump and not "DEL the affected users' keys": a request that read the database
 * just before our commit may write its (stale) set into the cache just after our DEL, and that
 * stale set would then be served until the TTL. With the version scheme that late writer stores
 * under the old version, which no one reads any more, so the race is harmless. The cost is that
 * one role change makes every user of the tenant miss once, which is fine: role changes are rare
 * and a miss is two indexed queries. Tenants never share a counter, so one tenant's changes do
 * not disturb another's cache.
 */
export const permissionCacheKeys = {
  version: (tenantId: string) => `perm:ver:${tenantId}`,
  set: (tenantId: string, version: string, userId: string) => `perm:${tenantId}:${version}:${userId}`,
};

export interface PermissionGroup {
  module: string;
  permissions: { code: string; name: string; description: string | null }[];
}

export class PermissionService {
  constructor(private readonly rt: Runtime) {}

  private get em() {
    return this.rt.orm.em;
  }

  /** The Redis key (without the client's prefix) currently holding the user's cached set. */
  async cacheKey(tenantId: string, userId: string): Promise<string> {
    const version = (await this.rt.redis.get(permissionCacheKeys.version(tenantId))) ?? '0';
    return permissionCacheKeys.set(tenantId, version, userId);
  }

  /** Union of the permission codes of the user's roles (Redis-cached; timed as the request's `permissions` phase). */
  effectivePermissions(tenantId: string, userId: string): Promise<string[]> {
    return measure('permissions', () => this.loadEffectivePermissions(tenantId, userId));
  }

  private async loadEffectivePermissions(tenantId: string, userId: string): Promise<string[]> {
    const key = await this.cacheKey(tenantId, userId);
    const cached = await this.rt.redis.get(key);
    if (cached) return JSON.parse(cached) as string[];
    const codes = await this.loadPermissions(tenantId, userId);
    await this.rt.redis.set(key, JSON.stringify(codes), 'EX', CACHE_TTL_SECONDS);
    return codes;
  }

  private async loadPermissions(tenantId: string, userId: string): Promise<string[]> {
    const em = this.em;
    const links = await em.find(UserRole, { tenantId, userId });
    if (!links.length) return [];
    const roleIds = links.map((l) => l.roleId);
    const rows = await em.find(RolePermission, { tenantId, roleId: { $in: roleIds } });
    let codes = [...new Set(rows.map((r) => r.permissionCode))];
    // Last line of defence: a platform code held in a customer tenant (a bad row, a restored backup) grants nothing.
    if (codes.some(isPlatformPermission) && (await em.findOne(Tenant, { id: tenantId }))?.kind !== 'platform') codes = codes.filter((c) => !isPlatformPermission(c));
    return codes.sort();
  }

  /** The user's roles (tenant-scoped). */
  async rolesOf(tenantId: string, userId: string): Promise<Role[]> {
    const links = await this.em.find(UserRole, { tenantId, userId });
    if (!links.length) return [];
    return this.em.find(Role, { tenantId, id: { $in: links.map((l) => l.roleId) } }, { orderBy: { code: 'asc' } });
  }

  /** Drop every cached permission set of a tenant (call after any role/assignment change has committed). */
  async invalidateTenant(tenantId: string): Promise<void> {
    await this.rt.redis.incr(permissionCacheKeys.version(tenantId));
  }

  /**
   * The product's permission catalogue, grouped by module (modules and codes sorted). The
   * catalogue is global, not tenant data; the page runs over modules so a group is never split.
   * The platform module is left out: no tenant role can hold its codes.
   */
  async catalogue(actor: Actor, q: PageQuery): Promise<Page<PermissionGroup>> {
    // A customer tenant cannot hold the platform scope, so its admins are not offered it.
    const customer = (await this.em.findOne(Tenant, { id: actor.tenantId }))?.kind !== 'platform';
    const rows = (await this.em.find(Permission, {}, { orderBy: { module: 'asc', code: 'asc' } })).filter((p) => !(customer && isPlatformPermission(p.code)));
    const groups = new Map<string, PermissionGroup>();
    for (const p of rows) {
      const group = groups.get(p.module) ?? { module: p.module, permissions: [] };
      group.permissions.push({ code: p.code, name: p.name, description: p.description });
      groups.set(p.module, group);
    }
    const all = [...groups.values()];
    const start = (q.page - 1) * q.pageSize;
    return pageOf(all.slice(start, start + q.pageSize), all.length, q);
  }

  /** The codes among `codes` that are not in the catalogue (order kept, for error paths). */
  async unknownCodes(codes: readonly string[]): Promise<string[]> {
    const distinct = [...new Set(codes)];
    if (!distinct.length) return [];
    const known = new Set((await this.em.find(Permission, { code: { $in: distinct } }, { fields: ['code'] })).map((p) => p.code));
    return distinct.filter((c) => !known.has(c));
  }

  /**
   * The union of the data scopes of the actor's roles. System actors see everything. A user
   * with no role sees only themselves.
   */
  async dataScopeFor(actor: Actor): Promise<DataScopeFilter> {
    if (actor.via === 'system' || actor.permissions.has('*')) return { all: true };
    const em = this.em;
    const { tenantId, userId } = actor;
    const roles = await this.rolesOf(tenantId, userId);
    if (roles.some((r) => r.dataScope === 'all')) return { all: true };
    const me = await em.findOne(User, { tenantId, id: userId });
    const departmentIds = new Set<string>();
    const myDepartment = me?.departmentId ? await em.findOne(Department, { tenantId, id: me.departmentId }) : null;
    for (const role of roles) {
      if (role.dataScope === 'department' && myDepartment) departmentIds.add(myDepartment.id);
      if (role.dataScope === 'department_tree' && myDepartment) {
        const subtree = await em.find(Department, { tenantId, path: { $like: `${myDepartment.path}%` } }, { fields: ['id'] });
        for (const d of subtree) departmentIds.add(d.id);
      }
      if (role.dataScope === 'custom') {
        for (const link of await em.find(RoleDepartment, { tenantId, roleId: role.id })) departmentIds.add(link.departmentId);
      }
    }
    return { all: false, departmentIds: [...departmentIds], selfUserId: userId };
  }
}
