/**
 * Dictionaries: named lists of options (leave types, currencies…) that template select fields
 * draw from. A group with no tenant is a platform default every tenant sees; a tenant adds its
 * own groups, and its own items to a platform group (extending it, never editing platform rows).
 */
import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import { createdAtColumn, idColumn, PortableJsonType, refColumn, updatedAtColumn } from './base';

/** Label per language; `en` is the fallback every item has. */
export interface DictionaryLabels {
  en: string;
  'zh-CN'?: string;
}

export class DictionaryGroup {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'description';
  id!: string;
  /** Null for a platform default (written only by the seed). */
  tenantId!: string | null;
  code!: string;
  name!: string;
  description: string | null = null;
  createdAt = new Date();
  updatedAt = new Date();
}

export const DictionaryGroupSchema = new EntitySchema<DictionaryGroup>({
  class: DictionaryGroup,
  tableName: 'dictionary_groups',
  // Platform rows have a null tenant, which a unique index does not compare: the service checks
  // a tenant code against the platform codes, and the seed looks platform rows up before writing.
  uniques: [{ name: 'dictionary_groups_code_unique', properties: ['tenantId', 'code'] }],
  properties: {
    id: idColumn,
    tenantId: { type: 'string', length: 36, nullable: true, fieldName: 'tenant_id' },
    code: { type: 'string', length: 64 },
    name: { type: 'string', length: 200 },
    description: { type: 'string', length: 500, nullable: true },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});

export class DictionaryItem {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'sortOrder' | 'enabled';
  id!: string;
  /** Null for a platform item; a tenant's item may belong to a platform group. */
  tenantId!: string | null;
  groupId!: string;
  code!: string;
  labels!: DictionaryLabels;
  sortOrder = 0;
  enabled = true;
  createdAt = new Date();
  updatedAt = new Date();
}

export const DictionaryItemSchema = new EntitySchema<DictionaryItem>({
  class: DictionaryItem,
  tableName: 'dictionary_items',
  uniques: [{ name: 'dictionary_items_code_unique', properties: ['groupId', 'tenantId', 'code'] }],
  indexes: [{ name: 'dictionary_items_group_idx', properties: ['groupId', 'sortOrder'] }],
  properties: {
    id: idColumn,
    tenantId: { type: 'string', length: 36, nullable: true, fieldName: 'tenant_id' },
    groupId: refColumn(),
    code: { type: 'string', length: 64 },
    labels: { type: PortableJsonType },
    sortOrder: { type: 'integer', default: 0 },
    enabled: { type: 'boolean', default: true },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});
