/** User module: tenants, departments (materialised-path tree), positions, users. */
import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import { STANDARD_PACKAGE_ID } from './package';
import { createdAtColumn, dateColumn, idColumn, refColumn, tenantColumn, updatedAtColumn } from './base';

/**
 * `provisioning` while its onboarding saga runs, `failed` when the saga compensated, `suspended`
 * by a platform operator (logins and API keys refused), `deleting` while its data is removed.
 * `disabled` is the older "off" state (refused like suspended, without the platform's flow).
 */
export const TENANT_STATUSES = ['provisioning', 'active', 'suspended', 'failed', 'deleting', 'disabled'] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];
/** The platform tenant's users are platform operators; every other tenant is a customer. */
export type TenantKind = 'platform' | 'customer';

export class Tenant {
  [OptionalProps]?: 'status' | 'kind' | 'packageId' | 'timeZone' | 'createdAt' | 'updatedAt';
  id!: string;
  /** Short code users type at login (`acme`). Unique across the platform. */
  code!: string;
  name!: string;
  status: TenantStatus = 'active';
  kind: TenantKind = 'customer';
  /**
   * The tenant's package (db/entities/package.ts): its quotas, the user quota among them, are
   * the limits the tenant is held to. Only a platform operator changes it.
   */
  packageId = STANDARD_PACKAGE_ID;
  /** IANA zone for schedules and digests. */
  timeZone = 'UTC';
  createdAt = new Date();
  updatedAt = new Date();
}

export const TenantSchema = new EntitySchema<Tenant>({
  class: Tenant,
  tableName: 'tenants',
  indexes: [{ name: 'tenants_package_idx', properties: ['packageId'] }],
  properties: {
    id: idColumn,
    code: { type: 'string', length: 64, unique: 'tenants_code_unique' },
    name: { type: 'string', length: 200 },
    status: { type: 'string', length: 16 },
    kind: { type: 'string', length: 16 },
    packageId: { type: 'string', length: 36, fieldName: 'package_id' },
    timeZone: { type: 'string', length: 64 },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});

export class Department {
  [OptionalProps]?: 'parentId' | 'depth' | 'headUserId' | 'sortOrder' | 'createdAt' | 'updatedAt';
  id!: string;
  tenantId!: string;
  parentId: string | null = null;
  /** Generated, human-readable (`D0001`), unique per tenant. */
  code!: string;
  name!: string;
  /**
   * Materialised path of ancestor ids including this one: `/rootId/childId/thisId/`.
   * Ids are 36 chars, the column 700: at most 18 levels (the service enforces a lower limit).
   * A subtree is one indexed `path LIKE '<prefix>%'` scan, whatever the depth.
   */
  path!: string;
  depth = 0;
  headUserId: string | null = null;
  sortOrder = 0;
  createdAt = new Date();
  updatedAt = new Date();
}

export const DepartmentSchema = new EntitySchema<Department>({
  class: Department,
  tableName: 'departments',
  indexes: [
    { name: 'departments_tenant_path_idx', properties: ['tenantId', 'path'] },
    { name: 'departments_tenant_parent_idx', properties: ['tenantId', 'parentId'] },
  ],
  uniques: [{ name: 'departments_tenant_code_unique', properties: ['tenantId', 'code'] }],
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    parentId: refColumn(true),
    code: { type: 'string', length: 32 },
    name: { type: 'string', length: 200 },
    path: { type: 'string', length: 700 },
    depth: { type: 'integer' },
    headUserId: refColumn(true),
    sortOrder: { type: 'integer' },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});

export class Position {
  [OptionalProps]?: 'rank' | 'createdAt' | 'updatedAt';
  id!: string;
  tenantId!: string;
  code!: string;
  name!: string;
  /** Seniority rank, lower = more senior; used by manager-chain rules. */
  rank = 100;
  createdAt = new Date();
  updatedAt = new Date();
}

export const PositionSchema = new EntitySchema<Position>({
  class: Position,
  tableName: 'positions',
  uniques: [{ name: 'positions_tenant_code_unique', properties: ['tenantId', 'code'] }],
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    code: { type: 'string', length: 64 },
    name: { type: 'string', length: 200 },
    rank: { type: 'integer' },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});

export type UserStatus = 'active' | 'disabled';

export class User {
  [OptionalProps]?: 'passwordHash' | 'status' | 'departmentId' | 'positionId' | 'phone' | 'provisionedBy' | 'passwordChangedAt' | 'lastLoginAt' | 'deletedAt' | 'createdAt' | 'updatedAt';
  id!: string;
  tenantId!: string;
  username!: string;
  email!: string;
  displayName!: string;
  /** `scrypt$<logN>$<r>$<p>$<salt b64>$<hash b64>`; null until the user sets a password. */
  passwordHash: string | null = null;
  status: UserStatus = 'active';
  departmentId: string | null = null;
  positionId: string | null = null;
  phone: string | null = null;
  /** Set by the provisioning saga that created the user, so its compensation deletes only its own user. */
  provisionedBy: string | null = null;
  passwordChangedAt: Date | null = null;
  lastLoginAt: Date | null = null;
  deletedAt: Date | null = null;
  createdAt = new Date();
  updatedAt = new Date();
}

export const UserSchema = new EntitySchema<User>({
  class: User,
  tableName: 'users',
  uniques: [
    { name: 'users_tenant_username_unique', properties: ['tenantId', 'username'] },
    { name: 'users_tenant_email_unique', properties: ['tenantId', 'email'] },
  ],
  indexes: [
    { name: 'users_tenant_department_idx', properties: ['tenantId', 'departmentId'] },
    { name: 'users_tenant_status_idx', properties: ['tenantId', 'status'] },
    // Names of a page's people are read by `tenant_id = ? and id in (…)`: see approval_instances_tenant_id_idx.
    { name: 'users_tenant_id_idx', properties: ['tenantId', 'id'] },
  ],
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    username: { type: 'string', length: 64 },
    email: { type: 'string', length: 254 },
    displayName: { type: 'string', length: 200 },
    passwordHash: { type: 'string', length: 255, nullable: true, hidden: true, lazy: false },
    status: { type: 'string', length: 16 },
    departmentId: refColumn(true),
    positionId: refColumn(true),
    phone: { type: 'string', length: 32, nullable: true },
    provisionedBy: { type: 'string', length: 200, nullable: true },
    passwordChangedAt: dateColumn(),
    lastLoginAt: dateColumn(),
    deletedAt: dateColumn(),
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});
