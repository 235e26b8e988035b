/**
 * The progress graph of a request: its pinned template version's flow drawn as nodes and edges,
 * each node with where it stands (derived from the read model: tasks and timeline). What
 * clients draw a progress diagram from; positions come from the template's `layout` when the
 * designer stored them, else clients lay the graph out themselves.
 */
import { z } from 'zod';
import { INSTANCE_STATUSES, TASK_STATUSES } from '../../../workflows/approval/contract';
import { APPROVAL_MODES } from '../../../workflows/approval/dsl';

export const GRAPH_NODE_KINDS = ['start', 'end', 'approval', 'cc', 'action', 'delay', 'condition', 'parallel', 'join'] as const;
export type GraphNodeKind = (typeof GRAPH_NODE_KINDS)[number];

/**
 * Where a node stands in the latest pass of the flow:
 * `waiting` not reached yet · `active` being worked on (people asked, a delay running, branches
 * running) · `done` passed · `skipped` not on the path (a condition branch not taken, or the
 * request ended before it) · `cancelled` called off while active (a withdrawal, a rejection
 * elsewhere, a take-back) · `rejected` / `returned` / `failed` where the flow ended that way.
 */
export const GRAPH_NODE_STATES = ['waiting', 'active', 'done', 'skipped', 'cancelled', 'rejected', 'returned', 'failed'] as const;
export type GraphNodeState = (typeof GRAPH_NODE_STATES)[number];

export const GraphHolder = z.object({
  userId: z.string(),
  displayName: z.string().nullable(),
  taskId: z.string(),
  status: z.enum(TASK_STATUSES),
  actedAt: z.string().nullable(),
});
export type GraphHolder = z.infer<typeof GraphHolder>;

export const GraphNode = z.object({
  /** The step id; `#start`, `#end`, and `<stepId>#join` where a condition's or parallel step's branches meet (`#` is never in a step id). */
  id: z.string(),
  kind: z.enum(GRAPH_NODE_KINDS),
  /** The step (for a join: the condition or parallel step it closes); null for start and end. */
  stepId: z.string().nullable(),
  name: z.string(),
  /** The branch the node sits in, innermost; null on the main path. */
  parent: z.object({ stepId: z.string(), branchId: z.string() }).nullable(),
  state: z.enum(GRAPH_NODE_STATES),
  /** How many times the flow entered the node, over every round and every send-back. */
  visits: z.number().int(),
  /** The latest pass: when the node was entered and left (null: not yet). */
  enteredAt: z.string().nullable(),
  leftAt: z.string().nullable(),
  /** Approval and cc steps: the people of the latest pass, with their task's status. */
  holders: z.array(GraphHolder),
  /** Approval steps: how the people decide. */
  mode: z.enum(APPROVAL_MODES).nullable(),
  /** Condition steps: the branches, and which one the latest pass took (null: not decided yet). */
  branches: z.array(z.object({ id: z.string(), name: z.string(), isDefault: z.boolean(), taken: z.boolean().nullable() })).nullable(),
  /** From the template's layout (`layout: { x, y }` on the step); null when the designer stored none. */
  position: z.object({ x: z.number(), y: z.number() }).nullable(),
});
export type GraphNode = z.infer<typeof GraphNode>;

export const GraphEdge = z.object({
  from: z.string(),
  to: z.string(),
  /** Edges leaving a condition or parallel step: the branch they start. */
  branchId: z.string().nullable(),
  label: z.string().nullable(),
  /** Condition branches: taken in the latest pass (true), not taken (false), undecided (null); null elsewhere. */
  taken: z.boolean().nullable(),
});
export type GraphEdge = z.infer<typeof GraphEdge>;

export const ApprovalGraph = z.object({
  instanceId: z.string(),
  status: z.enum(INSTANCE_STATUSES),
  round: z.number().int(),
  template: z.object({ id: z.string(), key: z.string(), version: z.number().int(), name: z.string() }),
  /** In flow order: start, then every step (a branch's steps right after its owner), joins after their branches, end. */
  nodes: z.array(GraphNode),
  /** In flow order; a condition's or parallel step's edges in branch order. */
  edges: z.array(GraphEdge),
  /** Every step node has a position (clients may draw them as stored). */
  positioned: z.boolean(),
});
export type ApprovalGraph = z.infer<typeof ApprovalGraph>;
