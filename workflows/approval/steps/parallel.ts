/**
 * A parallel step: every branch runs as its own strand; the step ends when all have finished.
 * A branch that rejects, returns or fails ends the others (they unwind as `aborted`).
 */
import type { ParallelStep } from '../dsl/template';
import type { ApprovalInstanceState } from '../engine/instance';
import type { Outcome, RunSequence } from './outcome';

export async function runParallel(s: ApprovalInstanceState, step: ParallelStep, runSequence: RunSequence): Promise<Outcome> {
  s.event('parallel', { stepId: step.id, data: { branches: step.branches.map((b) => b.id) } });
  const n = step.branches.length;
  s.strands.fork(n);
  s.parallelDepth++;
  s.lastPassed = null;
  const outcomes = await Promise.all(step.branches.map((b) => runSequence(s, b.steps, []).finally(() => s.strands.branchDone())));
  s.parallelDepth--;
  s.strands.join();
  // The branch that ended the flow decides; the others merely unwound.
  const decisive = outcomes.find((o) => o.kind !== 'passed' && o.kind !== 'aborted') ?? outcomes.find((o) => o.kind === 'aborted');
  if (decisive) return decisive;
  s.event('joined', { stepId: step.id });
  return { kind: 'passed', approvers: [] };
}
