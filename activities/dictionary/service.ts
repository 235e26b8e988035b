/**
 * Dictionaries: a tenant sees the platform defaults (tenant null) and its own groups and items.
 * It may create groups, and add items to its own groups or to a platform group; platform rows
 * are read-only for tenants (403 `dictionary_platform_readonly`), so one tenant's edits never
 * reach another. Select fields of templates take their options from here (`optionsFrom`),
 * resolved when the form is served and checked when it is submitted.
 */
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import type { Runtime } from '../runtime';
import type { Actor } from '../../common/actor';
import { ConflictError, ForbiddenError, NotFoundError } from '../../common/errors';
import { newId } from '../../common/ids';
import { offsetOf, pageOf, type Page } from '../../common/pagination';
import { contains } from '../../common/query';
import { parseInput } from '../../common/schema';
import { DictionaryGroup, DictionaryItem } from '../../db/entities';
import type { FormSchema } from '../../workflows/approval/dsl';
import {
  CreateDictionaryInput,
  CreateDictionaryItemInput,
  UpdateDictionaryInput,
  UpdateDictionaryItemInput,
  labelIn,
  toDictionaryItemView,
  toDictionaryView,
  type DictionaryItemListQuery,
  type DictionaryItemView,
  type DictionaryListQuery,
  type DictionaryView,
  type Language,
} from './schema';

const groupCodeTaken = (code: string) => new ConflictError('dictionary_code_taken', `The dictionary code ${code} is already used (by this tenant or the platform)`);
const itemCodeTaken = (code: string) => new ConflictError('dictionary_item_code_taken', `The item code ${code} is already used in this dictionary`);
const platformReadonly = () => new ForbiddenError('dictionary_platform_readonly', 'Platform dictionaries and their items cannot be changed; add your own items instead');

/** The check before writing gives the clear error; the unique index still decides a race between tenant rows. */
async function flushUnique(tx: EntityManager, conflict: () => Error) {
  try {
    await tx.flush();
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) throw conflict();
    throw err;
  }
}

/** Rows a tenant sees: its own and the platform's. */
const visibleTo = (tenantId: string) => ({ $or: [{ tenantId }, { tenantId: null }] });

export class DictionaryService {
  constructor(private readonly rt: Runtime) {}

  private get em() {
    return this.rt.orm.em;
  }

  /** A group the tenant sees (own or platform); another tenant's id is simply not found. */
  async group(actor: Actor, id: string, em: EntityManager = this.em): Promise<DictionaryGroup> {
    const group = await em.findOne(DictionaryGroup, { id, ...visibleTo(actor.tenantId) });
    if (!group) throw new NotFoundError('dictionary', id);
    return group;
  }

  private async ownGroup(actor: Actor, id: string, em: EntityManager): Promise<DictionaryGroup> {
    const group = await this.group(actor, id, em);
    if (group.tenantId === null) throw platformReadonly();
    return group;
  }

  async list(actor: Actor, q: DictionaryListQuery): Promise<Page<DictionaryView>> {
    const where: Record<string, unknown>[] = [visibleTo(actor.tenantId)];
    if (q.q) where.push(contains(['code', 'name'], q.q));
    const [rows, total] = await this.em.findAndCount(DictionaryGroup, { $and: where } as never, {
      orderBy: [{ code: 'asc' }, { id: 'asc' }],
      ...offsetOf(q),
    });
    return pageOf(rows.map(toDictionaryView), total, q);
  }

  async create(actor: Actor, raw: CreateDictionaryInput): Promise<DictionaryView> {
    const input = parseInput(CreateDictionaryInput, raw, 'The dictionary cannot be created');
    const { tenantId } = actor;
    return this.em.fork().transactional(async (tx) => {
      // A tenant code equal to a platform code would shadow it in templates: refused.
      if (await tx.count(DictionaryGroup, { code: input.code, ...visibleTo(tenantId) })) throw groupCodeTaken(input.code);
      const group = tx.create(DictionaryGroup, { id: newId(), tenantId, code: input.code, name: input.name, description: input.description ?? null });
      await flushUnique(tx, () => groupCodeTaken(input.code));
      return toDictionaryView(group);
    });
  }

  /** Name and description only: the code is what templates refer to, so it does not change. */
  async update(actor: Actor, id: string, raw: UpdateDictionaryInput): Promise<DictionaryView> {
    const input = parseInput(UpdateDictionaryInput, raw, 'The dictionary cannot be changed');
    return this.em.fork().transactional(async (tx) => {
      const group = await this.ownGroup(actor, id, tx);
      if (input.name !== undefined) group.name = input.name;
      if (input.description !== undefined) group.description = input.description ?? null;
      await tx.flush();
      return toDictionaryView(group);
    });
  }

  /** Deletes the tenant's group with its items. Published templates that use it then offer no options until it is recreated. */
  async remove(actor: Actor, id: string): Promise<void> {
    await this.em.fork().transactional(async (tx) => {
      const group = await this.ownGroup(actor, id, tx);
      await tx.nativeDelete(DictionaryItem, { groupId: group.id, tenantId: actor.tenantId });
      tx.remove(group);
      await tx.flush();
    });
  }

  // ---------------------------------------------------------------- items

  async items(actor: Actor, groupId: string, q: DictionaryItemListQuery): Promise<Page<DictionaryItemView>> {
    await this.group(actor, groupId);
    const where: Record<string, unknown> = { groupId, ...visibleTo(actor.tenantId) };
    if (q.enabled !== undefined) where.enabled = q.enabled;
    const [rows, total] = await this.em.findAndCount(DictionaryItem, where as never, {
      orderBy: [{ sortOrder: 'asc' }, { code: 'asc' }, { id: 'asc' }],
      ...offsetOf(q),
    });
    return pageOf(rows.map(toDictionaryItemView), total, q);
  }

  async item(actor: Actor, groupId: string, itemId: string, em: EntityManager = this.em): Promise<DictionaryItem> {
    await this.group(actor, groupId, em);
    const item = await em.findOne(DictionaryItem, { id: itemId, groupId, ...visibleTo(actor.tenantId) });
    if (!item) throw new NotFoundError('dictionary_item', itemId);
    return item;
  }

  private async ownItem(actor: Actor, groupId: string, itemId: string, em: EntityManager): Promise<DictionaryItem> {
    const item = await this.item(actor, groupId, itemId, em);
    if (item.tenantId === null) throw platformReadonly();
    return item;
  }

  /** Adds a tenant item, to the tenant's own group or to a platform group (extending it for this tenant only). */
  async addItem(actor: Actor, groupId: string, raw: CreateDictionaryItemInput): Promise<DictionaryItemView> {
    const input = parseInput(CreateDictionaryItemInput, raw, 'The dictionary item cannot be created');
    const { tenantId } = actor;
    return this.em.fork().transactional(async (tx) => {
      await this.group(actor, groupId, tx);
      // Codes are the submitted values: one code must mean one item among what the tenant sees.
      if (await tx.count(DictionaryItem, { groupId, code: input.code, ...visibleTo(tenantId) })) throw itemCodeTaken(input.code);
      const item = tx.create(DictionaryItem, { id: newId(), tenantId, groupId, code: input.code, labels: input.labels, sortOrder: input.sortOrder, enabled: input.enabled });
      await flushUnique(tx, () => itemCodeTaken(input.code));
      return toDictionaryItemView(item);
    });
  }

  /** Labels, order and enabled only; the code is what submitted forms hold. */
  async updateItem(actor: Actor, groupId: string, itemId: string, raw: UpdateDictionaryItemInput): Promise<DictionaryItemView> {
    const input = parseInput(UpdateDictionaryItemInput, raw, 'The dictionary item cannot be changed');
    return this.em.fork().transactional(async (tx) => {
      const item = await this.ownItem(actor, groupId, itemId, tx);
      if (input.labels !== undefined) item.labels = input.labels;
      if (input.sortOrder !== undefined) item.sortOrder = input.sortOrder;
      if (input.enabled !== undefined) item.enabled = input.enabled;
      await tx.flush();
      return toDictionaryItemView(item);
    });
  }

  async removeItem(actor: Actor, groupId: string, itemId: string): Promise<void> {
    await this.em.fork().transactional(async (tx) => {
      tx.remove(await this.ownItem(actor, groupId, itemId, tx));
      await tx.flush();
    });
  }

  // ---------------------------------------------------------------- templates

  /**
   * The groups a tenant can name by code, own before platform (a platform default added after a
   * tenant chose the same code must not take the tenant's list away).
   */
  async groupsByCode(tenantId: string, codes: readonly string[], em: EntityManager = this.em): Promise<Map<string, DictionaryGroup>> {
    const wanted = [...new Set(codes)];
    if (!wanted.length) return new Map();
    const rows = await em.find(DictionaryGroup, { code: { $in: wanted }, ...visibleTo(tenantId) });
    const byCode = new Map<string, DictionaryGroup>();
    for (const g of rows) if (!byCode.has(g.code) || g.tenantId !== null) byCode.set(g.code, g);
    return byCode;
  }

  /** Enabled options of each named group, ordered, labelled in `lang` (or English); an unknown group has none. */
  async optionsFor(tenantId: string, codes: readonly string[], lang: Language): Promise<Map<string, { value: string; label: string }[]>> {
    const groups = await this.groupsByCode(tenantId, codes);
    const out = new Map<string, { value: string; label: string }[]>([...new Set(codes)].map((c) => [c, []]));
    if (!groups.size) return out;
    const byGroup = new Map([...groups.values()].map((g) => [g.id, g.code]));
    const items = await this.em.find(DictionaryItem, { groupId: { $in: [...byGroup.keys()] }, enabled: true, ...visibleTo(tenantId) }, {
      orderBy: [{ sortOrder: 'asc' }, { code: 'asc' }, { id: 'asc' }],
    });
    for (const i of items) out.get(byGroup.get(i.groupId)!)!.push({ value: i.code, label: labelIn(i.labels, lang) });
    return out;
  }

  /**
   * The form as a person filling it sees it: every `optionsFrom` field gets the dictionary's
   * current options. Used when the form is served and when a submission is checked; the running
   * workflow never looks here, it keeps the values that were submitted.
   */
  async resolveForm(tenantId: string, form: FormSchema, lang: Language = 'en'): Promise<FormSchema> {
    const codes = form.fields.flatMap((f) => (f.optionsFrom ? [f.optionsFrom.dictionary] : []));
    if (!codes.length) return form;
    const options = await this.optionsFor(tenantId, codes, lang);
    return { ...form, fields: form.fields.map((f) => (f.optionsFrom ? { ...f, options: options.get(f.optionsFrom.dictionary) ?? [] } : f)) };
  }
}
