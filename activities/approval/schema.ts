/**
 * Inputs, queries and views of approval templates and dry-runs: TemplateService takes and returns
 * them, the API validates and documents with them. The template itself is the DSL's
 * `TemplateDefinition` (workflows/approval/dsl/template.ts): the same schema validates a draft here,
 * types the stored JSON and the workflow input, and documents the API.
 */
import { z } from 'zod';
import { Language } from '../dictionary/schema';
import { PageQuery } from '../../common/pagination';
import { SearchText, Uuid } from '../../common/schema';
import type { ApprovalTemplate, ApprovalTemplateVersion } from '../../db/entities';
import { APPROVAL_MODES, FormSchema, TEMPLATE_CATEGORIES, StepId, TemplateDefinition, type Template } from '../../workflows/approval/dsl';

export const TemplateListQuery = PageQuery.extend({
  /** Contained in the key or the name. */
  q: SearchText,
  category: z.enum(TEMPLATE_CATEGORIES).optional(),
  status: z.enum(['active', 'disabled']).optional(),
});
export type TemplateListQuery = z.output<typeof TemplateListQuery>;

export const TemplateView = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  category: z.enum(TEMPLATE_CATEGORIES),
  description: z.string(),
  status: z.enum(['active', 'disabled']),
  /** 0 = never published. */
  latestVersion: z.number().int(),
  /** The draft has changes no version holds yet. */
  hasUnpublishedChanges: z.boolean(),
  createdBy: z.string(),
  updatedBy: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TemplateView = z.infer<typeof TemplateView>;

export const TemplateDetailView = TemplateView.extend({ draft: TemplateDefinition });
export type TemplateDetailView = z.output<typeof TemplateDetailView>;

export const toTemplateView = (t: ApprovalTemplate): TemplateView => ({
  id: t.id,
  key: t.key,
  name: t.name,
  category: t.category,
  description: t.description,
  status: t.status,
  latestVersion: t.latestVersion,
  hasUnpublishedChanges: t.draftDirty,
  createdBy: t.createdBy,
  updatedBy: t.updatedBy,
  createdAt: t.createdAt.toISOString(),
  updatedAt: t.updatedAt.toISOString(),
});

export const toTemplateDetailView = (t: ApprovalTemplate): TemplateDetailView => ({ ...toTemplateView(t), draft: t.draft });

export const ManagersBody = z.strictObject({
  /** Active users of the tenant; the list replaces the current managers (empty: none). */
  userIds: z.array(Uuid).max(50),
});
export type ManagersBody = z.infer<typeof ManagersBody>;

export const ManagersView = z.object({
  templateId: z.string(),
  managers: z.array(z.object({ userId: z.string(), displayName: z.string().nullable() })),
});
export type ManagersView = z.infer<typeof ManagersView>;

export const VersionView = z.object({
  templateId: z.string(),
  version: z.number().int(),
  name: z.string(),
  publishedBy: z.string(),
  publishedAt: z.string(),
});
export type VersionView = z.infer<typeof VersionView>;

export const VersionDetailView = VersionView.extend({ definition: TemplateDefinition });
export type VersionDetailView = z.output<typeof VersionDetailView>;

export const toVersionView = (v: Pick<ApprovalTemplateVersion, 'templateId' | 'version' | 'name' | 'publishedBy' | 'publishedAt'>): VersionView => ({
  templateId: v.templateId,
  version: v.version,
  name: v.name,
  publishedBy: v.publishedBy,
  publishedAt: v.publishedAt.toISOString(),
});

export const toVersionDetailView = (v: ApprovalTemplateVersion): VersionDetailView => ({ ...toVersionView(v), definition: v.definition });

const Problem = z.object({ path: z.string(), message: z.string(), code: z.string() });

export const ValidationReport = z.object({
  valid: z.boolean(),
  /** Every problem, with its path in the definition (`flow[2].branches[1].steps[0].assignees`). */
  errors: z.array(Problem),
});
export type ValidationReport = z.infer<typeof ValidationReport>;

// ───────────────────────────────────────────── dry-run

export const DryRunInput = z
  .strictObject({
    /** A definition to try instead of the stored draft (it is validated as for publishing). */
    definition: TemplateDefinition.optional(),
    /** A published version to try instead of the draft. */
    version: z.number().int().min(1).optional(),
    form: z.record(z.string(), z.unknown()).default({}),
    initiatorUserId: Uuid,
    /** People the initiator picks at submit, for steps that let them (by step id). */
    selections: z.record(StepId, z.array(Uuid).max(50)).default({}),
  })
  .refine((v) => v.definition === undefined || v.version === undefined, { message: 'send definition or version, not both', path: ['version'] });
export type DryRunInput = z.output<typeof DryRunInput>;

export const DryRunAssignee = z.object({
  userId: z.string(),
  displayName: z.string(),
  /** Why this person's approval is taken as given: they are the initiator (approveSelf) or approved the previous step. */
  autoApproved: z.enum(['initiator', 'repeated']).nullable(),
});
export type DryRunAssignee = z.infer<typeof DryRunAssignee>;

export const DRY_RUN_OUTCOMES = ['assigned', 'autoApproved', 'autoRejected', 'failed', 'awaitingSelection', 'notified', 'branch', 'parallel', 'waits', 'runs'] as const;

export const DryRunStep = z.object({
  stepId: z.string(),
  kind: z.enum(['approval', 'cc', 'condition', 'parallel', 'delay', 'action']),
  name: z.string(),
  /** Where the step is in the definition (`flow[1].branches[0].steps[0]`). */
  location: z.string(),
  /** Enclosing branches, outermost first, as `stepId/branchId`. */
  within: z.array(z.string()),
  mode: z.enum(APPROVAL_MODES).nullable(),
  /** What the step would do: approval steps `assigned` (people wait), `autoApproved`, `autoRejected`, `failed`, `awaitingSelection`; others `notified`, `branch`, `parallel`, `waits`, `runs`. */
  outcome: z.enum(DRY_RUN_OUTCOMES),
  assignees: z.array(DryRunAssignee),
  note: z.string().nullable(),
});
export type DryRunStep = z.infer<typeof DryRunStep>;

export const DryRunHook = z.object({
  event: z.enum(['onApproved', 'onRejected']),
  kind: z.enum(['childWorkflow', 'activity']),
  /** Workflow type or activity name. */
  target: z.string(),
  input: z.record(z.string(), z.unknown()),
});

export const DryRunResult = z.object({
  templateId: z.string(),
  /** The version tried; null for the draft or a definition sent with the request. */
  version: z.number().int().nullable(),
  initiator: z.object({ userId: z.string(), displayName: z.string() }),
  /** The form as an instance would store it (validated, empty optional fields dropped). */
  form: z.record(z.string(), z.unknown()),
  /** How it ends if every waiting approver approves. */
  result: z.enum(['approved', 'rejected', 'failed']),
  path: z.array(DryRunStep),
  /** Outcome hooks that would start, with their input resolved. */
  hooks: z.array(DryRunHook),
});
export type DryRunResult = z.infer<typeof DryRunResult>;

/** What starting an instance needs: the exact definition of the version it will run. */
export interface StartableTemplate {
  templateId: string;
  key: string;
  version: number;
  definition: Template;
}

// ---------------------------------------------------------------- catalogue (what a caller may start)

export const CatalogQuery = PageQuery.extend({
  /** Contained in the key or the name. */
  q: SearchText,
  category: z.enum(TEMPLATE_CATEGORIES).optional(),
  /** Language of the labels of dictionary-backed options (English when an item has none in it). */
  lang: Language.default('en'),
});
export type CatalogQuery = z.output<typeof CatalogQuery>;

export const CatalogEntryQuery = z.object({ lang: Language.default('en') });
export type CatalogEntryQuery = z.output<typeof CatalogEntryQuery>;

/** A template the caller may start, with the form of its latest published version. */
export const CatalogEntry = z.object({
  templateId: z.string(),
  key: z.string(),
  name: z.string(),
  category: z.enum(TEMPLATE_CATEGORIES),
  description: z.string(),
  version: z.number().int(),
  formSchema: FormSchema,
  /** Approval steps whose approvers the initiator names at submit (`selections` by step id). */
  selectionSteps: z.array(z.object({ stepId: z.string(), name: z.string() })),
});
export type CatalogEntry = z.infer<typeof CatalogEntry>;

/** "Who will approve this?" before submitting: the latest version, the caller as initiator. */
export const StartPreviewInput = z.strictObject({
  form: z.record(z.string(), z.unknown()).default({}),
  selections: z.record(StepId, z.array(Uuid).max(50)).default({}),
});
export type StartPreviewInput = z.output<typeof StartPreviewInput>;
