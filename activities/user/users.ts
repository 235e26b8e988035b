/** Users: create, update, soft-delete, search, enable/disable, reset password. */
import { randomInt } from 'node:crypto';
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import type { Runtime } from '../runtime';
import type { Actor } from '../../common/actor';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../../common/errors';
import { newId } from '../../common/ids';
import { offsetOf, pageOf, type Page } from '../../common/pagination';
import { Department, Position, Role, User, UserRole } from '../../db/entities';
import type { DataScopeFilter } from '../permission/permissions';
import { hashPassword, passwordProblems } from '../auth/password';
import { DEFAULT_PASSWORD_POLICY, type PasswordPolicy } from '../parameters/definitions';
import { contains } from '../../common/query';
import { lockTenant } from './tenant-lock';
import { assertMayActOnUser, assertMayGrantRoles } from '../permission/privilege';
import { assertNotLastActiveAdmin } from '../permission/last-admin';
import { parseInput } from '../../common/schema';
import {
  CreateUserInput,
  ResetPasswordInput,
  toUserView,
  UpdateUserInput,
  type ResetPasswordResult,
  type UserListQuery,
  type UserView,
} from './schema';

/** Rows of users an actor's data scope lets them see (an empty object = all of them). */
export function scopeWhere(scope: DataScopeFilter): Record<string, unknown> {
  if (scope.all) return {};
  if (!scope.departmentIds.length) return { id: scope.selfUserId };
  return { $or: [{ departmentId: { $in: scope.departmentIds } }, { id: scope.selfUserId }] };
}

/** No look-alike characters: the password may be read out over the phone. */
const TEMP_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** Symbols for policies that require one (none easily mistaken for another when read out). */
const TEMP_SYMBOLS = '#%+=@';

/**
 * 20 characters (or the policy's minimum) from 57 symbols ≈ 116 bits, drawn until they meet the
 * tenant's password policy (with a symbol alphabet added when the policy requires symbols).
 */
export function generateTemporaryPassword(policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY, length = Math.max(20, policy.minLength)): string {
  const alphabet = policy.requiredClasses.includes('symbol') ? TEMP_ALPHABET + TEMP_SYMBOLS : TEMP_ALPHABET;
  for (;;) {
    const pw = Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');
    if (!passwordProblems(pw, policy).length) return pw;
  }
}

const emailTaken = (email: string) => new ConflictError('email_taken', `The email ${email} is already used in this tenant`);

export class UserService {
  constructor(private readonly rt: Runtime) {}

  private get em() {
    return this.rt.orm.em;
  }

  /**
   * Create a user in the actor's tenant. Everything is checked before anything is written
   * (quota, uniqueness, department/position/roles exist in this tenant), then user and role
   * links are written in one transaction: never half-applied. The tenant row is locked first,
   * so concurrent creations cannot both take the last place of the quota.
   */
  async create(actor: Actor, raw: CreateUserInput, opts: { provisionedBy?: string } = {}): Promise<User> {
    const input = parseInput(CreateUserInput, raw, 'The user cannot be created');
    const { tenantId } = actor;
    const problems: FieldError[] = [];
    const { passwordPolicy } = await this.rt.services.tenantParameters.get(tenantId);
    if (input.password) for (const p of passwordProblems(input.password, passwordPolicy)) problems.push({ path: 'password', message: p, code: 'weak_password' });
    // Hash outside the transaction: scrypt is slow and the tenant lock should be held briefly.
    const passwordHash = input.password && !problems.length ? await hashPassword(input.password, this.rt.config.SCRYPT_LOG_N) : null;
    const em = this.em.fork();
    return em.transactional(async (tx) => {
      const tenant = await lockTenant(tx, tenantId);
      problems.push(...(await this.checkReferences(tx, tenantId, input)));
      const roleIds = [...new Set(input.roleIds)];
      if (roleIds.length) {
        const found = await tx.find(Role, { tenantId, id: { $in: roleIds } });
        for (const id of roleIds) {
          if (!found.some((r) => r.id === id)) problems.push({ path: `roleIds.${roleIds.indexOf(id)}`, message: 'no such role in this tenant', code: 'not_found' });
        }
      }
      if (problems.length) throw new ValidationError('The user cannot be created', problems);
      await assertMayGrantRoles(this.rt, tx, actor, roleIds, [input.departmentId ?? null]);
      if (await tx.count(User, { tenantId, username: input.username })) {
        throw new ConflictError('username_taken', `The username ${input.username} is already taken in this tenant`);
      }
      if (await tx.count(User, { tenantId, email: input.email })) throw emailTaken(input.email);
      const active = await tx.count(User, { tenantId, deletedAt: null });
      if (active >= tenant.userQuota) {
        throw new ConflictError('user_quota_exceeded', `The tenant's user quota (${tenant.userQuota}) is used up`, { quota: tenant.userQuota });
      }
      const user = tx.create(User, {
        id: newId(),
        tenantId,
        username: input.username,
        email: input.email,
        displayName: input.displayName,
        departmentId: input.departmentId ?? null,
        positionId: input.positionId ?? null,
        phone: input.phone ?? null,
        provisionedBy: opts.provisionedBy ?? null,
        passwordHash,
        passwordChangedAt: passwordHash ? new Date() : null,
      });
      for (const roleId of roleIds) tx.create(UserRole, { id: newId(), tenantId, userId: user.id, roleId, grantedBy: opts.provisionedBy ?? null });
      await tx.flush();
      return user;
    });
  }

  /**
   * Department and position references must exist in the tenant. They are read with a shared
   * lock, so a concurrent delete of that department or position (which takes an exclusive lock
   * and then counts holders) waits for this write instead of missing it.
   */
  private async checkReferences(tx: EntityManager, tenantId: string, input: { departmentId?: string | null; positionId?: string | null }) {
    const problems: FieldError[] = [];
    const lock = { lockMode: LockMode.PESSIMISTIC_READ } as const;
    if (input.departmentId && !(await tx.findOne(Department, { tenantId, id: input.departmentId }, lock))) {
      problems.push({ path: 'departmentId', message: 'no such department in this tenant', code: 'not_found' });
    }
    if (input.positionId && !(await tx.findOne(Position, { tenantId, id: input.positionId }, lock))) {
      problems.push({ path: 'positionId', message: 'no such position in this tenant', code: 'not_found' });
    }
    return problems;
  }

  /** A live (not deleted) user of the actor's tenant, or 404. Ignores data scope (internal use). */
  async get(actor: Actor, id: string): Promise<User> {
    const user = await this.em.findOne(User, { tenantId: actor.tenantId, id, deletedAt: null });
    if (!user) throw new NotFoundError('user', id);
    return user;
  }

  /** The actor's data scope as a filter on users. */
  async scopeFor(actor: Actor): Promise<Record<string, unknown>> {
    return scopeWhere(await this.rt.services.permissions.dataScopeFor(actor));
  }

  /**
   * A live user of the tenant that the actor's data scope covers. Outside the scope it is 404,
   * exactly as for an id that does not exist: the API does not confirm what it will not show.
   */
  async getVisible(actor: Actor, id: string, em: EntityManager = this.em, scope?: Record<string, unknown>): Promise<User> {
    const where = { $and: [{ tenantId: actor.tenantId, id, deletedAt: null }, scope ?? (await this.scopeFor(actor))] };
    const user = await em.findOne(User, where as never);
    if (!user) throw new NotFoundError('user', id);
    return user;
  }

  /**
   * Search live users, always within the actor's data scope. `departmentId` with
   * `includeSubtree` covers the department and everything below it (one prefix query).
   */
  async search(actor: Actor, q: UserListQuery): Promise<Page<UserView>> {
    const { tenantId } = actor;
    const em = this.em;
    const where: Record<string, unknown>[] = [{ tenantId, deletedAt: null }, await this.scopeFor(actor)];
    if (q.departmentId) {
      if (q.includeSubtree) {
        const dept = await em.findOne(Department, { tenantId, id: q.departmentId });
        const ids = dept ? (await this.rt.services.departments.subtreeOf(dept, em)).map((d) => d.id) : [];
        where.push({ departmentId: { $in: ids } });
      } else {
        where.push({ departmentId: q.departmentId });
      }
    }
    if (q.status) where.push({ status: q.status });
    if (q.positionId) where.push({ positionId: q.positionId });
    if (q.roleId) {
      const holders = em.createQueryBuilder(UserRole, 'ur').select('ur.userId').where({ tenantId, roleId: q.roleId });
      where.push({ id: { $in: holders.getKnexQuery() } });
    }
    if (q.q) where.push(contains(['display_name', 'username', 'email'], q.q));
    const [rows, total] = await em.findAndCount(User, { $and: where } as never, {
      orderBy: [{ [q.sort]: q.order }, { id: q.order }],
      ...offsetOf(q),
    });
    return pageOf(rows.map(toUserView), total, q);
  }

  /** Change profile fields; email stays unique in the tenant. */
  async update(actor: Actor, id: string, raw: UpdateUserInput): Promise<UserView> {
    const input = parseInput(UpdateUserInput, raw, 'The user cannot be changed');
    const { tenantId } = actor;
    const scope = await this.scopeFor(actor);
    return this.em.fork().transactional(async (tx) => {
      const user = await this.getVisible(actor, id, tx, scope);
      const problems = await this.checkReferences(tx, tenantId, {
        departmentId: input.departmentId !== user.departmentId ? input.departmentId : undefined,
        positionId: input.positionId !== user.positionId ? input.positionId : undefined,
      });
      if (problems.length) throw new ValidationError('The user cannot be changed', problems);
      if (input.email !== undefined && input.email !== user.email) {
        if (await tx.count(User, { tenantId, email: input.email, id: { $ne: id } })) throw emailTaken(input.email);
        user.email = input.email;
      }
      if (input.displayName !== undefined) user.displayName = input.displayName;
      if (input.phone !== undefined) user.phone = input.phone;
      if (input.departmentId !== undefined) user.departmentId = input.departmentId;
      if (input.positionId !== undefined) user.positionId = input.positionId;
      try {
        await tx.flush();
      } catch (err) {
        // Lost a race with another write of the same email: same answer as the check above.
        if (err instanceof UniqueConstraintViolationException) throw emailTaken(user.email);
        throw err;
      }
      return toUserView(user);
    });
  }

  /**
   * Soft delete: the row stays for history (approvals, logs) but the user is gone from every
   * listing, cannot log in, loses their sessions, and no longer heads any department (a deleted
   * head would otherwise sit in manager chains). Deleting yourself is refused.
   */
  async remove(actor: Actor, id: string): Promise<void> {
    if (id === actor.userId) throw new ValidationError('You cannot delete your own account', [], 'cannot_delete_self');
    const { tenantId } = actor;
    const scope = await this.scopeFor(actor);
    await this.em.fork().transactional(async (tx) => {
      // Ordered against DepartmentService.update choosing this user as a head.
      await lockTenant(tx, tenantId);
      const user = await this.getVisible(actor, id, tx, scope);
      await assertMayActOnUser(this.rt, actor, id);
      await assertNotLastActiveAdmin(tx, tenantId, id);
      user.deletedAt = new Date();
      user.status = 'disabled';
      await tx.flush();
      await tx.nativeUpdate(Department, { tenantId, headUserId: id }, { headUserId: null });
    });
    await this.rt.services.auth.revokeAllSessions(tenantId, id);
  }

  /** Disable the account and end its sessions at once. Idempotent. */
  async disable(actor: Actor, id: string): Promise<UserView> {
    if (id === actor.userId) throw new ValidationError('You cannot disable your own account', [], 'cannot_disable_self');
    const view = await this.setStatus(actor, id, 'disabled');
    await this.rt.services.auth.revokeAllSessions(actor.tenantId, id);
    return view;
  }

  async enable(actor: Actor, id: string): Promise<UserView> {
    return this.setStatus(actor, id, 'active');
  }

  private async setStatus(actor: Actor, id: string, status: User['status']): Promise<UserView> {
    const scope = await this.scopeFor(actor);
    return this.em.fork().transactional(async (tx) => {
      // The tenant lock orders this against other disables and demotions (last-admin rule).
      if (status === 'disabled') await lockTenant(tx, actor.tenantId);
      const user = await this.getVisible(actor, id, tx, scope);
      await assertMayActOnUser(this.rt, actor, id);
      if (status === 'disabled') await assertNotLastActiveAdmin(tx, actor.tenantId, id);
      user.status = status;
      await tx.flush();
      return toUserView(user);
    });
  }

  /**
   * Set a new password chosen by the admin, or generate a temporary one that is returned once
   * and never stored in clear. Either way every session of the user ends.
   */
  async resetPassword(actor: Actor, id: string, raw: ResetPasswordInput = {}): Promise<ResetPasswordResult> {
    const input = parseInput(ResetPasswordInput, raw, 'The password cannot be reset');
    const { passwordPolicy } = await this.rt.services.tenantParameters.get(actor.tenantId);
    if (input.newPassword !== undefined) {
      const problems = passwordProblems(input.newPassword, passwordPolicy);
      if (problems.length) {
        throw new ValidationError('The password is too weak', problems.map((message) => ({ path: 'newPassword', message, code: 'weak_password' })));
      }
    }
    const scope = await this.scopeFor(actor);
    await this.getVisible(actor, id, this.em, scope); // 404 before spending a hash on nobody
    await assertMayActOnUser(this.rt, actor, id);
    const password = input.newPassword ?? generateTemporaryPassword(passwordPolicy);
    const passwordHash = await hashPassword(password, this.rt.config.SCRYPT_LOG_N);
    await this.em.fork().transactional(async (tx) => {
      const user = await this.getVisible(actor, id, tx, scope);
      user.passwordHash = passwordHash;
      user.passwordChangedAt = new Date();
      await tx.flush();
    });
    await this.rt.services.auth.revokeAllSessions(actor.tenantId, id);
    return input.newPassword === undefined ? { userId: id, temporaryPassword: password } : { userId: id };
  }
}
