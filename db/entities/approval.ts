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
