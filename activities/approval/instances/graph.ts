/**
 * The progress graph of a request (`GET /approvals/:id/graph`): the pinned version's flow as
 * nodes and edges, each node's state replayed from the read model.
 *
 * The structure comes from the definition (block-structured, so it is drawn the same way every
 * time). The states come from the timeline, read in order the way the engine wrote it
 * (workflows/approval/): `assigned` enters an approval step, `step_approved` / `step_rejected`
 * / `step_failed` end it, `cc` and `action_done` pass a step, `waiting` starts a delay, `branch`
 * decides a condition, `parallel` / `joined` open and close a parallel step, `sent_back` and
 * `resubmitted` start a new pass from an earlier step, `returned`, `withdrawn`, `cancelled`,
 * `terminated` and `completed` end one. Some passes leave no event of their own (a delay whose
 * date is already past, a condition's branches meeting again, the end of a delay): a step is
 * known to be passed once anything after it on its path is entered. Holders are the tasks of
 * the step's latest pass.
 */
import type { Runtime } from '../../runtime';
import type { Actor } from '../../../common/actor';
import { ConflictError } from '../../../common/errors';
import { ApprovalEvent, ApprovalInstance, ApprovalTask, ApprovalTemplateVersion } from '../../../db/entities';
import type { Step, Template } from '../../../workflows/approval/dsl';
import type { InstanceStatus } from '../../../workflows/approval/contract';
import type { ApprovalGraph, GraphEdge, GraphHolder, GraphNode, GraphNodeState } from './graph.schema';

export const START = '#start';
export const END = '#end';
export const joinId = (stepId: string) => `${stepId}#join`;

/** What the builder reads of the read model (plain values, so it is a pure function). */
export interface GraphFacts {
  instance: { id: string; status: InstanceStatus; round: number; templateId: string; templateKey: string; templateVersion: number; templateName: string };
  definition: Template;
  tasks: { id: string; stepId: string; assigneeId: string; status: GraphHolder['status']; position: number; openedAt: number; actedAt: number | null }[];
  events: { seq: number; type: string; stepId: string | null; data: Record<string, unknown>; at: number }[];
  names: Map<string, string>;
}

/** A node while the timeline is replayed (times in ms). */
interface Live {
  node: GraphNode;
  /** Step nodes: the step; joins: the step they close. */
  step: Step | null;
  /** The sequence holding a step node, and its index there (joins: their step's). */
  seq: readonly Step[] | null;
  index: number;
  /** The condition or parallel steps around it, outermost first. */
  ancestors: string[];
  /** The branches around it, outermost first. */
  within: { stepId: string; branchId: string }[];
  entered: number | null;
  left: number | null;
  /** Condition steps: the branch the latest pass took. */
  chosen: string | null;
}

const ENDED: Partial<Record<string, GraphNodeState>> = { step_rejected: 'rejected', step_failed: 'failed' };

export function buildGraph(f: GraphFacts): ApprovalGraph {
  const live = new Map<string, Live>();
  const edges: GraphEdge[] = [];
  const topLevel = f.definition.flow;

  const add = (node: Omit<GraphNode, 'state' | 'visits' | 'enteredAt' | 'leftAt' | 'holders'>, extra: Partial<Live>) => {
    live.set(node.id, {
      node: { ...node, state: 'waiting', visits: 0, enteredAt: null, leftAt: null, holders: [] },
      step: null,
      seq: null,
      index: 0,
      ancestors: [],
      within: [],
      entered: null,
      left: null,
      chosen: null,
      ...extra,
    });
  };

  // ── structure: nodes in flow order, edges from each sequence's exits to what follows
  type Source = { id: string; branchId: string | null; label: string | null };
  const link = (sources: Source[], to: string) => {
    for (const s of sources) edges.push({ from: s.id, to, branchId: s.branchId, label: s.label, taken: null });
  };
  const walk = (steps: readonly Step[], sources: Source[], within: Live['within']): Source[] => {
    let current = sources;
    const parent = within[within.length - 1] ?? null;
    const ancestors = within.map((w) => w.stepId);
    steps.forEach((step, index) => {
      add(
        {
          id: step.id,
          kind: step.kind,
          stepId: step.id,
          name: step.name,
          parent,
          mode: step.kind === 'approval' ? step.mode : null,
          branches:
            step.kind === 'condition'
              ? [...step.branches.map((b) => ({ id: b.id, name: b.name, isDefault: false, taken: null })), ...(step.default ? [{ id: step.default.id, name: step.default.name, isDefault: true, taken: null }] : [])]
              : null,
          position: step.layout ? { x: step.layout.x, y: step.layout.y } : null,
        },
        { step, seq: steps, index, ancestors, within },
      );
      link(current, step.id);
      if (step.kind === 'condition' || step.kind === 'parallel') {
        const branches = step.kind === 'condition' ? [...step.branches, ...(step.default ? [step.default] : [])] : step.branches;
        const exits = branches.flatMap((b) => walk(b.steps, [{ id: step.id, branchId: b.id, label: b.name }], [...within, { stepId: step.id, branchId: b.id }]));
        const join = joinId(step.id);
        add({ id: join, kind: 'join', stepId: step.id, name: step.name, parent, mode: null, branches: null, position: null }, { step, seq: steps, index, ancestors, within });
        link(exits, join);
        current = [{ id: join, branchId: null, label: null }];
      } else current = [{ id: step.id, branchId: null, label: null }];
    });
    return current;
  };
  add({ id: START, kind: 'start', stepId: null, name: 'Start', parent: null, mode: null, branches: null, position: null }, {});
  const exits = walk(topLevel, [{ id: START, branchId: null, label: null }], []);
  add({ id: END, kind: 'end', stepId: null, name: 'End', parent: null, mode: null, branches: null, position: null }, {});
  link(exits, END);

  // ── replay
  const get = (id: string | null) => (id ? live.get(id) : undefined);
  const enter = (l: Live, at: number, state: GraphNodeState = 'active') => {
    l.node.visits++;
    l.node.state = state;
    l.entered = at;
    l.left = state === 'active' ? null : at;
  };
  const leave = (l: Live, state: GraphNodeState, at: number) => {
    if (l.node.state === 'waiting' || l.node.state === 'skipped') enter(l, at, state);
    l.node.state = state;
    l.left = at;
  };
  /** A step certainly finished (something after it on its path started): what it left unsaid. */
  const complete = (step: Step, at: number) => {
    const l = live.get(step.id)!;
    if (l.node.state === 'waiting') enter(l, at, 'done');
    else if (l.node.state === 'active' && step.kind !== 'approval') leave(l, 'done', at);
    if (step.kind === 'condition' || step.kind === 'parallel') {
      const ran = step.kind === 'parallel' ? step.branches : [...step.branches, ...(step.default ? [step.default] : [])].filter((b) => b.id === l.chosen);
      for (const b of ran) for (const s of b.steps) complete(s, at);
      const join = live.get(joinId(step.id))!;
      if (join.node.state === 'waiting') enter(join, at, 'done');
    }
  };
  /** Everything before a node on its path has passed; the steps around it are running. */
  const passBefore = (id: string, at: number) => {
    const l = live.get(id);
    if (!l?.seq) return;
    for (const s of l.seq.slice(0, l.index)) complete(s, at);
    const owner = get(l.ancestors[l.ancestors.length - 1] ?? null);
    if (!owner) return;
    if (owner.node.state === 'waiting') enter(owner, at, owner.node.kind === 'condition' ? 'done' : 'active');
    passBefore(owner.node.id, at);
  };
  const stepNodes = () => [...live.values()].filter((l) => l.node.kind !== 'start' && l.node.kind !== 'end');
  /** Something ended the flow at `id` (or from outside, id null): whatever still ran is called off. */
  const interrupt = (id: string | null, state: GraphNodeState, at: number) => {
    const around = new Set(get(id)?.ancestors ?? []);
    for (const l of stepNodes()) {
      if (l.node.id === id || l.node.state !== 'active') continue;
      leave(l, around.has(l.node.id) ? state : 'cancelled', at);
    }
  };
  /** A new pass starts at the top-level step holding `stepId` (all of the flow when null). */
  const restartFrom = (stepId: string | null) => {
    let from = 0;
    if (stepId) {
      const i = topLevel.findIndex((s) => s.id === stepId || get(stepId)?.ancestors[0] === s.id);
      if (i >= 0) from = i;
    }
    const region = new Set(topLevel.slice(from).map((s) => s.id));
    for (const l of [...stepNodes(), live.get(END)!]) {
      const top = l.node.kind === 'end' ? null : (l.ancestors[0] ?? l.step?.id ?? null);
      if (l.node.kind !== 'end' && !(top && region.has(top))) continue;
      l.node.state = 'waiting';
      l.entered = null;
      l.left = null;
      l.chosen = null;
    }
  };
  const finish = (state: GraphNodeState, at: number) => {
    const end = live.get(END)!;
    enter(end, at, state);
    if (state === 'done') for (const s of topLevel) complete(s, at);
    else {
      interrupt(null, 'cancelled', at);
      for (const l of stepNodes()) if (l.node.state === 'waiting') l.node.state = 'skipped';
    }
    const start = live.get(START)!;
    if (start.node.state === 'active') leave(start, 'done', at);
  };

  let returnedAt: string | null = null;
  for (const e of f.events) {
    const l = get(e.stepId);
    switch (e.type) {
      case 'submitted':
        enter(live.get(START)!, e.at, 'done');
        break;
      case 'resubmitted': {
        const start = live.get(START)!;
        enter(start, e.at, 'done');
        restartFrom(f.definition.settings.resubmitFrom === 'returningStep' ? returnedAt : null);
        returnedAt = null;
        break;
      }
      case 'assigned':
      case 'waiting':
      case 'parallel':
        if (!l) break;
        passBefore(l.node.id, e.at);
        enter(l, e.at);
        break;
      case 'cc':
      case 'action_done':
      case 'step_approved':
        if (!l) break;
        passBefore(l.node.id, e.at);
        leave(l, 'done', e.at);
        break;
      case 'branch':
        if (!l) break;
        passBefore(l.node.id, e.at);
        leave(l, 'done', e.at);
        l.chosen = typeof e.data.branchId === 'string' ? e.data.branchId : null;
        // Everything inside the branches not taken (however deep) is off the path.
        for (const other of stepNodes()) {
          if (other.node.state !== 'waiting') continue;
          if (other.within.some((w) => w.stepId === l.node.id && w.branchId !== l.chosen)) other.node.state = 'skipped';
        }
        break;
      case 'joined':
        if (!l) break;
        leave(l, 'done', e.at);
        leave(live.get(joinId(l.node.id))!, 'done', e.at);
        break;
      case 'step_rejected':
      case 'step_failed':
        if (!l) break;
        passBefore(l.node.id, e.at);
        leave(l, ENDED[e.type]!, e.at);
        interrupt(l.node.id, ENDED[e.type]!, e.at);
        break;
      case 'taken_back': {
        // An approval taken back after its step passed calls the next step off.
        const calledOff = get(typeof e.data.calledOff === 'string' ? e.data.calledOff : null);
        if (calledOff?.node.state === 'active') leave(calledOff, 'cancelled', e.at);
        break;
      }
      case 'sent_back': {
        if (l?.node.state === 'active') leave(l, 'cancelled', e.at);
        restartFrom(typeof e.data.to === 'string' ? e.data.to : null);
        break;
      }
      // The administrators' interventions (merged on main alongside this): a system step that
      // stalls waits for them (shown failed until retried), a retry runs it again, a return to a
      // step starts a new pass there, an administrator's cancellation ends the request.
      case 'step_stalled':
        if (!l) break;
        passBefore(l.node.id, e.at);
        leave(l, 'failed', e.at);
        break;
      case 'admin_retried':
        for (const id of Array.isArray(e.data.stepIds) ? e.data.stepIds : []) {
          const stalled = get(typeof id === 'string' ? id : null);
          if (stalled?.node.state === 'failed') {
            stalled.node.state = 'active';
            stalled.left = null;
          }
        }
        break;
      case 'admin_returned':
        interrupt(null, 'cancelled', e.at);
        restartFrom(typeof e.data.to === 'string' ? e.data.to : null);
        break;
      case 'returned': {
        returnedAt = e.stepId;
        if (l) {
          leave(l, 'returned', e.at);
          for (const a of l.ancestors) if (live.get(a)!.node.state === 'rejected') live.get(a)!.node.state = 'returned';
        }
        interrupt(e.stepId, 'returned', e.at);
        // The initiator holds the request now: the flow waits at its start.
        const start = live.get(START)!;
        start.node.state = 'active';
        start.left = null;
        break;
      }
      case 'completed': {
        const outcome = e.data.outcome;
        finish(outcome === 'approved' ? 'done' : outcome === 'rejected' ? 'rejected' : 'failed', e.at);
        break;
      }
      case 'withdrawn':
      case 'cancelled':
      case 'admin_cancelled':
      case 'terminated':
        finish('cancelled', e.at);
        break;
    }
  }

  // ── holders, times, branch flags
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const tasksByStep = new Map<string, GraphFacts['tasks']>();
  for (const t of [...f.tasks].sort((a, b) => a.position - b.position)) tasksByStep.set(t.stepId, [...(tasksByStep.get(t.stepId) ?? []), t]);
  for (const l of live.values()) {
    l.node.enteredAt = iso(l.entered);
    l.node.leftAt = iso(l.left);
    if ((l.node.kind === 'approval' || l.node.kind === 'cc') && l.entered !== null) {
      const entered = l.entered;
      l.node.holders = (tasksByStep.get(l.node.id) ?? [])
        .filter((t) => t.openedAt >= entered)
        .map((t) => ({ userId: t.assigneeId, displayName: f.names.get(t.assigneeId) ?? null, taskId: t.id, status: t.status, actedAt: iso(t.actedAt) }));
    }
    if (l.node.branches) {
      const decided = l.chosen;
      l.node.branches = l.node.branches.map((b) => ({ ...b, taken: decided === null ? null : b.id === decided }));
    }
  }
  for (const e of edges) {
    const owner = live.get(e.from)!;
    if (owner.node.kind === 'condition' && e.branchId) e.taken = owner.chosen === null ? null : owner.chosen === e.branchId;
  }
  const nodes = [...live.values()].map((l) => l.node);
  const stepsOnly = nodes.filter((n) => n.kind !== 'start' && n.kind !== 'end' && n.kind !== 'join');
  return {
    instanceId: f.instance.id,
    status: f.instance.status,
    round: f.instance.round,
    template: { id: f.instance.templateId, key: f.instance.templateKey, version: f.instance.templateVersion, name: f.instance.templateName },
    nodes,
    edges,
    positioned: stepsOnly.length > 0 && stepsOnly.every((n) => n.position !== null),
  };
}

export class ApprovalGraphService {
  constructor(private readonly rt: Runtime) {}

  /** Visible to whoever may see the request's detail (404 for anyone else). */
  async graph(actor: Actor, id: string): Promise<ApprovalGraph> {
    const seen = await this.rt.services.approvals.visible(actor, id);
    const { tenantId } = actor;
    // One read transaction: the instance, its tasks and its events from the same projection
    // batch, so a batch landing meanwhile cannot show a step entered without its people.
    const { inst, version, tasks, events } = await this.rt.orm.em.fork().transactional(async (tx) => {
      const row = (await tx.findOne(ApprovalInstance, { tenantId, id })) ?? seen;
      return {
        inst: row,
        version: await tx.findOne(ApprovalTemplateVersion, { tenantId, templateId: row.templateId, version: row.templateVersion }),
        tasks: await tx.find(ApprovalTask, { tenantId, instanceId: id }, { orderBy: { position: 'asc' } }),
        events: await tx.find(ApprovalEvent, { tenantId, instanceId: id }, { orderBy: { seq: 'asc' } }),
      };
    });
    if (!version) throw new ConflictError('template_version_missing', 'The template version of this request no longer exists');
    const names = await this.rt.services.approvals.names(tenantId, tasks.map((t) => t.assigneeId));
    return buildGraph({
      instance: {
        id: inst.id,
        status: inst.status,
        round: inst.round,
        templateId: inst.templateId,
        templateKey: inst.templateKey,
        templateVersion: inst.templateVersion,
        templateName: inst.templateName,
      },
      definition: version.definition,
      tasks: tasks.map((t) => ({ id: t.id, stepId: t.stepId, assigneeId: t.assigneeId, status: t.status, position: t.position, openedAt: t.openedAt.getTime(), actedAt: t.actedAt ? t.actedAt.getTime() : null })),
      events: events.map((e) => ({ seq: e.seq, type: e.type, stepId: e.stepId, data: e.data, at: e.occurredAt.getTime() })),
      names,
    });
  }
}
