/**
 * Approval templates: the editable draft, publishing immutable versions, enabling/disabling,
 * validation on demand and dry-runs. Everything is tenant-scoped: a template of another tenant
 * is "not found", never "forbidden".
 *
 * Template managers (per template, not per version) may read, edit, validate, dry-run and
 * publish their template without the tenant-wide `template:*` permissions; only holders of
 * `template:write` name them. Creating, deleting, enabling and disabling stay tenant-wide.
 * Management is a person's right: API keys act only through their permission codes.
 */
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import type { Runtime } from '../runtime';
import type { Actor } from '../../common/actor';
import { can } from '../../common/actor';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../common/errors';
import { newId } from '../../common/ids';
import { offsetOf, pageOf, type Page, type PageQuery } from '../../common/pagination';
import { contains } from '../../common/query';
import { ApprovalTemplate, ApprovalTemplateManager, ApprovalTemplateVersion, User } from '../../db/entities';
import { PERMISSIONS, type PermissionCode } from '../permission/catalog';
import { AssigneeResolver } from './assignees';
import type { Template } from '../../workflows/approval/dsl';
import {
  toTemplateDetailView,
  toTemplateView,
  toVersionDetailView,
  toVersionView,
  type DryRunInput,
  type DryRunResult,
  type ManagersView,
  type StartableTemplate,
  type TemplateDetailView,
  type TemplateListQuery,
  type TemplateView,
  type ValidationReport,
  type VersionDetailView,
  type VersionView,
} from './schema';
import { validateTemplate } from './validate-template';
import { dryRun } from './dry-run';
import { assertPublisherMayGrant } from './grant-rights';
import { admitQuota } from '../package/quotas';

/** JSON with object keys sorted: MySQL's JSON type reorders keys, so compare content, not text. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

const keyTaken = (key: string) => new ConflictError('template_key_taken', `A template with the key "${key}" already exists`);

export class TemplateService {
  constructor(private readonly rt: Runtime) {}

  private get em() {
    return this.rt.orm.em;
  }

  private async find(em: EntityManager, tenantId: string, id: string, lock = false): Promise<ApprovalTemplate> {
    const row = await em.findOne(ApprovalTemplate, { tenantId, id }, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
    if (!row) throw new NotFoundError('template', id);
    return row;
  }

  /** Ids of the templates the caller manages (none for API keys: management is a person's right). */
  async managedTemplateIds(actor: Actor, em: EntityManager = this.em.fork() as EntityManager): Promise<string[]> {
    if (actor.via === 'api_key') return [];
    const rows = await em.find(ApprovalTemplateManager, { tenantId: actor.tenantId, userId: actor.userId }, { fields: ['templateId'] });
    return rows.map((r) => r.templateId);
  }

  /**
   * The template, when the caller holds the tenant-wide permission or manages it (404 for a
   * template of another tenant, before anything else; 403 `permission_denied` otherwise).
   */
  private async authorized(em: EntityManager, actor: Actor, id: string, permission: PermissionCode, lock = false): Promise<ApprovalTemplate> {
    const row = await this.find(em, actor.tenantId, id, lock);
    if (can(actor, permission)) return row;
    if (actor.via !== 'api_key' && (await em.count(ApprovalTemplateManager, { tenantId: actor.tenantId, templateId: row.id, userId: actor.userId }))) return row;
    throw new ForbiddenError('permission_denied', `This needs the permission ${permission}, or being a manager of this template`);
  }

  async list(actor: Actor, q: TemplateListQuery): Promise<Page<TemplateView>> {
    const where: Record<string, unknown>[] = [{ tenantId: actor.tenantId }];
    if (!can(actor, PERMISSIONS.templateRead)) {
      // A template manager without tenant-wide rights lists only their own templates.
      const managed = await this.managedTemplateIds(actor);
      if (!managed.length) throw new ForbiddenError('permission_denied', `This needs the permission ${PERMISSIONS.templateRead}, or managing a template`);
      where.push({ id: { $in: managed } });
    }
    if (q.category) where.push({ category: q.category });
    if (q.status) where.push({ status: q.status });
    if (q.q) where.push(contains(['template_key', 'name'], q.q));
    const [rows, total] = await this.em.findAndCount(ApprovalTemplate, { $and: where } as never, { orderBy: { key: 'asc' }, ...offsetOf(q) });
    return pageOf(rows.map(toTemplateView), total, q);
  }

  async get(actor: Actor, id: string): Promise<TemplateDetailView> {
    return toTemplateDetailView(await this.authorized(this.em, actor, id, PERMISSIONS.templateRead));
  }

  /** A new template with its draft (shape-valid; references are checked when publishing). */
  async create(actor: Actor, draft: Template): Promise<TemplateDetailView> {
    const { tenantId } = actor;
    return this.em.fork().transactional(async (tx) => {
      // The package's template quota, under the tenant lock (concurrent creates count in turn).
      await admitQuota(tx, tenantId, 'templates');
      if (await tx.count(ApprovalTemplate, { tenantId, key: draft.key })) throw keyTaken(draft.key);
      const row = tx.create(ApprovalTemplate, {
        id: newId(),
        tenantId,
        key: draft.key,
        name: draft.name,
        category: draft.category,
        description: draft.description,
        draft,
        createdBy: actor.userId,
      });
      await this.flushUnique(tx, draft.key);
      return toTemplateDetailView(row);
    });
  }

  /**
   * Replace the draft. The key may change only while nothing was published: versions and the
   * instances running them refer to the template by it.
   */
  async updateDraft(actor: Actor, id: string, draft: Template): Promise<TemplateDetailView> {
    const { tenantId } = actor;
    return this.em.fork().transactional(async (tx) => {
      const row = await this.authorized(tx, actor, id, PERMISSIONS.templateWrite, true);
      if (draft.key !== row.key) {
        if (row.latestVersion > 0) throw new ConflictError('template_key_immutable', `The key of a published template cannot change (it is "${row.key}")`);
        if (await tx.count(ApprovalTemplate, { tenantId, key: draft.key })) throw keyTaken(draft.key);
      }
      const latest = row.latestVersion ? await tx.findOne(ApprovalTemplateVersion, { tenantId, templateId: row.id, version: row.latestVersion }) : null;
      // Saving the published content again (an undo, a no-op save) leaves nothing to publish.
      const draftDirty = !latest || canonicalJson(latest.definition) !== canonicalJson(draft);
      tx.assign(row, { key: draft.key, name: draft.name, category: draft.category, description: draft.description, draft, draftDirty, updatedBy: actor.userId });
      await this.flushUnique(tx, draft.key);
      return toTemplateDetailView(row);
    });
  }

  /** Only a never-published template can go: instances and their history refer to versions. */
  async remove(actor: Actor, id: string): Promise<void> {
    await this.em.fork().transactional(async (tx) => {
      const row = await this.find(tx, actor.tenantId, id, true);
      if (row.latestVersion > 0) {
        throw new ConflictError('template_published', `Template ${row.key} has published versions and cannot be deleted; disable it instead`);
      }
      await tx.nativeDelete(ApprovalTemplateManager, { tenantId: actor.tenantId, templateId: row.id });
      tx.remove(row);
      await tx.flush();
    });
  }

  /** Deep validation of the draft, without publishing: what publish would say. */
  async validateDraft(actor: Actor, id: string): Promise<ValidationReport> {
    const row = await this.authorized(this.em, actor, id, PERMISSIONS.templateWrite);
    const { errors } = await validateTemplate(this.em, actor.tenantId, row.draft, { webhookHosts: this.rt.config.WEBHOOK_ALLOWED_HOSTS });
    return { valid: errors.length === 0, errors };
  }

  /**
   * Publish the draft as version N+1, after deep validation (422 `template_invalid` listing
   * every problem). The row lock serialises concurrent publishes of one template; the unique
   * (template, version) index is the backstop.
   */
  async publish(actor: Actor, id: string): Promise<VersionDetailView> {
    const { tenantId } = actor;
    try {
      return await this.em.fork().transactional(async (tx) => {
        const row = await this.authorized(tx, actor, id, PERMISSIONS.templatePublish, true);
        if (row.latestVersion > 0 && !row.draftDirty) {
          throw new ConflictError('template_unchanged', `The draft equals version ${row.latestVersion}; change it before publishing again`);
        }
        const { template, errors } = await validateTemplate(tx, tenantId, row.draft, { webhookHosts: this.rt.config.WEBHOOK_ALLOWED_HOSTS });
        if (!template || errors.length) throw new ValidationError('The template cannot be published', errors, 'template_invalid');
        await assertPublisherMayGrant(this.rt, tx, actor, template);
        const version = tx.create(ApprovalTemplateVersion, {
          id: newId(),
          tenantId,
          templateId: row.id,
          version: row.latestVersion + 1,
          name: template.name,
          definition: template,
          publishedBy: actor.userId,
        });
        tx.assign(row, { latestVersion: version.version, draftDirty: false, updatedBy: actor.userId });
        await tx.flush();
        return toVersionDetailView(version);
      });
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) throw new ConflictError('template_publish_conflict', 'Another publish of this template happened at the same time; try again');
      throw err;
    }
  }

  async versions(actor: Actor, id: string, q: PageQuery): Promise<Page<VersionView>> {
    const template = await this.authorized(this.em, actor, id, PERMISSIONS.templateRead);
    const [rows, total] = await this.em.findAndCount(
      ApprovalTemplateVersion,
      { tenantId: actor.tenantId, templateId: template.id },
      { orderBy: { version: 'desc' }, fields: ['templateId', 'version', 'name', 'publishedBy', 'publishedAt'], ...offsetOf(q) },
    );
    return pageOf(rows.map(toVersionView), total, q);
  }

  async version(actor: Actor, id: string, version: number): Promise<VersionDetailView> {
    return this.versionOf(await this.authorized(this.em, actor, id, PERMISSIONS.templateRead), version);
  }

  /** A version of a template the caller was already allowed to use. */
  private async versionOf(template: ApprovalTemplate, version: number): Promise<VersionDetailView> {
    const row = await this.em.findOne(ApprovalTemplateVersion, { tenantId: template.tenantId, templateId: template.id, version });
    if (!row) throw new NotFoundError('template_version', `${template.key} v${version}`);
    return toVersionDetailView(row);
  }

  /** Disabled templates start no new instances; running instances carry on with their version. */
  async setStatus(actor: Actor, id: string, status: ApprovalTemplate['status']): Promise<TemplateView> {
    return this.em.fork().transactional(async (tx) => {
      const row = await this.find(tx, actor.tenantId, id, true);
      if (row.status !== status) {
        tx.assign(row, { status, updatedBy: actor.userId });
        await tx.flush();
      }
      return toTemplateView(row);
    });
  }

  /**
   * The latest version, for starting an instance: 409 `template_disabled` or
   * `template_not_published` when none may start. The definition goes into the workflow input.
   */
  async startable(actor: Actor, id: string): Promise<StartableTemplate> {
    const row = await this.find(this.em, actor.tenantId, id);
    if (row.status !== 'active') throw new ConflictError('template_disabled', `Template ${row.key} is disabled: no new requests can start`);
    if (!row.latestVersion) throw new ConflictError('template_not_published', `Template ${row.key} has no published version yet`);
    // Starting needs no template right: who may start is the catalogue's rule (assertMayStart).
    const version = await this.versionOf(row, row.latestVersion);
    return { templateId: row.id, key: row.key, version: version.version, definition: version.definition };
  }

  /**
   * Try the draft (default), a published version, or a definition sent with the request. The
   * definition must pass publish validation: a dry-run shows what a published version would do.
   */
  async dryRun(actor: Actor, id: string, input: DryRunInput): Promise<DryRunResult> {
    const row = await this.authorized(this.em, actor, id, PERMISSIONS.templateWrite);
    if (input.version !== undefined) {
      const v = await this.versionOf(row, input.version);
      return dryRun(this.rt, actor, { templateId: row.id, version: v.version, definition: v.definition }, input);
    }
    const { template, errors } = await validateTemplate(this.em, actor.tenantId, input.definition ?? row.draft, { webhookHosts: this.rt.config.WEBHOOK_ALLOWED_HOSTS });
    if (!template || errors.length) {
      const prefix = input.definition ? 'definition.' : '';
      throw new ValidationError('The template is not valid: fix it before a dry-run', errors.map((e) => ({ ...e, path: prefix + e.path })), 'template_invalid');
    }
    return dryRun(this.rt, actor, { templateId: row.id, version: null, definition: template }, input);
  }

  // ─────────────────────────────────────────── managers

  async managers(actor: Actor, id: string): Promise<ManagersView> {
    const row = await this.authorized(this.em, actor, id, PERMISSIONS.templateRead);
    const em = this.em.fork();
    const links = await em.find(ApprovalTemplateManager, { tenantId: actor.tenantId, templateId: row.id }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    const users = links.length ? await em.find(User, { tenantId: actor.tenantId, id: { $in: links.map((l) => l.userId) } }, { fields: ['id', 'displayName'] }) : [];
    const names = new Map(users.map((u) => [u.id, u.displayName]));
    return { templateId: row.id, managers: links.map((l) => ({ userId: l.userId, displayName: names.get(l.userId) ?? null })) };
  }

  /**
   * Replace the managers of a template: tenant-wide `template:write` only (checked by the
   * route, and again here, so a manager can never name managers, their own template's included).
   * Every id must be an active user of the tenant (422 at `body.userIds.N`, nothing changed).
   */
  async setManagers(actor: Actor, id: string, userIds: string[]): Promise<ManagersView> {
    if (!can(actor, PERMISSIONS.templateWrite)) throw new ForbiddenError('permission_denied', `This needs the permission ${PERMISSIONS.templateWrite}`);
    const wanted = [...new Set(userIds)];
    const active = new Set((await new AssigneeResolver(this.rt).activeUsers(actor.tenantId, wanted)).map((p) => p.userId));
    const problems = userIds.flatMap((u, i) => (active.has(u) ? [] : [{ path: `userIds.${i}`, message: 'no active user with this id in the tenant', code: 'not_found' }]));
    await this.em.fork().transactional(async (tx) => {
      // The template first: one of another tenant is 404 whatever the body says.
      const row = await this.find(tx, actor.tenantId, id, true);
      if (problems.length) throw new ValidationError('The managers are not valid', problems);
      const current = await tx.find(ApprovalTemplateManager, { tenantId: actor.tenantId, templateId: row.id });
      for (const link of current) if (!wanted.includes(link.userId)) tx.remove(link);
      const kept = new Set(current.map((l) => l.userId));
      for (const userId of wanted) if (!kept.has(userId)) tx.create(ApprovalTemplateManager, { id: newId(), tenantId: actor.tenantId, templateId: row.id, userId, addedBy: actor.userId });
      tx.assign(row, { updatedBy: actor.userId });
      await tx.flush();
    });
    return this.managers(actor, id);
  }

  private async flushUnique(tx: EntityManager, key: string) {
    try {
      await tx.flush();
    } catch (err) {
      // The count answers the common case; the unique index answers a concurrent writer.
      if (err instanceof UniqueConstraintViolationException) throw keyTaken(key);
      throw err;
    }
  }
}

