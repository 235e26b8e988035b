/** Which tables hold a tenant's rows: every entity with a `tenantId`, read from the ORM's metadata (a new table is covered without a list to maintain). */
import type { Orm } from '../../db/orm';

export interface TenantTable {
  table: string;
  entity: string;
  primaryKeys: string[];
}

/** Emptied last by the deletion, in this order (identities and rights go after the business data). */
export const DEFAULT_PURGE_TABLE_ORDER = ['tenant_admin_invitations', 'refresh_tokens', 'api_keys', 'user_roles', 'role_permissions', 'role_departments', 'roles', 'users'];

let cached: TenantTable[] | undefined;

export function tenantScopedTables(orm: Orm): TenantTable[] {
  cached ??= Object.values(orm.getMetadata().getAll())
    .filter((m) => m.properties.tenantId && m.className !== 'Tenant' && !m.embeddable && !m.virtual)
    .map((m) => ({ table: m.tableName, entity: m.className, primaryKeys: [...m.primaryKeys] as string[] }))
    .sort((a, b) => a.table.localeCompare(b.table));
  return cached;
}
