/**
 * Tenant parameters: one row per parameter a tenant has changed from the platform default. A
 * missing row means "the platform default", so a default changed in code (or in the environment)
 * reaches every tenant that never chose its own value. The value is JSON text: its shape is the
 * parameter's zod schema (activities/parameters/definitions.ts), checked on write and on read.
 */
import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import { refColumn, tenantColumn, updatedAtColumn } from './base';

export class TenantParameter {
  [OptionalProps]?: 'updatedAt' | 'updatedBy';
  tenantId!: string;
  /** The parameter's name (a key of PARAMETER_SCHEMAS). Not `key`: the change audit redacts fields named so. */
  parameter!: string;
  /** JSON text of the value. */
  value!: string;
  updatedBy: string | null = null;
  updatedAt = new Date();
}

export const TenantParameterSchema = new EntitySchema<TenantParameter>({
  class: TenantParameter,
  tableName: 'tenant_parameters',
  properties: {
    tenantId: { ...tenantColumn, primary: true },
    parameter: { type: 'string', length: 64, primary: true },
    value: { type: 'text' },
    updatedBy: refColumn(true),
    updatedAt: updatedAtColumn,
  },
});
