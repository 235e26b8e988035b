/**
 * Approval statistics from the read model: per template, counts by status, time to complete
 * (mean, p90), per-step waiting time of the people asked, and open tasks past their step's
 * timeout (or past `olderThan`). Tenant-scoped and limited to the caller's data scope
 * (the initiator's department), the same rule as the instance detail for `approval:view-all`.
 *
 * Rows are read column-restricted and aggregated here (percentiles are not portable SQL across
 * MySQL and SQLite); the date range bounds how much is read.
 */
import type { EntityManager } from '@mikro-orm/knex';
import type { Runtime } from '../../runtime';
import type { Actor } from '../../../common/actor';
import { ApprovalInstance, ApprovalTask, ApprovalTemplateVersion } from '../../../db/entities';
import { DONE_TASK_STATUSES, INSTANCE_STATUSES, isFinished } from '../../../workflows/approval/contract';
import { findStep, tryParseDuration } from '../../../workflows/approval/dsl';
import type { ApprovalStats, StatsQuery, Timing } from './stats.schema';

const MAX_OVERDUE_ITEMS = 100;

export function timing(samples: number[]): Timing {
  if (!samples.length) return { n: 0, meanMs: null, p90Ms: null };
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  // Nearest-rank percentile: the smallest sample with at least 90 % of samples at or below it.
  const p90 = s[Math.min(s.length - 1, Math.ceil(0.9 * s.length) - 1)];
  return { n: s.length, meanMs: Math.round(mean), p90Ms: Math.round(p90) };
}

interface StepAcc {
  stepId: string;
  stepName: string;
  waits: number[];
  open: number;
  overdue: number;
}

export class ApprovalStatsService {
  constructor(private readonly rt: Runtime) {}

  /** The instance filter: tenant, data scope, template and submission range. */
  private async scope(actor: Actor, q: StatsQuery): Promise<Record<string, unknown>[] | null> {
    const where: Record<string, unknown>[] = [{ tenantId: actor.tenantId }];
    const scope = await this.rt.services.permissions.dataScopeFor(actor);
    if (!scope.all) {
      if (!scope.departmentIds.length) return null;
      where.push({ initiatorDepartmentId: { $in: scope.departmentIds } });
    }
    if (q.templateKey) where.push({ templateKey: q.templateKey });
    if (q.from) where.push({ submittedAt: { $gte: new Date(q.from) } });
    if (q.to) where.push({ submittedAt: { $lt: new Date(q.to) } });
    return where;
  }

  async stats(actor: Actor, q: StatsQuery): Promise<ApprovalStats> {
    const now = Date.now();
    const olderThanMs = q.olderThan ? tryParseDuration(q.olderThan) : null;
    const base: ApprovalStats = {
      from: q.from ?? null,
      to: q.to ?? null,
      generatedAt: new Date(now).toISOString(),
      overdueRule: q.olderThan ? `open longer than ${q.olderThan}` : 'open longer than the step timeout',
      templates: [],
      overdue: { total: 0, items: [] },
    };
    const filters = await this.scope(actor, q);
    if (!filters) return base;
    const em = this.rt.orm.em.fork() as EntityManager;

    const instances = await em.find(ApprovalInstance, { $and: filters } as never, {
      fields: ['id', 'templateId', 'templateKey', 'templateName', 'templateVersion', 'title', 'status', 'submittedAt', 'finishedAt'],
      orderBy: { submittedAt: 'asc', id: 'asc' },
    });
    if (!instances.length) return base;
    const byId = new Map(instances.map((i) => [i.id, i]));

    // Tasks of exactly those instances, through a sub-select (no giant IN list): open ones, and
    // those whose holder acted (their waiting time ended by their own act).
    const ids = em.createQueryBuilder(ApprovalInstance).select('id').where({ $and: filters } as never);
    const tasks = await em.find(
      ApprovalTask,
      { tenantId: actor.tenantId, kind: 'approval', instanceId: { $in: ids.getKnexQuery() as unknown as string[] }, status: { $in: [...DONE_TASK_STATUSES, 'open'] } },
      { fields: ['id', 'instanceId', 'stepId', 'stepName', 'assigneeId', 'status', 'autoApproved', 'openedAt', 'actedAt', 'position'], orderBy: { position: 'asc' } },
    );

    // Step timeouts come from the exact template version each request runs.
    const limits = olderThanMs === null ? await this.stepTimeouts(em, actor.tenantId, instances, tasks) : new Map<string, number | null>();

    const perTemplate = new Map<string, { name: string; byStatus: Record<string, number>; durations: number[]; steps: Map<string, StepAcc>; total: number }>();
    const templateOf = (key: string, name: string) => {
      let t = perTemplate.get(key);
      if (!t) {
        t = { name, byStatus: Object.fromEntries(INSTANCE_STATUSES.map((s) => [s, 0])), durations: [], steps: new Map(), total: 0 };
        perTemplate.set(key, t);
      }
      return t;
    };
    for (const i of instances) {
      const t = templateOf(i.templateKey, i.templateName);
      t.total++;
      t.byStatus[i.status]++;
      if (isFinished(i.status) && i.finishedAt) t.durations.push(i.finishedAt.getTime() - i.submittedAt.getTime());
    }

    const overdueItems: ApprovalStats['overdue']['items'] = [];
    for (const task of tasks) {
      const inst = byId.get(task.instanceId);
      if (!inst) continue;
      const t = templateOf(inst.templateKey, inst.templateName);
      let step = t.steps.get(task.stepId);
      if (!step) t.steps.set(task.stepId, (step = { stepId: task.stepId, stepName: task.stepName, waits: [], open: 0, overdue: 0 }));
      if (task.status === 'open') {
        step.open++;
        const limit = olderThanMs ?? limits.get(`${inst.templateId}:${inst.templateVersion}:${task.stepId}`);
        const age = now - task.openedAt.getTime();
        if (limit !== undefined && limit !== null && age > limit) {
          step.overdue++;
          overdueItems.push({
            instanceId: inst.id,
            title: inst.title,
            templateKey: inst.templateKey,
            taskId: task.id,
            stepId: task.stepId,
            stepName: task.stepName,
            assigneeId: task.assigneeId,
            openedAt: task.openedAt.toISOString(),
            overdueByMs: age - limit,
          });
        }
      } else if (task.actedAt && !task.autoApproved) {
        step.waits.push(task.actedAt.getTime() - task.openedAt.getTime());
      }
    }
    overdueItems.sort((a, b) => b.overdueByMs - a.overdueByMs || a.taskId.localeCompare(b.taskId));

    base.templates = [...perTemplate.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([templateKey, t]) => ({
        templateKey,
        templateName: t.name,
        total: t.total,
        byStatus: t.byStatus as ApprovalStats['templates'][number]['byStatus'],
        completion: timing(t.durations),
        steps: [...t.steps.values()].map((s) => ({ stepId: s.stepId, stepName: s.stepName, waiting: timing(s.waits), open: s.open, overdue: s.overdue })),
      }));
    base.overdue = { total: overdueItems.length, items: overdueItems.slice(0, MAX_OVERDUE_ITEMS) };
    return base;
  }

  /** `<templateId>:<version>:<stepId>` → the overdue limit in ms (null: the step has no timeout). */
  private async stepTimeouts(
    em: EntityManager,
    tenantId: string,
    instances: Pick<ApprovalInstance, 'id' | 'templateId' | 'templateVersion'>[],
    tasks: Pick<ApprovalTask, 'instanceId' | 'stepId' | 'status'>[],
  ) {
    const limits = new Map<string, number | null>();
    const openInstanceIds = new Set(tasks.filter((t) => t.status === 'open').map((t) => t.instanceId));
    const wanted = new Map<string, { templateId: string; version: number }>();
    for (const i of instances) if (openInstanceIds.has(i.id)) wanted.set(`${i.templateId}:${i.templateVersion}`, { templateId: i.templateId, version: i.templateVersion });
    if (!wanted.size) return limits;
    const versions = await em.find(ApprovalTemplateVersion, { tenantId, $or: [...wanted.values()].map((w) => ({ templateId: w.templateId, version: w.version })) });
    const stepIds = new Set(tasks.filter((t) => t.status === 'open').map((t) => t.stepId));
    for (const v of versions) {
      for (const stepId of stepIds) {
        const loc = findStep(v.definition.flow, stepId);
        const timeout = loc && loc.step.kind === 'approval' && loc.step.time?.timeoutAfter ? tryParseDuration(loc.step.time.timeoutAfter) : null;
        limits.set(`${v.templateId}:${v.version}:${stepId}`, timeout);
      }
    }
    return limits;
  }
}
