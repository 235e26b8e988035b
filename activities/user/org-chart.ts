/**
 * Org-chart questions the approval engine asks from its activities: who are this user's
 * managers, who heads a department, who works in it. Answers use the materialised paths, so
 * each question is a fixed number of queries whatever the depth of the tree.
 */
import type { Runtime } from '../runtime';
import type { Actor } from '../../common/actor';
import { ValidationError } from '../../common/errors';
import { Department, Role, User, UserRole } from '../../db/entities';
import { parseInput } from '../../common/schema';
import { ManagerChainOptions, toUserView, type ManagerChainEntry, type UserView } from './schema';

/** Ancestor ids of a department, nearest first, itself included (`/a/b/c/` → c, b, a). */
export const ancestorsNearestFirst = (path: string): string[] => path.split('/').filter(Boolean).reverse();

export class OrgChartService {
  constructor(private readonly rt: Runtime) {}

  private get em() {
    return this.rt.orm.em;
  }

  /**
   * The user's managers, closest first: the head of their department (or, when they head it
   * themselves, of the department above), then heads further up. Departments without a head,
   * and heads who are disabled or deleted, are skipped; someone heading several levels appears
   * once. Stops after `maxLevels` managers, or at (and including) the first manager holding the
   * role `stopAtRoleCode`. The user must be within the actor's data scope (else 404).
   */
  async managerChain(actor: Actor, userId: string, raw: ManagerChainOptions = {}): Promise<ManagerChainEntry[]> {
    const opts = parseInput(ManagerChainOptions, raw, 'The manager chain cannot be resolved');
    const { tenantId } = actor;
    const em = this.em;
    const user = await this.rt.services.users.getVisible(actor, userId);

    let stopRoleId: string | undefined;
    if (opts.stopAtRoleCode) {
      const role = await em.findOne(Role, { tenantId, code: opts.stopAtRoleCode });
      // A typo in a template should fail loudly, not silently route to the top of the tree.
      if (!role) throw new ValidationError('Unknown role', [{ path: 'stopAtRoleCode', message: 'no such role in this tenant', code: 'not_found' }]);
      stopRoleId = role.id;
    }
    if (!user.departmentId) return [];
    const dept = await em.findOne(Department, { tenantId, id: user.departmentId });
    if (!dept) return [];

    const ancestorIds = ancestorsNearestFirst(dept.path);
    const departments = new Map((await em.find(Department, { tenantId, id: { $in: ancestorIds } })).map((d) => [d.id, d]));
    const headIds = [...new Set([...departments.values()].map((d) => d.headUserId).filter((id): id is string => !!id && id !== userId))];
    if (!headIds.length) return [];
    const usable = new Set(
      (await em.find(User, { tenantId, id: { $in: headIds }, deletedAt: null, status: 'active' }, { fields: ['id'] })).map((u) => u.id),
    );
    const stoppers = stopRoleId
      ? new Set((await em.find(UserRole, { tenantId, roleId: stopRoleId, userId: { $in: headIds } })).map((l) => l.userId))
      : new Set<string>();

    const chain: ManagerChainEntry[] = [];
    const seen = new Set([userId]);
    for (const id of ancestorIds) {
      const head = departments.get(id)?.headUserId;
      if (!head || seen.has(head) || !usable.has(head)) continue;
      seen.add(head);
      chain.push({ level: chain.length + 1, userId: head, departmentId: id });
      if (stoppers.has(head) || (opts.maxLevels !== undefined && chain.length >= opts.maxLevels)) break;
    }
    return chain;
  }

  /** The live head of a department, or null when it has none (404 for an unknown department). */
  async departmentHead(actor: Actor, departmentId: string): Promise<UserView | null> {
    const dept = await this.rt.services.departments.get(actor, departmentId);
    if (!dept.headUserId) return null;
    const head = await this.em.findOne(User, { tenantId: actor.tenantId, id: dept.headUserId, deletedAt: null });
    return head ? toUserView(head) : null;
  }

  /**
   * Live users of a department, optionally with everyone below it, within the actor's data
   * scope (a system actor sees all). Not paginated: the engine needs the whole set to fan out
   * approval tasks; the HTTP listing of members is `UserService.search`, which pages.
   */
  async membersOf(actor: Actor, departmentId: string, includeSubtree = false): Promise<UserView[]> {
    const { tenantId } = actor;
    const departments = this.rt.services.departments;
    const dept = await departments.get(actor, departmentId);
    const ids = includeSubtree ? (await departments.subtreeOf(dept)).map((d) => d.id) : [dept.id];
    const scope = await this.rt.services.users.scopeFor(actor);
    const rows = await this.em.find(User, { $and: [{ tenantId, deletedAt: null, departmentId: { $in: ids } }, scope] } as never, {
      orderBy: [{ username: 'asc' }],
    });
    return rows.map(toUserView);
  }
}
