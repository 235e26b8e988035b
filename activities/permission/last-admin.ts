/**
 * A tenant always keeps one active administrator: the last active holder of the built-in
 * tenant administrator role cannot be disabled, deleted or lose the role. Otherwise one slip
 * (or one hostile admin racing another) leaves a tenant nobody can manage.
 *
 * Callers hold the tenant row lock (`lockTenant`) in the same transaction before they call
 * this and until they commit, so two admins demoting each other at the same moment run one
 * after the other and the second sees the first one's change.
 */
import type { EntityManager } from '@mikro-orm/knex';
import { ConflictError } from '../../common/errors';
import { Role, User, UserRole } from '../../db/entities';
import { TENANT_ADMIN_ROLE } from './roles';

/** Throw 409 `last_tenant_admin` if `userId` is the tenant's only active administrator. */
export async function assertNotLastActiveAdmin(tx: EntityManager, tenantId: string, userId: string): Promise<void> {
  const adminRole = await tx.findOne(Role, { tenantId, code: TENANT_ADMIN_ROLE });
  if (!adminRole) return;
  const target = await tx.findOne(User, { tenantId, id: userId, deletedAt: null, status: 'active' });
  if (!target || !(await tx.count(UserRole, { tenantId, roleId: adminRole.id, userId }))) return;
  const holderIds = (await tx.find(UserRole, { tenantId, roleId: adminRole.id }, { fields: ['userId'] })).map((l) => l.userId);
  const others = await tx.count(User, { tenantId, id: { $in: holderIds.filter((id) => id !== userId) }, deletedAt: null, status: 'active' });
  if (!others) {
    throw new ConflictError('last_tenant_admin', 'This user is the last active tenant administrator; make someone else an administrator first');
  }
}

/** Whether `roleIds` include the tenant administrator role. */
export async function includesAdminRole(tx: EntityManager, tenantId: string, roleIds: readonly string[]): Promise<boolean> {
  if (!roleIds.length) return false;
  return (await tx.count(Role, { tenantId, id: { $in: [...roleIds] }, code: TENANT_ADMIN_ROLE })) > 0;
}
