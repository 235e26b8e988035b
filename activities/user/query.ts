/** Small query helpers shared by the user module's services. */
import { LockMode, UniqueConstraintViolationException, raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import { NotFoundError } from '../../common/errors';
import { Tenant } from '../../db/entities';

/**
 * Case-insensitive "column contains text" that works the same on MySQL and SQLite: LIKE with an
 * explicit ESCAPE character, so `%` and `_` typed by a user match themselves. (MySQL compares
 * case-insensitively through the column collation, SQLite's LIKE does for ASCII.)
 */
export function contains(column: string, text: string): Record<string, unknown> {
  const pattern = `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
  return { [raw((alias: string) => `${alias}.${column} like ? escape '!'`, [pattern])]: [] };
}

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

/** Re-run `work` when it lost a race on a unique index (it re-reads state each time). */
export async function retryOnUniqueViolation<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (!(err instanceof UniqueConstraintViolationException) || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 20 * attempt)));
    }
  }
}
