/** Auth module: refresh-token families, API keys, login log. */
import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import { createdAtColumn, dateColumn, idColumn, PortableJsonType, refColumn, tenantColumn } from './base';

/**
 * One row per issued refresh token. Tokens of one login form a family; each use rotates the token
 * (the old row gets `rotatedAt`). Presenting a rotated token again means it leaked: the whole
 * family is revoked.
 */
export class RefreshToken {
  [OptionalProps]?: 'parentId' | 'rotatedAt' | 'revokedAt' | 'revokeReason' | 'ip' | 'userAgent' | 'createdAt';
  id!: string;
  tenantId!: string;
  userId!: string;
  familyId!: string;
  /** SHA-256 of the opaque token; the token itself is never stored. */
  tokenHash!: string;
  parentId: string | null = null;
  expiresAt!: Date;
  rotatedAt: Date | null = null;
  revokedAt: Date | null = null;
  revokeReason: string | null = null;
  ip: string | null = null;
  userAgent: string | null = null;
  createdAt = new Date();
}

export const RefreshTokenSchema = new EntitySchema<RefreshToken>({
  class: RefreshToken,
  tableName: 'refresh_tokens',
  indexes: [
    { name: 'refresh_tokens_family_idx', properties: ['familyId'] },
    { name: 'refresh_tokens_user_idx', properties: ['tenantId', 'userId'] },
  ],
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    userId: refColumn(),
    familyId: refColumn(),
    tokenHash: { type: 'string', length: 64, unique: 'refresh_tokens_hash_unique' },
    parentId: refColumn(true),
    expiresAt: { type: 'Date', columnType: 'datetime(3)' },
    rotatedAt: dateColumn(),
    revokedAt: dateColumn(),
    revokeReason: { type: 'string', length: 64, nullable: true },
    ip: { type: 'string', length: 64, nullable: true },
    userAgent: { type: 'string', length: 500, nullable: true },
    createdAt: createdAtColumn,
  },
});

/** Integration keys: shown once at creation, stored as a SHA-256 hash, looked up by prefix. */
export class ApiKey {
  [OptionalProps]?: 'scopes' | 'expiresAt' | 'revokedAt' | 'lastUsedAt' | 'createdAt' | 'parentKeyId';
  id!: string;
  tenantId!: string;
  /** The user the key acts as (permissions = that user's permissions ∩ scopes). */
  userId!: string;
  name!: string;
  /** First characters of the key, shown in listings and used for lookup. */
  prefix!: string;
  keyHash!: string;
  scopes: string[] = [];
  expiresAt: Date | null = null;
  revokedAt: Date | null = null;
  lastUsedAt: Date | null = null;
  createdBy!: string;
  /** The key this key was created with (null: created by a person); revoking it revokes this one. */
  parentKeyId: string | null = null;
  createdAt = new Date();
}

export const ApiKeySchema = new EntitySchema<ApiKey>({
  class: ApiKey,
  tableName: 'api_keys',
  indexes: [
    { name: 'api_keys_tenant_idx', properties: ['tenantId'] },
    { name: 'api_keys_parent_idx', properties: ['tenantId', 'parentKeyId'] },
  ],
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    userId: refColumn(),
    name: { type: 'string', length: 200 },
    prefix: { type: 'string', length: 32, unique: 'api_keys_prefix_unique' },
    keyHash: { type: 'string', length: 64, hidden: true },
    scopes: { type: PortableJsonType },
    expiresAt: dateColumn(),
    revokedAt: dateColumn(),
    lastUsedAt: dateColumn(),
    createdBy: refColumn(),
    parentKeyId: refColumn(true),
    createdAt: createdAtColumn,
  },
});

export class LoginLog {
  [OptionalProps]?: 'tenantId' | 'userId' | 'ip' | 'userAgent' | 'createdAt';
  id!: string;
  /** Null when the tenant code itself was unknown. */
  tenantId: string | null = null;
  tenantCode!: string;
  identifier!: string;
  userId: string | null = null;
  success!: boolean;
  /** `ok`, `bad_credentials`, `locked`, `disabled`, `unknown_tenant`, … */
  reason!: string;
  ip: string | null = null;
  userAgent: string | null = null;
  createdAt = new Date();
}

export const LoginLogSchema = new EntitySchema<LoginLog>({
  class: LoginLog,
  tableName: 'login_logs',
  indexes: [
    { name: 'login_logs_tenant_created_idx', properties: ['tenantId', 'createdAt'] },
    // The nightly purge deletes by age across tenants (activities/support/audit/service.ts).
    { name: 'login_logs_created_idx', properties: ['createdAt'] },
  ],
  properties: {
    id: idColumn,
    tenantId: { type: 'string', length: 36, nullable: true },
    tenantCode: { type: 'string', length: 64 },
    identifier: { type: 'string', length: 254 },
    userId: refColumn(true),
    success: { type: 'boolean' },
    reason: { type: 'string', length: 32 },
    ip: { type: 'string', length: 64, nullable: true },
    userAgent: { type: 'string', length: 500, nullable: true },
    createdAt: createdAtColumn,
  },
});
