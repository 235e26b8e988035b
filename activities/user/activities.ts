/**
 * Temporal activities of the user module. Each is idempotent: it may run more than once.
 * They act as the system on behalf of whoever requested the provisioning, always inside the
 * tenant named by the workflow input.
 */
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { ApplicationFailure } from '@temporalio/common';
import type { Runtime } from '../runtime';
import { systemActor, type Actor } from '../../common/actor';
import { ConflictError, ValidationError, type FieldError } from '../../common/errors';
import { Department, Position, Role, Tenant, User, UserRole } from '../../db/entities';
import { toActivityFailure } from '../../common/failures';
import { assertMayGrantRoles } from '../permission/privilege';
import { checkQuota } from '../package/quotas';
import type { ProvisionedUserFields, ProvisionUserInput } from '../../workflows/provisioning/contract';

export function createUserActivities(rt: Runtime) {
  /** An existing user with our username is ours only if this very workflow created it. */
  const ownOrTaken = (user: User, workflowId: string) => {
    if (user.provisionedBy === workflowId) return { userId: user.id, created: false };
    throw ApplicationFailure.nonRetryable(`The username ${user.username} is already taken in this tenant`, 'UsernameTaken');
  };
  const findByUsername = (tenantId: string, username: string) => rt.orm.em.fork().findOne(User, { tenantId, username });

  return {
    /**
     * Create the user, marked as provisioned by this workflow. A retry after a successful
     * attempt finds the user and returns it; a user with the same name that this workflow did
     * not create fails the saga (UsernameTaken) and is never touched by its compensation.
     * Roles are not given here: they are the next step, with their own compensation.
     */
    async createProvisionedUser(input: ProvisionUserInput, workflowId: string): Promise<{ userId: string; created: boolean }> {
      const existing = await findByUsername(input.tenantId, input.username);
      if (existing) return ownOrTaken(existing, workflowId);
      const actor = systemActor(input.tenantId, input.requestedBy);
      try {
        const user = await rt.services.users.create(actor, { ...userFields(input), roleIds: [] }, { provisionedBy: workflowId });
        return { userId: user.id, created: true };
      } catch (err) {
        // Lost a race with a concurrent attempt (or another request): decide on what is there now.
        const usernameClash = (err instanceof ConflictError && err.code === 'username_taken') || err instanceof UniqueConstraintViolationException;
        if (usernameClash) {
          const raced = await findByUsername(input.tenantId, input.username);
          if (raced) return ownOrTaken(raced, workflowId);
        }
        throw toActivityFailure(err, { username_taken: 'UsernameTaken' });
      }
    },

    /**
     * Compensation of createProvisionedUser: hard-delete the user with its role links and
     * messages, but only if this workflow created it. Nothing there (already undone, or never
     * created) is success: compensations must tolerate running twice.
     */
    async deleteProvisionedUser(tenantId: string, userId: string, workflowId: string): Promise<{ deleted: boolean }> {
      const user = await rt.orm.em.fork().findOne(User, { tenantId, id: userId });
      if (!user) return { deleted: false };
      if (user.provisionedBy !== workflowId) {
        rt.log.warn({ userId, provisionedBy: user.provisionedBy }, 'compensation skipped: the user was not created by this workflow');
        return { deleted: false };
      }
      await rt.services.messages.deleteAllOfUser(tenantId, userId);
      const deleted = await rt.orm.em.fork().transactional(async (tx) => {
        await tx.nativeDelete(UserRole, { tenantId, userId });
        return tx.nativeDelete(User, { tenantId, id: userId, provisionedBy: workflowId });
      });
      await rt.services.permissions.invalidateTenant(tenantId);
      return { deleted: deleted > 0 };
    },
  };
}

const userFields = (input: ProvisionUserInput): ProvisionedUserFields => ({
  username: input.username,
  email: input.email,
  displayName: input.displayName,
  departmentId: input.departmentId ?? null,
  positionId: input.positionId ?? null,
  phone: input.phone ?? null,
});

/**
 * The checks the API runs before it starts a provisioning saga, so bad input is answered at once
 * (422 with field paths, 409 for a taken name or a full quota) instead of by a compensated
 * workflow a moment later. Advisory only: the create activity re-checks everything inside its
 * transaction. A user this very workflow created does not count as a clash, so a retried POST
 * still reaches the running (or finished) workflow.
 */
export async function precheckProvisioning(rt: Runtime, actor: Actor, input: ProvisionedUserFields, workflowId: string): Promise<void> {
  const { tenantId } = actor;
  const em = rt.orm.em.fork();
  const problems: FieldError[] = [];
  const missing = (path: string, what: string) => problems.push({ path, message: `no such ${what} in this tenant`, code: 'not_found' });
  if (input.departmentId && !(await em.count(Department, { tenantId, id: input.departmentId }))) missing('body.departmentId', 'department');
  if (input.positionId && !(await em.count(Position, { tenantId, id: input.positionId }))) missing('body.positionId', 'position');
  const roleIds = input.roleIds ?? [];
  if (roleIds.length) {
    const found = new Set((await em.find(Role, { tenantId, id: { $in: roleIds } })).map((r) => r.id));
    roleIds.forEach((id, i) => found.has(id) || missing(`body.roleIds.${i}`, 'role'));
  }
  if (problems.length) throw new ValidationError('The user cannot be provisioned', problems);
  // The saga gives these roles later as the system; the person asking must be allowed to give them now.
  await assertMayGrantRoles(rt, em, actor, roleIds, [input.departmentId ?? null]);

  const clash = await em.find(User, { tenantId, $or: [{ username: input.username }, { email: input.email }] });
  for (const user of clash) {
    if (user.provisionedBy === workflowId) continue;
    if (user.username === input.username) throw new ConflictError('username_taken', `The username ${input.username} is already taken in this tenant`);
    throw new ConflictError('email_taken', `The email ${input.email} is already used in this tenant`);
  }
  // Advisory like the rest: the create re-checks the package's user quota under the tenant lock.
  if (!clash.length) await checkQuota(em, await em.findOneOrFail(Tenant, { id: tenantId }), 'users');
}
