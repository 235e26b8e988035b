/** The tenant row lock that serialises tenant-wide invariants of the user module. */
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import { NotFoundError } from '../../common/errors';
import { Tenant } from '../../db/entities';

/**
 * Lock the tenant row for the rest of the transaction. Writes that read-then-write tenant-wide
 * invariants (user quota, department codes, the shape of the tree) take this lock first, so
 * concurrent requests of one tenant run them one after another instead of both passing a check
 * that only one of them may pass. (SQLite ignores FOR UPDATE; it serialises writers anyway.)
 */
export async function lockTenant(tx: EntityManager, tenantId: string): Promise<Tenant> {
  const tenant = await tx.findOne(Tenant, { id: tenantId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!tenant) throw new NotFoundError('tenant', tenantId);
  return tenant;
}
