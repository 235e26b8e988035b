/**
 * Departments as a materialised-path tree (see the `path` column in db/entities/user.ts).
 * Reads of a subtree are one indexed `path LIKE '<prefix>%'` query; writes that change the shape
 * of the tree lock the tenant row first, so two concurrent moves cannot build a cycle together.
 */
import type { Runtime } from '../runtime';
import type { Actor } from '../../common/actor';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../../common/errors';
import { newId } from '../../common/ids';
import { offsetOf, pageOf, type Page } from '../../common/pagination';
import { raw, LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import { Department, RoleDepartment, User } from '../../db/entities';
import { contains, retryOnUniqueViolation } from '../../common/query';
import { lockTenant } from './tenant-lock';
import { parseInput } from '../../common/schema';
import { nestByParent } from '../../common/tree';
import {
  CreateDepartmentInput,
  MAX_DEPARTMENT_DEPTH,
  MoveDepartmentInput,
  toDepartmentView,
  UpdateDepartmentInput,
  type DepartmentListQuery,
  type DepartmentTreeNode,
  type DepartmentView,
} from './schema';

/** `D0001`, `D0002`, … ; four digits minimum, more when a tenant outgrows them. */
const formatCode = (n: number) => `D${String(n).padStart(4, '0')}`;

const tooDeep = (path: string) =>
  new ValidationError(
    `Departments can be nested at most ${MAX_DEPARTMENT_DEPTH} levels below a root`,
    [{ path, message: `the tree would be deeper than ${MAX_DEPARTMENT_DEPTH} levels`, code: 'department_too_deep' }],
    'department_too_deep',
  );

export class DepartmentService {
  constructor(private readonly rt: Runtime) {}

  private get em() {
    return this.rt.orm.em;
  }

  /** A department of the actor's tenant, or 404 (also for ids of other tenants). */
  async get(actor: Actor, id: string, em: EntityManager = this.em): Promise<Department> {
    const dept = await em.findOne(Department, { tenantId: actor.tenantId, id });
    if (!dept) throw new NotFoundError('department', id);
    return dept;
  }

  async list(actor: Actor, q: DepartmentListQuery): Promise<Page<DepartmentView>> {
    const where: Record<string, unknown>[] = [{ tenantId: actor.tenantId }];
    if (q.parentId) where.push({ parentId: q.parentId });
    if (q.q) where.push(contains('name', q.q));
    const [rows, total] = await this.em.findAndCount(Department, { $and: where } as never, {
      orderBy: [{ depth: 'asc' }, { sortOrder: 'asc' }, { name: 'asc' }, { id: 'asc' }],
      ...offsetOf(q),
    });
    return pageOf(rows.map(toDepartmentView), total, q);
  }

  /** The whole tree of the tenant, children ordered by sortOrder then name. One query. */
  async tree(actor: Actor): Promise<DepartmentTreeNode[]> {
    const rows = await this.em.find(Department, { tenantId: actor.tenantId }, { orderBy: [{ sortOrder: 'asc' }, { name: 'asc' }, { id: 'asc' }] });
    return nestByParent(rows, (d): DepartmentTreeNode => ({ ...toDepartmentView(d), children: [] }));
  }

  /** The department and everything below it: one indexed prefix scan, whatever the depth. */
  subtreeOf(dept: Department, em: EntityManager = this.em): Promise<Department[]> {
    return em.find(
      Department,
      { tenantId: dept.tenantId, path: { $like: `${dept.path}%` } },
      { orderBy: [{ depth: 'asc' }, { sortOrder: 'asc' }, { name: 'asc' }, { id: 'asc' }] },
    );
  }

  async subtree(actor: Actor, id: string): Promise<DepartmentView[]> {
    return (await this.subtreeOf(await this.get(actor, id))).map(toDepartmentView);
  }

  /** Ids of the department and all its descendants (404 if it is not in the tenant). */
  async subtreeIds(actor: Actor, id: string): Promise<string[]> {
    const dept = await this.get(actor, id);
    const rows = await this.em.find(Department, { tenantId: actor.tenantId, path: { $like: `${dept.path}%` } }, { fields: ['id'] });
    return rows.map((d) => d.id);
  }

  /**
   * Create a department with the next free code. The code is derived from the highest existing
   * one inside the transaction that holds the tenant lock; should a writer without that lock
   * (SQLite's deferred transactions) still collide on the unique index, the whole attempt re-runs.
   */
  async create(actor: Actor, raw: CreateDepartmentInput): Promise<DepartmentView> {
    const input = parseInput(CreateDepartmentInput, raw, 'The department cannot be created');
    const { tenantId } = actor;
    return retryOnUniqueViolation(() =>
      this.em.fork().transactional(async (tx) => {
        await lockTenant(tx, tenantId);
        const problems: FieldError[] = [];
        const parent = input.parentId ? await tx.findOne(Department, { tenantId, id: input.parentId }) : null;
        if (input.parentId && !parent) problems.push({ path: 'parentId', message: 'no such department in this tenant', code: 'not_found' });
        if (input.headUserId && !(await this.isLiveUser(tx, tenantId, input.headUserId))) {
          problems.push({ path: 'headUserId', message: 'no such user in this tenant', code: 'not_found' });
        }
        if (problems.length) throw new ValidationError('The department cannot be created', problems);
        const depth = parent ? parent.depth + 1 : 0;
        if (depth > MAX_DEPARTMENT_DEPTH) throw tooDeep('parentId');
        const id = newId();
        const dept = tx.create(Department, {
          id,
          tenantId,
          parentId: parent?.id ?? null,
          code: await this.nextCode(tx, tenantId),
          name: input.name,
          path: `${parent?.path ?? '/'}${id}/`,
          depth,
          headUserId: input.headUserId ?? null,
          sortOrder: input.sortOrder,
        });
        await tx.flush();
        return toDepartmentView(dept);
      }),
    );
  }

  private async nextCode(tx: EntityManager, tenantId: string): Promise<string> {
    // Longest code first, then lexical: `D10000` is above `D9999` without dialect-specific casts.
    const last = await tx.findOne(
      Department,
      { tenantId, code: { $like: 'D%' } },
      { fields: ['code'], orderBy: [{ [raw('length(code)')]: 'desc' }, { code: 'desc' }] as never },
    );
    const n = last ? Number.parseInt(last.code.slice(1), 10) : 0;
    return formatCode((Number.isFinite(n) ? n : 0) + 1);
  }

  private async isLiveUser(tx: EntityManager, tenantId: string, userId: string): Promise<boolean> {
    return (await tx.count(User, { tenantId, id: userId, deletedAt: null })) > 0;
  }

  /** Rename, change the head (a live user of the tenant) or the sort order. */
  async update(actor: Actor, id: string, raw: UpdateDepartmentInput): Promise<DepartmentView> {
    const input = parseInput(UpdateDepartmentInput, raw, 'The department cannot be changed');
    const { tenantId } = actor;
    return this.em.fork().transactional(async (tx) => {
      // The lock orders this against a concurrent delete of the new head (UserService.remove).
      await lockTenant(tx, tenantId);
      const dept = await this.get(actor, id, tx);
      if (input.headUserId && !(await this.isLiveUser(tx, tenantId, input.headUserId))) {
        throw new ValidationError('The department cannot be changed', [{ path: 'headUserId', message: 'no such user in this tenant', code: 'not_found' }]);
      }
      if (input.name !== undefined) dept.name = input.name;
      if (input.headUserId !== undefined) dept.headUserId = input.headUserId;
      if (input.sortOrder !== undefined) dept.sortOrder = input.sortOrder;
      await tx.flush();
      return toDepartmentView(dept);
    });
  }

  /**
   * Re-parent a department with its whole subtree. Refused when the new parent is the department
   * itself or one of its descendants (a cycle) or when the subtree would end up too deep. Every
   * path and depth below is rewritten in the same transaction.
   */
  async move(actor: Actor, id: string, raw: MoveDepartmentInput): Promise<DepartmentView> {
    const input = parseInput(MoveDepartmentInput, raw, 'The department cannot be moved');
    const { tenantId } = actor;
    return this.em.fork().transactional(async (tx) => {
      await lockTenant(tx, tenantId);
      const dept = await this.get(actor, id, tx);
      const parent = input.parentId ? await tx.findOne(Department, { tenantId, id: input.parentId }) : null;
      if (input.parentId && !parent) {
        throw new ValidationError('The department cannot be moved', [{ path: 'parentId', message: 'no such department in this tenant', code: 'not_found' }]);
      }
      if (parent && parent.path.startsWith(dept.path)) {
        throw new ValidationError(
          'A department cannot be moved under itself or one of its descendants',
          [{ path: 'parentId', message: 'is the department itself or below it', code: 'department_cycle' }],
          'department_cycle',
        );
      }
      if ((parent?.id ?? null) === dept.parentId) return toDepartmentView(dept);

      const subtree = await this.subtreeOf(dept, tx);
      const oldPrefix = dept.path;
      const newPrefix = `${parent?.path ?? '/'}${dept.id}/`;
      const delta = (parent ? parent.depth + 1 : 0) - dept.depth;
      const deepest = Math.max(...subtree.map((d) => d.depth)) + delta;
      if (deepest > MAX_DEPARTMENT_DEPTH) throw tooDeep('parentId');
      for (const d of subtree) {
        d.path = newPrefix + d.path.slice(oldPrefix.length);
        d.depth += delta;
      }
      dept.parentId = parent?.id ?? null;
      await tx.flush();
      return toDepartmentView(dept);
    });
  }

  /**
   * Delete a department that has no child departments and no live users. Custom data scopes
   * that listed it lose that entry in the same transaction (nothing dangling).
   */
  async remove(actor: Actor, id: string): Promise<void> {
    const { tenantId } = actor;
    await this.em.fork().transactional(async (tx) => {
      await lockTenant(tx, tenantId);
      // Exclusive lock on the row: a user being assigned to it (UserService holds a shared lock
      // while checking the department exists) finishes first, so the count below sees them.
      const dept = await tx.findOne(Department, { tenantId, id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!dept) throw new NotFoundError('department', id);
      const children = await tx.count(Department, { tenantId, parentId: id });
      const users = await tx.count(User, { tenantId, departmentId: id, deletedAt: null });
      if (children || users) {
        throw new ConflictError('department_not_empty', `The department still has ${children} sub-departments and ${users} users`, { children, users });
      }
      await tx.nativeDelete(RoleDepartment, { tenantId, departmentId: id });
      tx.remove(dept);
      await tx.flush();
    });
  }
}
