/**
 * People are told what happens to a request (PATCHES.notifications): a task became theirs (an
 * administrator's reassignment included), they
 * were copied, the request came back to them, it finished, someone commented on it, a step timed
 * out. The notifier reads each projection batch (the same changes the read model gets), so every
 * path that opens a task or ends a request is covered without touching the paths themselves.
 *
 * Fire and forget, on purpose: the notice activity is scheduled without the decision awaiting it,
 * so a slow or failing mail server never delays or fails an approval. Its failure (retries
 * exhausted) is swallowed here and stays visible in the delivery ledger and the history. The
 * workflow awaits `drained()` only before it closes, so the last notices are not orphaned.
 * Keys come from the timeline position (`seq`): a retry or a replay sends nothing twice.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { EventRow, ProjectionBatch, TaskRow } from './contract';
import { iterateSteps } from './dsl/flow';
import type { ApprovalInstanceState } from './engine/instance';
import type { ApprovalNotice, ApprovalNotificationType } from './notify-contract';

const { notifyApprovalEvent } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  // Its own budget: about a minute and a half of tries, then the ledger shows what failed.
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '20s', maximumAttempts: 6, nonRetryableErrorTypes: ['validation_failed', 'not_found'] },
});

/** What a holder did that made a task someone's, read from the event that did it. */
function causeOf(task: TaskRow, events: EventRow[]): { cause: string; actorId: string | null } | null {
  for (const e of [...events].reverse()) {
    const d = e.data as Record<string, unknown>;
    if (e.type === 'transferred' && d.newTaskId === task.id) return { cause: d.reason === 'escalated' ? 'escalated' : 'transferred', actorId: e.actorId };
    if (e.type === 'admin_reassigned' && d.newTaskId === task.id) return { cause: 'reassigned', actorId: e.actorId };
    if (e.type === 'delegated' && d.delegateTaskId === task.id) return { cause: 'delegated', actorId: e.actorId };
    if (e.type === 'sign_added' && Array.isArray(d.taskIds) && d.taskIds.includes(task.id)) return { cause: 'added', actorId: e.actorId };
  }
  return null;
}

export interface NotifierContext {
  tenantId: string;
  instanceId: string;
  workflowId: string;
  initiatorId: string;
  title: string;
  templateName: string;
  stepName(stepId: string | null): string | null;
}

export class Notifier {
  /**
   * Tasks already told: one notice per task, when it first opens (a seat coming back after its
   * added signers or delegate is not news; a new step entry or a transfer makes new tasks).
   */
  private readonly told = new Set<string>();
  /** The person whose action the flow is reacting to (the next step follows their approval). */
  private lastActorId: string | null = null;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly ctx: NotifierContext) {}

  /** Derive the notices of one projection batch and send them (not awaited). */
  observe(batch: ProjectionBatch): void {
    const { events, tasks } = batch;
    const acting = [...events].reverse().find((e) => e.actorId);
    const bySystem = events.some((e) => e.type === 'timed_out');
    const actorId = bySystem ? null : (acting?.actorId ?? this.lastActorId);
    if (acting) this.lastActorId = acting.actorId;
    const key = (type: string, part = '') => `${this.ctx.workflowId}:n${batch.seq}:${type}${part ? `:${part}` : ''}`;

    // Tasks that became someone's to decide, grouped by step and cause (one call each).
    const assigned = new Map<string, { stepId: string; cause: string; actorId: string | null; ids: string[] }>();
    for (const task of tasks) {
      if (task.kind !== 'approval' || task.status !== 'open' || this.told.has(task.id)) continue;
      this.told.add(task.id);
      const why = causeOf(task, events);
      // Quiet only when the holder's own action gave them the task.
      if (why && why.actorId === task.assigneeId) continue;
      const cause = why?.cause ?? 'assigned';
      const group = `${task.stepId}:${cause}`;
      const entry = assigned.get(group) ?? { stepId: task.stepId, cause, actorId: why ? why.actorId : actorId, ids: [] };
      entry.ids.push(task.assigneeId);
      assigned.set(group, entry);
    }
    for (const [group, a] of assigned) this.send('approval_assigned', key('assigned', group), a.ids, a.actorId, a.stepId, { cause: a.cause });

    const copied = new Map<string, string[]>();
    for (const task of tasks) {
      if (task.kind !== 'cc' || task.status !== 'cc' || this.told.has(task.id)) continue;
      this.told.add(task.id);
      copied.set(task.stepId, [...(copied.get(task.stepId) ?? []), task.assigneeId]);
    }
    for (const [stepId, ids] of copied) this.send('approval_cc', key('cc', stepId), ids, actorId, stepId, {});

    const initiator = [this.ctx.initiatorId];
    for (const e of events) {
      const d = e.data as Record<string, unknown>;
      const at = (type: string) => key(type, String(e.seq));
      if (e.type === 'returned') this.send('approval_returned', at('returned'), initiator, actorId, e.stepId, {});
      else if (e.type === 'completed') this.send('approval_finished', at('finished'), initiator, actorId, null, { outcome: String(d.outcome), reason: (d.reason as string | null) ?? null });
      else if (e.type === 'withdrawn' || e.type === 'cancelled' || e.type === 'admin_cancelled')
        this.send('approval_finished', at('finished'), initiator, e.actorId, null, {
          outcome: e.type === 'withdrawn' ? 'withdrawn' : 'cancelled',
          reason: (d.reason as string | null) ?? null,
          comment: (d.comment as string | null) ?? null,
        });
      else if (e.type === 'commented') this.send('approval_commented', at('commented'), initiator, e.actorId, e.stepId, { comment: (d.comment as string | null) ?? null });
      else if (e.type === 'timed_out' && d.action === 'notifyAdmin') this.send('approval_timed_out', at('timed-out'), [], null, e.stepId, {}, true);
    }
  }

  private send(type: ApprovalNotificationType, dedupeBase: string, ids: string[], actorId: string | null, stepId: string | null, extra: Partial<ApprovalNotice>, toTenantAdmins = false) {
    // Quiet by default for what people did themselves.
    const recipientIds = [...new Set(ids)].filter((id) => id !== actorId);
    if (!recipientIds.length && !toTenantAdmins) return;
    const notice: ApprovalNotice = {
      tenantId: this.ctx.tenantId,
      instanceId: this.ctx.instanceId,
      type,
      dedupeBase,
      recipientIds,
      ...(toTenantAdmins ? { toTenantAdmins } : {}),
      actorId,
      title: this.ctx.title,
      templateName: this.ctx.templateName,
      stepName: this.ctx.stepName(stepId),
      ...extra,
    };
    const sent = notifyApprovalEvent
      .executeWithOptions({ summary: `Tell ${toTenantAdmins ? 'the administrators' : `${recipientIds.length} people`}: ${type}` }, [notice])
      .catch(() => undefined)
      .finally(() => this.pending.delete(sent));
    this.pending.add(sent);
  }

  /** Every notice sent so far has finished (delivered, or given up on): awaited before the run closes. */
  async drained(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }
}

/** The notifier of an instance: what every notice says about the request. */
export function notifierFor(s: ApprovalInstanceState): Notifier {
  const { input } = s;
  const names = new Map<string, string>();
  for (const { step } of iterateSteps(input.definition.flow)) names.set(step.id, step.name);
  return new Notifier({
    tenantId: input.tenantId,
    instanceId: input.instanceId,
    workflowId: s.workflowId,
    initiatorId: input.initiator.userId,
    title: input.title,
    templateName: input.definition.name,
    stepName: (stepId) => (stepId ? (names.get(stepId) ?? stepId) : null),
  });
}
