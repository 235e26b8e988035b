/**
 * The designer's operations on the template DSL, as plain functions over the JSON the API sends
 * (no model of our own: what is loaded is what is edited and saved, so a load → save round trip
 * gives the same DSL and an edit changes exactly what was edited).
 *
 * Paths use the server's notation (`flow[2].branches[1].steps[0]`), so validation errors pin to
 * the step they are about by prefix.
 */
import type { Definition, Step, StepKind } from '@/api/types';

export type Seq = Step[];
export type ConditionStep = Extract<Step, { kind: 'condition' }>;
export type ParallelStep = Extract<Step, { kind: 'parallel' }>;
export type ApprovalStep = Extract<Step, { kind: 'approval' }>;
export type Branch = ConditionStep['branches'][number] | ParallelStep['branches'][number] | NonNullable<ConditionStep['default']>;

export const STEP_KINDS: StepKind[] = ['approval', 'cc', 'condition', 'parallel', 'delay', 'action'];

export interface StepRef {
  step: Step;
  /** `flow[0].branches[1].steps[2]` */
  path: string;
  seq: Seq;
  index: number;
}

/** The sequences nested in a step (branches, then the default branch), with their paths. */
export function childSeqs(step: Step, path: string): { seq: Seq; path: string; branch: Branch; isDefault: boolean }[] {
  if (step.kind === 'condition') {
    const out = step.branches.map((b, j) => ({ seq: b.steps, path: `${path}.branches[${j}].steps`, branch: b as Branch, isDefault: false }));
    if (step.default) out.push({ seq: step.default.steps, path: `${path}.default.steps`, branch: step.default, isDefault: true });
    return out;
  }
  if (step.kind === 'parallel') return step.branches.map((b, j) => ({ seq: b.steps, path: `${path}.branches[${j}].steps`, branch: b as Branch, isDefault: false }));
  return [];
}

/** Every step of the flow, depth first, in reading order. */
export function allSteps(def: Pick<Definition, 'flow'>): StepRef[] {
  const out: StepRef[] = [];
  const walk = (seq: Seq, path: string) =>
    seq.forEach((step, index) => {
      const p = `${path}[${index}]`;
      out.push({ step, path: p, seq, index });
      for (const c of childSeqs(step, p)) walk(c.seq, c.path);
    });
  walk(def.flow, 'flow');
  return out;
}

/** Every id in use: steps and branches share one namespace in the DSL. */
export function usedIds(def: Pick<Definition, 'flow'>): Set<string> {
  const ids = new Set<string>();
  for (const { step, path } of allSteps(def)) {
    ids.add(step.id);
    for (const c of childSeqs(step, path)) ids.add(c.branch.id);
  }
  return ids;
}

export function uniqueId(base: string, used: Set<string>): string {
  for (let n = 1; ; n++) {
    const id = `${base}_${n}`;
    if (!used.has(id)) {
      used.add(id);
      return id;
    }
  }
}

/** A new step with the smallest content that makes sense (defaults are the server's to fill). */
export function newStep(kind: StepKind, used: Set<string>, names: Record<StepKind, string>): Step {
  const id = uniqueId(kind, used);
  const name = names[kind];
  switch (kind) {
    case 'approval':
      return { kind, id, name, assignees: { type: 'departmentHead', level: 1 } } as Step;
    case 'cc':
      return { kind, id, name, recipients: { type: 'initiator' } } as Step;
    case 'condition':
      return {
        kind,
        id,
        name,
        branches: [{ id: uniqueId('branch', used), name: 'Branch 1', when: { field: 'form.amount', op: '>', value: 0 }, steps: [] }],
        default: { id: uniqueId('otherwise', used), name: 'Otherwise', steps: [] },
      } as Step;
    case 'parallel':
      return {
        kind,
        id,
        name,
        branches: [
          { id: uniqueId('branch', used), name: 'Branch 1', steps: [] },
          { id: uniqueId('branch', used), name: 'Branch 2', steps: [] },
        ],
      } as Step;
    case 'delay':
      return { kind, id, name, duration: '1h' } as Step;
    case 'action':
      return { kind, id, name, action: 'activity', args: { name: 'noop', input: {} } } as Step;
  }
}

export function insertStep(seq: Seq, index: number, step: Step): void {
  seq.splice(index, 0, step);
}

export function removeStep(seq: Seq, index: number): Step {
  return seq.splice(index, 1)[0];
}

/** True when `target` is one of the sequences inside `step` (a step cannot move into itself). */
export function containsSeq(step: Step, target: Seq): boolean {
  for (const c of childSeqs(step, '')) {
    if (c.seq === target) return true;
    if (c.seq.some((s) => containsSeq(s, target))) return true;
  }
  return false;
}

/** Move a step to another place (same or other sequence); false when that would nest it in itself. */
export function moveStep(from: Seq, fromIndex: number, to: Seq, toIndex: number): boolean {
  const step = from[fromIndex];
  if (!step || containsSeq(step, to)) return false;
  if (from === to) {
    if (toIndex === fromIndex || toIndex === fromIndex + 1) return true;
    from.splice(fromIndex, 1);
    from.splice(toIndex > fromIndex ? toIndex - 1 : toIndex, 0, step);
    return true;
  }
  from.splice(fromIndex, 1);
  to.splice(toIndex, 0, step);
  return true;
}

export interface Problem {
  path: string;
  message: string;
  code: string;
}

export interface PinnedProblems {
  /** By step path. */
  steps: Record<string, Problem[]>;
  /** By form field index (`formSchema.fields[3]…`). */
  fields: Record<number, Problem[]>;
  /** Template-wide (key, name, settings, hooks…). */
  other: Problem[];
}

/** Each problem at the deepest step whose path prefixes it (`flow[1].branches[0].steps[0].assignees` → that step). */
export function pinProblems(def: Pick<Definition, 'flow'>, problems: Problem[]): PinnedProblems {
  const paths = allSteps(def)
    .map((s) => s.path)
    .sort((a, b) => b.length - a.length);
  const out: PinnedProblems = { steps: {}, fields: {}, other: [] };
  for (const p of problems) {
    const path = p.path.replace(/^body\./, '');
    const step = paths.find((sp) => path === sp || path.startsWith(`${sp}.`) || path.startsWith(`${sp}[`));
    if (step) {
      (out.steps[step] ??= []).push(p);
      continue;
    }
    const field = /^formSchema\.fields\[(\d+)\]/.exec(path);
    if (field) {
      (out.fields[Number(field[1])] ??= []).push(p);
      continue;
    }
    out.other.push(p);
  }
  return out;
}

/** Approval steps (for "send back to a step"). */
export const approvalSteps = (def: Pick<Definition, 'flow'>) => allSteps(def).filter((s): s is StepRef & { step: ApprovalStep } => s.step.kind === 'approval');

/** Set or delete a key: empty values are left out of the DSL rather than stored as "" or null. */
export function setOrDelete<T extends object>(obj: T, key: keyof T, value: unknown): void {
  if (value === undefined || value === null || value === '') delete obj[key];
  else (obj as Record<keyof T, unknown>)[key] = value;
}

/** Deep copy of JSON data (the DSL is JSON). */
export const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
