/** Approval module: templates (an editable draft) and their published, immutable versions. */
import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import type { Template, TemplateCategory } from '../../workflows/approval/dsl';
import { createdAtColumn, dateColumn, idColumn, PortableJsonType, refColumn, tenantColumn, updatedAtColumn } from './base';

export type ApprovalTemplateStatus = 'active' | 'disabled';

/**
 * A template's identity and its working draft. `key`, `name` and `category` mirror the draft so
 * listings filter without reading JSON. Instances never run the draft: they run a version.
 */
export class ApprovalTemplate {
  [OptionalProps]?: 'description' | 'status' | 'latestVersion' | 'draftDirty' | 'updatedBy' | 'createdAt' | 'updatedAt';
  id!: string;
  tenantId!: string;
  key!: string;
  name!: string;
  category!: TemplateCategory;
  description = '';
  /** `disabled`: no new instances; running ones continue on their version. */
  status: ApprovalTemplateStatus = 'active';
  /** The draft, parsed by the DSL (shape-valid, defaults filled; references unchecked until publish). */
  draft!: Template;
  /** Highest published version; 0 = never published. */
  latestVersion = 0;
  /** The draft differs from the latest version (true until the first publish). */
  draftDirty = true;
  createdBy!: string;
  updatedBy: string | null = null;
  createdAt = new Date();
  updatedAt = new Date();
}

export const ApprovalTemplateSchema = new EntitySchema<ApprovalTemplate>({
  class: ApprovalTemplate,
  tableName: 'approval_templates',
  uniques: [{ name: 'approval_templates_tenant_key_unique', properties: ['tenantId', 'key'] }],
  indexes: [{ name: 'approval_templates_tenant_category_idx', properties: ['tenantId', 'category', 'status'] }],
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    // Not `key`: a reserved word in MySQL, awkward in any hand-written SQL.
    key: { type: 'string', length: 64, fieldName: 'template_key' },
    name: { type: 'string', length: 200 },
    category: { type: 'string', length: 16 },
    description: { type: 'text' },
    status: { type: 'string', length: 16 },
    draft: { type: PortableJsonType },
    latestVersion: { type: 'integer' },
    draftDirty: { type: 'boolean' },
    createdBy: { type: 'string', length: 36 },
    updatedBy: { type: 'string', length: 36, nullable: true },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});

/**
 * One published version: the exact definition instances of it run (snapshotted into the
 * workflow input too). Written once and never updated; the service has no code path that
 * changes a row, and the hook below turns an accidental change through the ORM into an error.
 */
export class ApprovalTemplateVersion {
  [OptionalProps]?: 'publishedAt';
  id!: string;
  tenantId!: string;
  templateId!: string;
  version!: number;
  name!: string;
  definition!: Template;
  publishedBy!: string;
  publishedAt = new Date();
}

export const ApprovalTemplateVersionSchema = new EntitySchema<ApprovalTemplateVersion>({
  class: ApprovalTemplateVersion,
  tableName: 'approval_template_versions',
  uniques: [{ name: 'approval_template_versions_template_version_unique', properties: ['templateId', 'version'] }],
  indexes: [{ name: 'approval_template_versions_tenant_template_idx', properties: ['tenantId', 'templateId'] }],
  hooks: {
    beforeUpdate: [
      () => {
        throw new Error('approval template versions are immutable');
      },
    ],
  },
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    templateId: refColumn(),
    version: { type: 'integer' },
    name: { type: 'string', length: 200 },
    definition: { type: PortableJsonType },
    publishedBy: { type: 'string', length: 36 },
    publishedAt: { ...dateColumn(false), onCreate: () => new Date() },
  },
});

/**
 * The serial-number counter of one template key and scope (the number with its sequence left
 * out, e.g. `LEAVE-20261204-{seq}`: see workflows/approval/dsl/serial.ts). Submits lock this row
 * to take the next value, so numbers of one scope are handed out one at a time, without gaps.
 */
export class ApprovalSerialCounter {
  [OptionalProps]?: 'lastValue' | 'updatedAt';
  id!: string;
  tenantId!: string;
  templateKey!: string;
  scope!: string;
  /** The last value handed out; 0 = none yet. */
  lastValue = 0;
  updatedAt = new Date();
}

export const ApprovalSerialCounterSchema = new EntitySchema<ApprovalSerialCounter>({
  class: ApprovalSerialCounter,
  tableName: 'approval_serial_counters',
  uniques: [{ name: 'approval_serial_counters_scope_unique', properties: ['tenantId', 'templateKey', 'scope'] }],
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    templateKey: { type: 'string', length: 64 },
    scope: { type: 'string', length: 100 },
    lastValue: { type: 'integer' },
    updatedAt: updatedAtColumn,
  },
});

/**
 * The serial number given to one submission (its id is the instance id). Written in the same
 * transaction that takes the counter's value and starts the workflow, so a number is either
 * recorded with its request or not taken at all; a retried submit (same Idempotency-Key, hence
 * the same instance id) finds its row and gets the same number.
 */
export class ApprovalSerial {
  [OptionalProps]?: 'createdAt';
  id!: string;
  tenantId!: string;
  counterId!: string;
  seq!: number;
  serialNumber!: string;
  createdAt = new Date();
}

export const ApprovalSerialSchema = new EntitySchema<ApprovalSerial>({
  class: ApprovalSerial,
  tableName: 'approval_serials',
  // The backstop of "one value, one request": never two submissions on one counter value.
  uniques: [{ name: 'approval_serials_counter_seq_unique', properties: ['counterId', 'seq'] }],
  indexes: [{ name: 'approval_serials_tenant_number_idx', properties: ['tenantId', 'serialNumber'] }],
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    counterId: refColumn(),
    seq: { type: 'integer' },
    serialNumber: { type: 'string', length: 100 },
    createdAt: createdAtColumn,
  },
});

/**
 * A manager of a template (per template, so per key, not per version): they may edit its draft,
 * publish it and oversee its requests without tenant-wide template or oversight rights.
 */
export class ApprovalTemplateManager {
  [OptionalProps]?: 'createdAt';
  id!: string;
  tenantId!: string;
  templateId!: string;
  userId!: string;
  addedBy!: string;
  createdAt = new Date();
}

export const ApprovalTemplateManagerSchema = new EntitySchema<ApprovalTemplateManager>({
  class: ApprovalTemplateManager,
  tableName: 'approval_template_managers',
  uniques: [{ name: 'approval_template_managers_unique', properties: ['templateId', 'userId'] }],
  indexes: [{ name: 'approval_template_managers_user_idx', properties: ['tenantId', 'userId'] }],
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    templateId: refColumn(),
    userId: refColumn(),
    addedBy: { type: 'string', length: 36 },
    createdAt: createdAtColumn,
  },
});
