/**
 * Oversight: every request of the tenant an admin may see (`approval:view-all`, within the data
 * scope of the initiator's department), plus every request of the templates the caller manages
 * (a template manager oversees their templates' requests whatever the initiator's department,
 * without any tenant-wide right); filtered and cursor-paged newest first, and the same selection
 * as CSV. Read from the read model only: it never asks Temporal.
 */
import type { EntityManager } from '@mikro-orm/knex';
import type { Runtime } from '../../runtime';
import { can, type Actor } from '../../../common/actor';
import { ForbiddenError } from '../../../common/errors';
import { PERMISSIONS } from '../../permission/catalog';
import { afterCursor, decodeCursor, encodeCursor } from '../../../common/cursor';
import { contains } from '../../../common/query';
import { ApprovalInstance, ApprovalTask, Department, User } from '../../../db/entities';
import type { OversightItem, OversightPage, OversightQuery } from './schema';

/** How many rows one CSV export holds at most; narrow the filters for more. */
export const OVERSIGHT_EXPORT_MAX = 10_000;

const CSV_COLUMNS = ['instanceId', 'serialNumber', 'title', 'templateKey', 'templateName', 'status', 'initiator', 'currentAssignees', 'waitingSince', 'submittedAt', 'finishedAt'] as const;

/** One CSV field: quoted when needed, and never read as a formula by a spreadsheet. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export class ApprovalOversight {
  constructor(private readonly rt: Runtime) {}

  async list(actor: Actor, q: OversightQuery): Promise<OversightPage> {
    const em = this.rt.orm.em.fork() as EntityManager;
    const where = await this.where(em, actor, q);
    if (!where) return { items: [], nextCursor: null };
    if (q.cursor) where.push(afterCursor('submittedAt', decodeCursor(q.cursor)));
    const rows = await em.find(ApprovalInstance, { $and: where } as never, { orderBy: { submittedAt: 'desc', id: 'desc' }, limit: q.limit + 1 });
    const shown = rows.slice(0, q.limit);
    const last = rows.length > q.limit ? shown[q.limit - 1] : null;
    return { items: await this.items(em, actor.tenantId, shown), nextCursor: last ? encodeCursor({ at: last.submittedAt.toISOString(), id: last.id }) : null };
  }

  /** The whole selection (up to OVERSIGHT_EXPORT_MAX rows) as CSV, header first. */
  async exportCsv(actor: Actor, q: Omit<OversightQuery, 'cursor' | 'limit'>): Promise<{ csv: string; truncated: boolean }> {
    const lines = [CSV_COLUMNS.join(',')];
    let cursor: string | undefined;
    let count = 0;
    for (;;) {
      const page = await this.list(actor, { ...q, cursor, limit: 100 });
      for (const i of page.items) {
        if (count === OVERSIGHT_EXPORT_MAX) return { csv: lines.join('\r\n') + '\r\n', truncated: true };
        count++;
        const row = [
          i.instanceId,
          i.serialNumber ?? '',
          i.title,
          i.templateKey,
          i.templateName,
          i.status,
          i.initiator.displayName ?? i.initiator.userId,
          i.currentAssignees.map((p) => p.displayName ?? p.userId).join('; '),
          i.waitingSince ?? '',
          i.submittedAt,
          i.finishedAt ?? '',
        ];
        lines.push(row.map(csvField).join(','));
      }
      if (!page.nextCursor) return { csv: lines.join('\r\n') + '\r\n', truncated: false };
      cursor = page.nextCursor;
    }
  }

  /** The filter as conditions, or null when the caller's scope or filters leave nothing. */
  private async where(em: EntityManager, actor: Actor, q: Omit<OversightQuery, 'limit'>): Promise<Record<string, unknown>[] | null> {
    const { tenantId } = actor;
    const where: Record<string, unknown>[] = [{ tenantId }];
    const viewAll = can(actor, PERMISSIONS.approvalViewAll);
    const managed = await this.rt.services.templates.managedTemplateIds(actor, em);
    if (!viewAll && !managed.length) throw new ForbiddenError('permission_denied', `This needs the permission ${PERMISSIONS.approvalViewAll}, or managing a template`);
    // What the caller may see: their data scope (view-all) or their templates (managers), or both.
    const reach: Record<string, unknown>[] = [];
    if (viewAll) {
      const scope = await this.rt.services.permissions.dataScopeFor(actor);
      if (scope.all) reach.push({});
      else if (scope.departmentIds.length) reach.push({ initiatorDepartmentId: { $in: scope.departmentIds } });
    }
    if (managed.length) reach.push({ templateId: { $in: managed } });
    if (!reach.length) return null;
    if (!reach.some((r) => !Object.keys(r).length)) where.push(reach.length === 1 ? reach[0] : { $or: reach });
    if (q.departmentId) {
      const dept = await em.findOne(Department, { tenantId, id: q.departmentId });
      if (!dept) return null;
      const ids = q.includeSubtree ? (await this.rt.services.departments.subtreeOf(dept, em)).map((d) => d.id) : [dept.id];
      where.push({ initiatorDepartmentId: { $in: ids } });
    }
    if (q.templateKey) where.push({ templateKey: q.templateKey });
    if (q.status) where.push({ status: q.status });
    if (q.initiatorId) where.push({ initiatorId: q.initiatorId });
    if (q.serialNumber) where.push({ serialNumber: q.serialNumber });
    if (q.q) where.push(contains(['title', 'serial_number'], q.q));
    const range = (from?: string, to?: string) => ({ ...(from ? { $gte: new Date(from) } : {}), ...(to ? { $lt: new Date(to) } : {}) });
    if (q.submittedFrom || q.submittedTo) where.push({ submittedAt: range(q.submittedFrom, q.submittedTo) });
    if (q.finishedFrom || q.finishedTo) where.push({ finishedAt: range(q.finishedFrom, q.finishedTo) });
    // Open tasks answer "who holds it now" and "how long has it waited": one sub-select each.
    const openTasks = (extra: Record<string, unknown>) =>
      em.createQueryBuilder(ApprovalTask).select('instanceId').where({ tenantId, kind: 'approval', status: 'open', ...extra }).getKnexQuery();
    if (q.assigneeId) where.push({ id: { $in: openTasks({ assigneeId: q.assigneeId }) } });
    if (q.stuckForMinutes) {
      where.push({ status: 'running' });
      where.push({ id: { $in: openTasks({ openedAt: { $lte: new Date(Date.now() - q.stuckForMinutes * 60_000) } }) } });
    }
    return where;
  }

  private async items(em: EntityManager, tenantId: string, rows: ApprovalInstance[]): Promise<OversightItem[]> {
    if (!rows.length) return [];
    const tasks = await em.find(ApprovalTask, { tenantId, instanceId: { $in: rows.map((r) => r.id) }, kind: 'approval', status: 'open' }, { orderBy: { openedAt: 'asc' } });
    const userIds = [...new Set([...rows.map((r) => r.initiatorId), ...tasks.map((t) => t.assigneeId)])];
    const names = new Map((await em.find(User, { tenantId, id: { $in: userIds } }, { fields: ['id', 'displayName'] })).map((u) => [u.id, u.displayName]));
    const person = (userId: string) => ({ userId, displayName: names.get(userId) ?? null });
    return rows.map((r) => {
      const open = tasks.filter((t) => t.instanceId === r.id);
      return {
        instanceId: r.id,
        title: r.title,
        templateKey: r.templateKey,
        templateName: r.templateName,
        serialNumber: r.serialNumber,
        status: r.status,
        initiator: person(r.initiatorId),
        initiatorDepartmentId: r.initiatorDepartmentId,
        currentStepIds: r.currentStepIds,
        currentAssignees: [...new Set(open.map((t) => t.assigneeId))].map(person),
        waitingSince: open[0]?.openedAt.toISOString() ?? null,
        submittedAt: r.submittedAt.toISOString(),
        finishedAt: r.finishedAt?.toISOString() ?? null,
      };
    });
  }
}
