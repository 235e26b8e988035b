/**
 * Packages: the plans a platform operator sells. Each tenant has one (`tenants.package_id`), and
 * its quotas are the only limits a tenant is held to: the tenant's own admin can read them but
 * not change them. A null quota is unlimited (API requests: the platform default tier).
 */
import { BigIntType, EntitySchema, OptionalProps } from '@mikro-orm/core';
import { createdAtColumn, dateColumn, idColumn, tenantColumn, updatedAtColumn } from './base';

/**
 * The package every tenant gets unless a platform operator assigns another one. Created by
 * migration 80 with this fixed id, so a tenant row written anywhere (seed, tests, the tenant
 * saga) is valid without looking anything up.
 */
export const STANDARD_PACKAGE_ID = '00000000-0000-4000-8000-000000000080';
export const STANDARD_PACKAGE_CODE = 'standard';

export class Package {
  [OptionalProps]?: 'description' | 'maxUsers' | 'maxTemplates' | 'maxStorageBytes' | 'apiRequestsPerMinute' | 'maxRunningApprovals' | 'createdAt' | 'updatedAt';
  id!: string;
  /** Platform-wide unique (`standard`, `enterprise`). */
  code!: string;
  name!: string;
  description = '';
  /** Non-deleted users. */
  maxUsers: number | null = null;
  /** Approval templates (any status). */
  maxTemplates: number | null = null;
  /** Sum of the sizes of stored attachments. */
  maxStorageBytes: number | null = null;
  /** The tenant tier of the request limits; null: the platform default (RATE_LIMIT_PER_TENANT). */
  apiRequestsPerMinute: number | null = null;
  /** Approval requests not finished (running, returned to the initiator, stalled). */
  maxRunningApprovals: number | null = null;
  createdAt = new Date();
  updatedAt = new Date();
}

export const PackageSchema = new EntitySchema<Package>({
  class: Package,
  tableName: 'packages',
  properties: {
    id: idColumn,
    code: { type: 'string', length: 64, unique: 'packages_code_unique' },
    name: { type: 'string', length: 200 },
    description: { type: 'text' },
    maxUsers: { type: 'integer', nullable: true },
    maxTemplates: { type: 'integer', nullable: true },
    maxStorageBytes: { type: new BigIntType('number'), nullable: true },
    apiRequestsPerMinute: { type: 'integer', nullable: true },
    maxRunningApprovals: { type: 'integer', nullable: true },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});

/**
 * A place taken in a quota whose usage the database learns only later. An approval request's
 * row is written by its workflow's first projection, a moment after the API started it; until
 * then this claim holds its place, so concurrent starts cannot all pass the check. A claim
 * stops counting once the instance row exists (counted there) or when it expires (the start
 * never happened); expired claims are removed by the next check of the tenant.
 */
export class QuotaClaim {
  [OptionalProps]?: 'createdAt';
  id!: string;
  tenantId!: string;
  /** The quota (`runningApprovals`). */
  quota!: string;
  /** What holds the place (the approval instance id). */
  refId!: string;
  expiresAt!: Date;
  createdAt = new Date();
}

export const QuotaClaimSchema = new EntitySchema<QuotaClaim>({
  class: QuotaClaim,
  tableName: 'quota_claims',
  uniques: [{ name: 'quota_claims_ref_unique', properties: ['tenantId', 'quota', 'refId'] }],
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    quota: { type: 'string', length: 32 },
    refId: { type: 'string', length: 36 },
    expiresAt: dateColumn(false),
    createdAt: createdAtColumn,
  },
});
