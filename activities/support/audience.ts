/**
 * Who is "a department", "a role" or "everyone" right now. Messages expand an audience into
 * recipients once, when sent; announcements keep their targets and ask again when listing, so a
 * user who joins a department later still sees what was published to it.
 */
import type { EntityManager } from '@mikro-orm/knex';
import { z } from 'zod';
import { NotFoundError, type FieldError } from '../../common/errors';
import { Department, Role, Tenant, User, UserRole } from '../../db/entities';

/**
 * A role named by its code in an audience: any code a role may have (unknown ones are reported
 * by `resolveRefs`). Looser than the rule for creating a role (permission/schema `RoleCode`).
 */
export const AudienceRoleCode = z.string().trim().min(1).max(64);

const unique = <T>(xs: readonly T[]) => [...new Set(xs)];

export interface DepartmentTarget {
  id: string;
  includeSubtree: boolean;
}

export interface AudienceRefs {
  userIds?: string[];
  departments?: DepartmentTarget[];
  roleCodes?: string[];
}

export interface ResolvedRefs {
  userIds: string[];
  departments: (DepartmentTarget & { path: string })[];
  roles: Role[];
  /** One entry per unknown id or code, with its position in the input. */
  errors: FieldError[];
}

/**
 * Check every referenced user, department and role against the tenant. Ids of another tenant
 * are reported exactly like ids that do not exist, so nothing about that tenant leaks.
 */
export async function resolveRefs(
  em: EntityManager,
  tenantId: string,
  refs: AudienceRefs,
  paths: { userIds?: string; departments?: (i: number) => string; roleCodes?: string },
): Promise<ResolvedRefs> {
  const errors: FieldError[] = [];
  const userIds = unique(refs.userIds ?? []);
  const deptInput = refs.departments ?? [];
  const roleCodes = unique(refs.roleCodes ?? []);

  const [users, depts, roles] = await Promise.all([
    userIds.length ? em.find(User, { tenantId, id: { $in: userIds }, deletedAt: null }, { fields: ['id'] }) : [],
    deptInput.length ? em.find(Department, { tenantId, id: { $in: unique(deptInput.map((d) => d.id)) } }, { fields: ['id', 'path'] }) : [],
    roleCodes.length ? em.find(Role, { tenantId, code: { $in: roleCodes } }) : [],
  ]);
  const knownUsers = new Set(users.map((u) => u.id));
  (refs.userIds ?? []).forEach((id, i) => {
    if (!knownUsers.has(id)) errors.push({ path: `${paths.userIds ?? 'userIds'}.${i}`, message: 'no such user', code: 'not_found' });
  });
  const pathOf = new Map(depts.map((d) => [d.id, d.path]));
  const departments: ResolvedRefs['departments'] = [];
  deptInput.forEach((d, i) => {
    const path = pathOf.get(d.id);
    if (!path) errors.push({ path: paths.departments?.(i) ?? `departments.${i}`, message: 'no such department', code: 'not_found' });
    else if (!departments.some((x) => x.id === d.id && x.includeSubtree === d.includeSubtree)) departments.push({ ...d, path });
  });
  const roleByCode = new Map(roles.map((r) => [r.code, r]));
  (refs.roleCodes ?? []).forEach((code, i) => {
    if (!roleByCode.has(code)) errors.push({ path: `${paths.roleCodes ?? 'roleCodes'}.${i}`, message: 'no such role', code: 'not_found' });
  });
  return { userIds, departments, roles, errors };
}

/** The active users named by resolved references, each once. */
export async function activeUsersOf(
  em: EntityManager,
  tenantId: string,
  target: { all?: boolean; userIds?: string[]; departments?: { id: string; path: string; includeSubtree: boolean }[]; roleIds?: string[] },
): Promise<string[]> {
  const live = { tenantId, deletedAt: null, status: 'active' as const };
  if (target.all) return (await em.find(User, live, { fields: ['id'] })).map((u) => u.id);

  const ors: Record<string, unknown>[] = [];
  if (target.userIds?.length) ors.push({ id: { $in: target.userIds } });
  const exact = (target.departments ?? []).filter((d) => !d.includeSubtree).map((d) => d.id);
  if (exact.length) ors.push({ departmentId: { $in: exact } });
  const trees = (target.departments ?? []).filter((d) => d.includeSubtree);
  if (trees.length) {
    // Members of a subtree: their department's path starts with the root's path (one prefix scan each).
    const below = await em.find(Department, { tenantId, $or: trees.map((d) => ({ path: { $like: `${d.path}%` } })) }, { fields: ['id'] });
    if (below.length) ors.push({ departmentId: { $in: below.map((d) => d.id) } });
  }
  if (target.roleIds?.length) {
    const links = await em.find(UserRole, { tenantId, roleId: { $in: target.roleIds } }, { fields: ['userId'] });
    if (links.length) ors.push({ id: { $in: unique(links.map((l) => l.userId)) } });
  }
  if (!ors.length) return [];
  return (await em.find(User, { ...live, $or: ors }, { fields: ['id'], orderBy: { id: 'asc' } })).map((u) => u.id);
}

/** What a user belongs to, for "is this announcement addressed to me?". */
export interface Membership {
  departmentId: string | null;
  /** The user's department and every department above it. */
  departmentAncestry: string[];
  roleIds: string[];
}

export async function membershipOf(em: EntityManager, tenantId: string, userId: string): Promise<Membership> {
  const user = await em.findOne(User, { tenantId, id: userId }, { fields: ['departmentId'] });
  const dept = user?.departmentId ? await em.findOne(Department, { tenantId, id: user.departmentId }, { fields: ['path'] }) : null;
  const links = await em.find(UserRole, { tenantId, userId }, { fields: ['roleId'] });
  return {
    departmentId: user?.departmentId ?? null,
    departmentAncestry: dept ? dept.path.split('/').filter(Boolean) : [],
    roleIds: links.map((l) => l.roleId),
  };
}

/**
 * One (not deleted) user and their tenant, for texts addressed to them. Workflows pass ids only
 * (small payloads); the texts are built from current data when an activity runs.
 */
export async function recipientOf(em: EntityManager, tenantId: string, userId: string): Promise<{ user: User; tenant: Tenant }> {
  const user = await em.findOne(User, { tenantId, id: userId, deletedAt: null });
  if (!user) throw new NotFoundError('user', userId);
  const tenant = await em.findOneOrFail(Tenant, { id: tenantId });
  return { user, tenant };
}
