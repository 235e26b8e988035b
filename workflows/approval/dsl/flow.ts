/**
 * Walking the block-structured flow: visiting every step with its path, choosing condition
 * branches, planning the route a given form takes, and the structural facts the validator and
 * the workflow both need (valid `returnToStep` targets, steps where the initiator picks people).
 * Pure and deterministic: the dry-run and the workflow interpret a template the same way.
 */
import { evaluateCondition, type ConditionContext } from './conditions';
import { formatPath, type ApprovalStep, type CcStep, type ConditionBranch, type ConditionStep, type DefaultBranch, type Step, type Template } from './template';

export type PathPart = string | number;

/** The branch a step sits in: the condition/parallel step and the branch id (`default` branches too). */
export interface Enclosing {
  stepId: string;
  kind: 'condition' | 'parallel';
  branchId: string;
}

export interface StepLocation {
  step: Step;
  path: PathPart[];
  /** Enclosing branches, outermost first. */
  within: Enclosing[];
}

/** Every step of the tree in document order (a branch's steps right after its owner), with its path. */
export function* iterateSteps(steps: readonly Step[], base: PathPart[] = ['flow'], within: Enclosing[] = []): Generator<StepLocation> {
  for (const [i, step] of steps.entries()) {
    const path = [...base, i];
    yield { step, path, within };
    if (step.kind === 'condition') {
      for (const [j, b] of step.branches.entries()) {
        yield* iterateSteps(b.steps, [...path, 'branches', j, 'steps'], [...within, { stepId: step.id, kind: 'condition', branchId: b.id }]);
      }
      if (step.default) yield* iterateSteps(step.default.steps, [...path, 'default', 'steps'], [...within, { stepId: step.id, kind: 'condition', branchId: step.default.id }]);
    } else if (step.kind === 'parallel') {
      for (const [j, b] of step.branches.entries()) {
        yield* iterateSteps(b.steps, [...path, 'branches', j, 'steps'], [...within, { stepId: step.id, kind: 'parallel', branchId: b.id }]);
      }
    }
  }
}

export function findStep(flow: readonly Step[], id: string): StepLocation | undefined {
  for (const loc of iterateSteps(flow)) if (loc.step.id === id) return loc;
  return undefined;
}

export interface BranchChoice {
  branch: ConditionBranch | DefaultBranch;
  /** Index in `branches`, or `default`. */
  index: number | 'default';
}

/**
 * First branch whose condition holds, else the default. Null only for a condition without a
 * default where nothing matched — which publish-time validation rules out.
 */
export function chooseBranch(step: ConditionStep, ctx: ConditionContext): BranchChoice | null {
  for (const [i, b] of step.branches.entries()) if (evaluateCondition(b.when, ctx)) return { branch: b, index: i };
  return step.default ? { branch: step.default, index: 'default' } : null;
}

export interface PlannedStep {
  step: Step;
  path: string;
  within: Enclosing[];
  /** Condition steps: the branch taken (null if none could be taken). */
  chosenBranchId?: string | null;
  /** Condition steps: true when a condition matched, false when the default was taken. */
  conditionMatched?: boolean;
  /**
   * Approval steps: the approval step directly before this one on the same path (cc, delay and
   * action steps in between do not count; a parallel join resets it, its branches being
   * unordered). Drives `autoPassRepeatedApprover`.
   */
  previousApprovalStepId?: string | null;
}

/**
 * The route a submission takes, assuming every approval step approves: conditions evaluated
 * against the facts, every branch of a parallel step listed (branch by branch), everything else
 * in order.
 */
export function planFlow(flow: readonly Step[], ctx: ConditionContext): PlannedStep[] {
  const out: PlannedStep[] = [];
  const walk = (steps: readonly Step[], base: PathPart[], within: Enclosing[], prevApproval: string | null): string | null => {
    let prev = prevApproval;
    for (const [i, step] of steps.entries()) {
      const path = [...base, i];
      const entry: PlannedStep = { step, path: formatPath(path), within };
      out.push(entry);
      if (step.kind === 'approval') {
        entry.previousApprovalStepId = prev;
        prev = step.id;
      } else if (step.kind === 'condition') {
        const choice = chooseBranch(step, ctx);
        entry.chosenBranchId = choice?.branch.id ?? null;
        entry.conditionMatched = typeof choice?.index === 'number';
        if (choice) {
          const branchPath = choice.index === 'default' ? [...path, 'default', 'steps'] : [...path, 'branches', choice.index, 'steps'];
          prev = walk(choice.branch.steps, branchPath, [...within, { stepId: step.id, kind: 'condition', branchId: choice.branch.id }], prev);
        }
      } else if (step.kind === 'parallel') {
        for (const [j, b] of step.branches.entries()) {
          walk(b.steps, [...path, 'branches', j, 'steps'], [...within, { stepId: step.id, kind: 'parallel', branchId: b.id }], prev);
        }
        prev = null;
      }
    }
    return prev;
  };
  walk(flow, ['flow'], [], null);
  return out;
}

/**
 * For every approval step, the approval steps a rejection may return to: those certainly
 * visited before it on its path. Earlier steps of the same or an enclosing sequence count, and
 * so do steps inside earlier parallel branches (all branches run); steps inside condition
 * branches do not (the branch may not have been taken), nor do steps of sibling branches.
 */
export function returnTargets(flow: readonly Step[]): Map<string, Set<string>> {
  const targets = new Map<string, Set<string>>();
  const walk = (steps: readonly Step[], visited: Set<string>): Set<string> => {
    const seen = new Set(visited);
    for (const step of steps) {
      if (step.kind === 'approval') {
        targets.set(step.id, new Set(seen));
        seen.add(step.id);
      } else if (step.kind === 'condition') {
        for (const b of step.branches) walk(b.steps, seen);
        if (step.default) walk(step.default.steps, seen);
      } else if (step.kind === 'parallel') {
        const after = new Set(seen);
        for (const b of step.branches) for (const id of walk(b.steps, seen)) after.add(id);
        for (const id of after) seen.add(id);
      }
    }
    return seen;
  };
  walk(flow, new Set());
  return targets;
}

/** Steps whose people the initiator picks at submit: by rule, or among an approval step's candidates. */
export function selectionSteps(flow: readonly Step[]): (ApprovalStep | CcStep)[] {
  const out: (ApprovalStep | CcStep)[] = [];
  for (const { step } of iterateSteps(flow)) {
    if (step.kind === 'approval' && (step.initiatorSelects || step.assignees.type === 'initiatorSelects')) out.push(step);
    if (step.kind === 'cc' && step.recipients.type === 'initiatorSelects') out.push(step);
  }
  return out;
}

/**
 * The template as the engine gets it: the designer's positions (`layout`) removed from every
 * step. They describe a drawing, not the process; keeping them out of the workflow input means
 * moving a box can never matter to a running request, and history carries no drawing data.
 */
export function withoutLayout(t: Template): Template {
  const strip = (steps: readonly Step[]): Step[] =>
    steps.map((step) => {
      const { layout: _layout, ...rest } = step;
      if (rest.kind === 'condition') {
        return { ...rest, branches: rest.branches.map((b) => ({ ...b, steps: strip(b.steps) })), ...(rest.default ? { default: { ...rest.default, steps: strip(rest.default.steps) } } : {}) };
      }
      if (rest.kind === 'parallel') return { ...rest, branches: rest.branches.map((b) => ({ ...b, steps: strip(b.steps) })) };
      return rest;
    });
  return { ...t, flow: strip(t.flow) };
}
