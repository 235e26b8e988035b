/**
 * The catalogue: which templates a caller may start, each with the form of its latest published
 * version, readable by every employee (listing templates needs `template:read`, the catalogue
 * does not). One rule decides "may start" for the catalogue, the submit and the preview.
 */
import type { Runtime } from '../runtime';
import type { Actor } from '../../common/actor';
import { ForbiddenError, NotFoundError } from '../../common/errors';
import { pageOf, type Page } from '../../common/pagination';
import { ApprovalTemplate, ApprovalTemplateVersion, Department, User } from '../../db/entities';
import { EVERYONE_STARTS, iterateSteps, type Template, type TemplateStarters } from '../../workflows/approval/dsl';
import { dryRun } from './dry-run';
import type { CatalogEntry, CatalogEntryQuery, CatalogQuery, DryRunResult, StartPreviewInput, StartableTemplate } from './schema';

/** What "may start" looks at: the caller's id, department path and role codes. */
export interface Starter {
  userId: string;
  /** Materialised path of the caller's department (`/root/child/own/`), or null. */
  departmentPath: string | null;
  departmentId: string | null;
  roleCodes: ReadonlySet<string>;
}

/** The rule itself, pure: everyone, a named person, a role held, or a department (with its subtree). */
export function mayStart(starter: Starter, starters: TemplateStarters | undefined): boolean {
  // Versions published before starters existed carry none: they stay open to everyone.
  const s = starters ?? EVERYONE_STARTS;
  if (s.everyone) return true;
  if (s.userIds.includes(starter.userId)) return true;
  if (s.roleCodes.some((c) => starter.roleCodes.has(c))) return true;
  return s.departments.some((d) =>
    d.includeSubtree ? !!starter.departmentPath?.includes(`/${d.departmentId}/`) : starter.departmentId === d.departmentId,
  );
}

const notStartable = (key: string) => new ForbiddenError('template_not_startable', `You may not start requests from the template ${key}`);

export class ApprovalCatalogService {
  constructor(private readonly rt: Runtime) {}

  private get em() {
    return this.rt.orm.em;
  }

  async starter(actor: Actor): Promise<Starter> {
    const { tenantId } = actor;
    const user = await this.em.findOne(User, { tenantId, id: actor.userId, deletedAt: null });
    const dept = user?.departmentId ? await this.em.findOne(Department, { tenantId, id: user.departmentId }) : null;
    const roles = await this.rt.services.permissions.rolesOf(tenantId, actor.userId);
    return { userId: actor.userId, departmentId: dept?.id ?? null, departmentPath: dept?.path ?? null, roleCodes: new Set(roles.map((r) => r.code)) };
  }

  /** 403 `template_not_startable` unless the caller may start this published definition. */
  async assertMayStart(actor: Actor, template: StartableTemplate): Promise<void> {
    if (!mayStart(await this.starter(actor), template.definition.starters)) throw notStartable(template.key);
  }

  /**
   * Active, published templates the caller may start, by category then name. The rule needs
   * each latest definition, so the filter runs here and the page is cut after it: a tenant has
   * tens to hundreds of templates, not millions.
   */
  async list(actor: Actor, q: CatalogQuery): Promise<Page<CatalogEntry>> {
    const { tenantId } = actor;
    const where: Record<string, unknown> = { tenantId, status: 'active', latestVersion: { $gt: 0 } };
    if (q.category) where.category = q.category;
    const rows = await this.em.find(ApprovalTemplate, where as never, { orderBy: [{ category: 'asc' }, { name: 'asc' }, { id: 'asc' }] });
    const needle = q.q?.toLowerCase();
    const matching = needle ? rows.filter((t) => t.key.toLowerCase().includes(needle) || t.name.toLowerCase().includes(needle)) : rows;
    const latest = await this.latestDefinitions(tenantId, matching);
    const starter = await this.starter(actor);
    const open = matching.filter((t) => mayStart(starter, latest.get(t.id)?.definition.starters));
    const from = (q.page - 1) * q.pageSize;
    const entries = await Promise.all(open.slice(from, from + q.pageSize).map((t) => this.resolved(tenantId, toEntry(t, latest.get(t.id)!), q.lang)));
    return pageOf(entries, open.length, q);
  }

  /** One entry (404 for unknown, disabled or unpublished templates; 403 when the caller may not start it). */
  async entry(actor: Actor, templateId: string, q: CatalogEntryQuery = { lang: 'en' }): Promise<CatalogEntry> {
    const { row, version } = await this.openTemplate(actor, templateId);
    return this.resolved(actor.tenantId, toEntry(row, version), q.lang);
  }

  /** Dictionary-backed fields are served with the dictionary's current options, so a form renderer needs nothing more. */
  private async resolved(tenantId: string, entry: CatalogEntry, lang: CatalogEntryQuery['lang']): Promise<CatalogEntry> {
    return { ...entry, formSchema: await this.rt.services.dictionaries.resolveForm(tenantId, entry.formSchema, lang) };
  }

  /** Dry-run of the latest version with the caller as initiator: who would approve, step by step. */
  async preview(actor: Actor, templateId: string, input: StartPreviewInput): Promise<DryRunResult> {
    const { row, version } = await this.openTemplate(actor, templateId);
    return dryRun(this.rt, actor, { templateId: row.id, version: version.version, definition: version.definition }, { ...input, initiatorUserId: actor.userId });
  }

  private async openTemplate(actor: Actor, templateId: string) {
    const row = await this.em.findOne(ApprovalTemplate, { tenantId: actor.tenantId, id: templateId, status: 'active', latestVersion: { $gt: 0 } });
    if (!row) throw new NotFoundError('template', templateId);
    const version = (await this.latestDefinitions(actor.tenantId, [row])).get(row.id);
    if (!version) throw new NotFoundError('template', templateId);
    if (!mayStart(await this.starter(actor), version.definition.starters)) throw notStartable(row.key);
    return { row, version };
  }

  private async latestDefinitions(tenantId: string, rows: ApprovalTemplate[]): Promise<Map<string, ApprovalTemplateVersion>> {
    if (!rows.length) return new Map();
    const versions = await this.em.find(ApprovalTemplateVersion, { tenantId, $or: rows.map((t) => ({ templateId: t.id, version: t.latestVersion })) });
    return new Map(versions.map((v) => [v.templateId, v]));
  }
}

function toEntry(t: ApprovalTemplate, v: ApprovalTemplateVersion): CatalogEntry {
  const definition: Template = v.definition;
  return {
    templateId: t.id,
    key: t.key,
    name: t.name,
    category: t.category,
    description: t.description,
    version: v.version,
    formSchema: definition.formSchema,
    selectionSteps: [...iterateSteps(definition.flow)].flatMap(({ step }) =>
      step.kind === 'approval' && (step.initiatorSelects || step.assignees.type === 'initiatorSelects') ? [{ stepId: step.id, name: step.name }] : [],
    ),
  };
}
