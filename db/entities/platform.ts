/**
 * Platform administration: the invitation of a new tenant's first administrator. The tenant
 * onboarding saga finishes once the mail is out, so the single-use activation token cannot be
 * checked by a running workflow (as employee onboarding does); its hash is kept here instead.
 */
import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import { createdAtColumn, idColumn, tenantColumn } from './base';

export class TenantAdminInvitation {
  [OptionalProps]?: 'usedAt' | 'createdAt';
  id!: string;
  tenantId!: string;
  userId!: string;
  /** `tenant-onboarding:<code>`: the saga that invited (the token names it). */
  workflowId!: string;
  /** sha256 (hex) of the token's secret. */
  tokenHash!: string;
  expiresAt!: Date;
  usedAt: Date | null = null;
  createdAt = new Date();
}

export const TenantAdminInvitationSchema = new EntitySchema<TenantAdminInvitation>({
  class: TenantAdminInvitation,
  tableName: 'tenant_admin_invitations',
  uniques: [{ name: 'tenant_admin_invitations_hash_unique', properties: ['tokenHash'] }],
  indexes: [{ name: 'tenant_admin_invitations_tenant_idx', properties: ['tenantId', 'userId'] }],
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    userId: { type: 'string', length: 36 },
    workflowId: { type: 'string', length: 255 },
    tokenHash: { type: 'string', length: 64 },
    expiresAt: { type: 'Date', columnType: 'datetime(3)' },
    usedAt: { type: 'Date', columnType: 'datetime(3)', nullable: true },
    createdAt: createdAtColumn,
  },
});
