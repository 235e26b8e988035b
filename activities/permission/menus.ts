/** The per-tenant menu tree bound to permissions, and the caller's dynamic menu. */
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import type { Runtime } from '../runtime';
import { can, type Actor } from '../../common/actor';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../../common/errors';
import { newId } from '../../common/ids';
import { offsetOf, pageOf, type Page } from '../../common/pagination';
import { Menu, Tenant } from '../../db/entities';
import {
  toMenuView,
  type CreateMenuInput,
  type MenuListQuery,
  type MenuNode,
  type MenuView,
  type UpdateMenuInput,
} from './schema';

const bySortOrder = (a: MenuView, b: MenuView) => a.sortOrder - b.sortOrder || a.key.localeCompare(b.key);

/**
 * Nest flat menu rows into a tree, siblings sorted by sortOrder (then key, so the order is
 * stable). The tree grows from the top-level rows only: a row whose parent is missing, or rows
 * that point at each other in a loop, are unreachable and left out instead of looping forever.
 */
export function buildMenuTree(rows: readonly MenuView[]): MenuNode[] {
  const byParent = new Map<string | null, MenuView[]>();
  for (const row of rows) {
    const siblings = byParent.get(row.parentId) ?? [];
    siblings.push(row);
    byParent.set(row.parentId, siblings);
  }
  const grow = (parentId: string | null): MenuNode[] =>
    [...(byParent.get(parentId) ?? [])].sort(bySortOrder).map((m) => ({ ...m, children: grow(m.id) }));
  return grow(null);
}

/**
 * The menu a caller sees: entries that are visible and either carry no permission or one the
 * caller holds. Hiding an entry hides everything below it. A directory left without any entry
 * is dropped, so users never see an empty heading (this runs bottom-up, so a directory holding
 * only emptied directories goes too). Pure: the API passes the caller's permission check in.
 */
export function visibleMenuTree(rows: readonly MenuView[], holds: (permissionCode: string) => boolean): MenuNode[] {
  const prune = (nodes: MenuNode[]): MenuNode[] =>
    nodes.flatMap((node) => {
      if (!node.visible || (node.permissionCode !== null && !holds(node.permissionCode))) return [];
      const children = prune(node.children);
      if (node.kind === 'directory' && children.length === 0) return [];
      return [{ ...node, children }];
    });
  return prune(buildMenuTree(rows));
}

export class MenuService {
  constructor(private readonly rt: Runtime) {}

  private get em() {
    return this.rt.orm.em;
  }

  async list(actor: Actor, q: MenuListQuery): Promise<Page<MenuView>> {
    const where = { tenantId: actor.tenantId, ...(q.parentId ? { parentId: q.parentId === 'root' ? null : q.parentId } : {}) };
    const [rows, total] = await this.em.findAndCount(Menu, where, { orderBy: { sortOrder: 'asc', key: 'asc' }, ...offsetOf(q) });
    return pageOf(rows.map(toMenuView), total, q);
  }

  /** The whole tree, hidden entries included (for the menu editor). */
  async tree(actor: Actor): Promise<MenuNode[]> {
    return buildMenuTree(await this.rows(this.em, actor.tenantId));
  }

  /** The caller's dynamic menu; an API key sees what its scopes allow. */
  async myMenus(actor: Actor): Promise<MenuNode[]> {
    return visibleMenuTree(await this.rows(this.em, actor.tenantId), (code) => can(actor, code));
  }

  async get(actor: Actor, id: string): Promise<MenuView> {
    return toMenuView(await this.find(this.em, actor.tenantId, id));
  }

  async create(actor: Actor, input: CreateMenuInput): Promise<MenuView> {
    const { tenantId } = actor;
    const menu = await this.em.fork().transactional(async (tx) => {
      await lockMenuTree(tx, tenantId);
      const problems: FieldError[] = [];
      if (input.parentId !== null) await this.checkParent(tx, tenantId, input.parentId, problems);
      if (input.permissionCode !== null) await this.checkPermissionCode(input.permissionCode, problems);
      if (problems.length) throw new ValidationError('The menu entry cannot be created', problems);
      if (await tx.count(Menu, { tenantId, key: input.key })) throw keyTaken(input.key);
      const row = tx.create(Menu, { id: newId(), tenantId, ...input });
      await tx.flush();
      return row;
    });
    return toMenuView(menu);
  }

  async update(actor: Actor, id: string, patch: UpdateMenuInput): Promise<MenuView> {
    const { tenantId } = actor;
    const menu = await this.em.fork().transactional(async (tx) => {
      await lockMenuTree(tx, tenantId);
      const menu = await this.find(tx, tenantId, id);
      const problems: FieldError[] = [];
      if (patch.parentId !== undefined && patch.parentId !== null && patch.parentId !== menu.parentId) {
        const parent = await this.checkParent(tx, tenantId, patch.parentId, problems);
        if (parent && (await this.isSelfOrDescendant(tx, tenantId, id, parent.id))) {
          throw new ValidationError(
            'A menu entry cannot be moved below itself',
            [{ path: 'parentId', message: 'is this entry or one of its descendants', code: 'cycle' }],
            'menu_cycle',
          );
        }
      }
      if (patch.kind === 'button' && menu.kind !== 'button' && (await tx.count(Menu, { tenantId, parentId: id }))) {
        problems.push({ path: 'kind', message: 'an entry with children cannot become a button', code: 'has_children' });
      }
      if (patch.permissionCode) await this.checkPermissionCode(patch.permissionCode, problems);
      if (problems.length) throw new ValidationError('The menu entry cannot be changed', problems);
      if (patch.key !== undefined && patch.key !== menu.key && (await tx.count(Menu, { tenantId, key: patch.key }))) {
        throw keyTaken(patch.key);
      }
      tx.assign(menu, patch);
      await tx.flush();
      return menu;
    });
    return toMenuView(menu);
  }

  /** Only leaves can be deleted, so no entry is ever left pointing at a missing parent. */
  async remove(actor: Actor, id: string): Promise<void> {
    const { tenantId } = actor;
    await this.em.fork().transactional(async (tx) => {
      await lockMenuTree(tx, tenantId);
      const menu = await this.find(tx, tenantId, id);
      const children = await tx.count(Menu, { tenantId, parentId: id });
      if (children) {
        throw new ConflictError('menu_has_children', `The menu entry ${menu.key} still has ${children} entries below it`, { children });
      }
      tx.remove(menu);
      await tx.flush();
    });
  }

  private async rows(em: EntityManager, tenantId: string): Promise<MenuView[]> {
    return (await em.find(Menu, { tenantId })).map(toMenuView);
  }

  private async find(em: EntityManager, tenantId: string, id: string): Promise<Menu> {
    const menu = await em.findOne(Menu, { tenantId, id });
    if (!menu) throw new NotFoundError('menu', id);
    return menu;
  }

  /** The parent must be an entry of this tenant that can hold children (not a button). */
  private async checkParent(em: EntityManager, tenantId: string, parentId: string, problems: FieldError[]): Promise<Menu | null> {
    const parent = await em.findOne(Menu, { tenantId, id: parentId });
    if (!parent) {
      problems.push({ path: 'parentId', message: 'no such menu entry in this tenant', code: 'not_found' });
      return null;
    }
    if (parent.kind === 'button') {
      problems.push({ path: 'parentId', message: 'a button cannot have entries below it', code: 'parent_is_button' });
      return null;
    }
    return parent;
  }

  private async checkPermissionCode(code: string, problems: FieldError[]) {
    if ((await this.rt.services.permissions.unknownCodes([code])).length) {
      problems.push({ path: 'permissionCode', message: 'not in the permission catalogue', code: 'unknown_permission' });
    }
  }

  /** Walk up from `candidateId` to the top; meeting `id` on the way means a loop. */
  private async isSelfOrDescendant(em: EntityManager, tenantId: string, id: string, candidateId: string): Promise<boolean> {
    const parentOf = new Map((await em.find(Menu, { tenantId }, { fields: ['id', 'parentId'] })).map((m) => [m.id, m.parentId]));
    const seen = new Set<string>();
    for (let cur: string | null | undefined = candidateId; cur; cur = parentOf.get(cur)) {
      if (cur === id) return true;
      if (seen.has(cur)) return false; // a pre-existing loop elsewhere: not ours to report
      seen.add(cur);
    }
    return false;
  }
}

/**
 * Menu writes of one tenant take turns (a row lock on the tenant). Without it two concurrent
 * moves (A under B, B under A) could each pass the cycle check, and a child could be created
 * under an entry that is being deleted; it also makes the key check-then-insert safe. Menu edits
 * are rare, so the serialisation costs nothing.
 */
async function lockMenuTree(tx: EntityManager, tenantId: string) {
  await tx.findOneOrFail(Tenant, { id: tenantId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
}

const keyTaken = (key: string) => new ConflictError('menu_key_taken', `A menu entry with the key ${key} already exists in this tenant`);
