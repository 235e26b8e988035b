/** A condition step: the first branch whose condition holds (else the default) runs; why is on the timeline. */
import type { ConditionStep } from '../dsl/template';
import { chooseBranch } from '../dsl/flow';
import { describeCondition } from '../dsl/conditions';
import type { ApprovalInstanceState } from '../engine/instance';
import { fail, type Outcome, type RunSequence } from './outcome';

export async function runCondition(s: ApprovalInstanceState, step: ConditionStep, approvers: string[], runSequence: RunSequence): Promise<Outcome> {
  const choice = chooseBranch(step, { form: s.form, initiator: s.input.initiator });
  if (!choice) return fail(s, step, `No branch of "${step.name}" matched and there is no default`);
  const why = typeof choice.index === 'number' ? describeCondition(step.branches[choice.index].when) : 'no condition matched (default)';
  s.event('branch', { stepId: step.id, data: { branchId: choice.branch.id, branchName: choice.branch.name, why } });
  return runSequence(s, choice.branch.steps, approvers);
}
