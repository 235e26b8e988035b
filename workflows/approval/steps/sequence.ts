/**
 * The flow as a sequence of steps: run them in order, each by its kind's runner, until one
 * does not pass. Condition and parallel steps run their branches through `runSequence` again.
 */
import { patched } from '@temporalio/workflow';
import type { Step } from '../dsl/template';
import { iterateSteps } from '../dsl/flow';
import type { ApprovalInstanceState } from '../engine/instance';
import { PATCHES } from '../patches';
import type { Outcome } from './outcome';
import { runApproval } from './approval';
import { runCc } from './cc';
import { runCondition } from './condition';
import { runParallel } from './parallel';
import { runDelay } from './delay';
import { runAction } from './action';

/**
 * Run steps in order. `startAt` (top level only) skips to the step that holds a given step id:
 * how a resubmission or a "send back" resumes. `approvers` = who approved the approval step
 * just before, for the repeated-approver auto-pass.
 */
export async function runSequence(s: ApprovalInstanceState, steps: readonly Step[], approvers: string[], startAt: string | null = null): Promise<Outcome> {
  let from = 0;
  if (startAt) {
    const i = steps.findIndex((step) => [...iterateSteps([step])].some((loc) => loc.step.id === startAt));
    if (i >= 0) from = i;
  }
  let previous = approvers;
  for (const step of steps.slice(from)) {
    if (s.interruptedFor(null)) return { kind: 'aborted' };
    const outcome = await runStep(s, step, previous);
    if (outcome.kind !== 'passed') return outcome;
    // Only an approval step changes who "approved just before"; cc and delay steps do not.
    if (step.kind === 'approval') previous = outcome.approvers;
    else if (step.kind === 'parallel') previous = [];
    else if (step.kind === 'condition') previous = outcome.approvers;
  }
  return { kind: 'passed', approvers: previous };
}

function runStep(s: ApprovalInstanceState, step: Step, approvers: string[]): Promise<Outcome> {
  switch (step.kind) {
    case 'approval':
      return runApproval(s, step, approvers);
    case 'cc':
      return runCc(s, step, approvers);
    case 'condition':
      return runCondition(s, step, approvers, runSequence);
    case 'parallel':
      return runParallel(s, step, runSequence);
    case 'delay':
      return runDelay(s, step, approvers);
    case 'action':
      // Runs that reached an action step before it was supported failed there; they still do.
      if (patched(PATCHES.actionSteps)) return runAction(s, step, approvers);
      return Promise.resolve({ kind: 'failed', stepId: step.id, reason: `Step "${step.name}": action steps (${step.action}) are not supported yet` });
  }
}
