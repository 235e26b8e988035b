/**
 * Directory reads. Deliberately not data-scoped (a picker must reach colleagues in other
 * departments) but always tenant-scoped, and limited to active, undeleted people: a disabled
 * user cannot be handed a task. The actions that use a picked person check their own rules.
 */
import type { Runtime } from '../runtime';
import { can, type Actor } from '../../common/actor';
import { NotFoundError } from '../../common/errors';
import { offsetOf, pageOf, type Page } from '../../common/pagination';
import { contains } from '../../common/query';
import { nestByParent } from '../../common/tree';
import { Department, Position, User } from '../../db/entities';
import { PERMISSIONS } from '../permission/catalog';
import type { DirectoryDepartment, DirectoryPerson, DirectoryQuery } from './schema';

export class DirectoryService {
  constructor(private readonly rt: Runtime) {}

  private get em() {
    return this.rt.orm.em;
  }

  async people(actor: Actor, q: DirectoryQuery): Promise<Page<DirectoryPerson>> {
    const { tenantId } = actor;
    const where: Record<string, unknown>[] = [{ tenantId, deletedAt: null, status: 'active' }];
    if (q.departmentId) {
      const ids = q.includeSubtree ? await this.subtreeIds(tenantId, q.departmentId) : [q.departmentId];
      where.push({ departmentId: { $in: ids } });
    }
    if (q.q) where.push(contains(['display_name', 'username'], q.q));
    const [rows, total] = await this.em.findAndCount(User, { $and: where } as never, {
      orderBy: [{ displayName: 'asc' }, { id: 'asc' }],
      ...offsetOf(q),
    });
    return pageOf(await this.toPeople(actor, rows), total, q);
  }

  /** One active colleague, or 404 (also for people of other tenants and disabled accounts). */
  async person(actor: Actor, id: string): Promise<DirectoryPerson> {
    const user = await this.em.findOne(User, { tenantId: actor.tenantId, id, deletedAt: null, status: 'active' });
    if (!user) throw new NotFoundError('user', id);
    return (await this.toPeople(actor, [user]))[0]!;
  }

  /** The tenant's department tree, names only, siblings by sort order then name. */
  async departments(actor: Actor): Promise<DirectoryDepartment[]> {
    const rows = await this.em.find(
      Department,
      { tenantId: actor.tenantId },
      { fields: ['id', 'name', 'parentId'], orderBy: [{ sortOrder: 'asc' }, { name: 'asc' }, { id: 'asc' }] },
    );
    return nestByParent(rows, (d): DirectoryDepartment => ({ id: d.id, name: d.name, parentId: d.parentId, children: [] }));
  }

  /** An unknown department id filters to nobody rather than failing: it is a search. */
  private async subtreeIds(tenantId: string, departmentId: string): Promise<string[]> {
    const dept = await this.em.findOne(Department, { tenantId, id: departmentId });
    if (!dept) return [];
    return (await this.rt.services.departments.subtreeOf(dept)).map((d) => d.id);
  }

  private async toPeople(actor: Actor, users: User[]): Promise<DirectoryPerson[]> {
    const { tenantId } = actor;
    const deptIds = [...new Set(users.map((u) => u.departmentId).filter((x): x is string => !!x))];
    const posIds = [...new Set(users.map((u) => u.positionId).filter((x): x is string => !!x))];
    const [depts, positions] = await Promise.all([
      deptIds.length ? this.em.find(Department, { tenantId, id: { $in: deptIds } }, { fields: ['id', 'name'] }) : [],
      posIds.length ? this.em.find(Position, { tenantId, id: { $in: posIds } }, { fields: ['id', 'name'] }) : [],
    ]);
    const deptName = new Map(depts.map((d) => [d.id, d.name]));
    const posName = new Map(positions.map((p) => [p.id, p.name]));
    const contact = can(actor, PERMISSIONS.userRead);
    return users.map((u) => ({
      id: u.id,
      username: u.username,
      displayName: u.displayName,
      departmentId: u.departmentId,
      departmentName: u.departmentId ? (deptName.get(u.departmentId) ?? null) : null,
      positionId: u.positionId,
      positionName: u.positionId ? (posName.get(u.positionId) ?? null) : null,
      ...(contact ? { email: u.email, phone: u.phone } : {}),
    }));
  }
}
