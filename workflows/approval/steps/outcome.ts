/** What every step runner answers: how its piece of the flow ended. */
import type { Step } from '../dsl/template';
import type { ApprovalInstanceState } from '../engine/instance';

/** How a piece of the flow ended. */
export type Outcome =
  | { kind: 'passed'; approvers: string[] }
  | { kind: 'rejected'; stepId: string }
  | { kind: 'returned'; stepId: string }
  | { kind: 'returnTo'; stepId: string; target: string }
  | { kind: 'failed'; stepId: string; reason: string }
  /** Another strand ended the flow (a rejection elsewhere, a withdrawal). */
  | { kind: 'aborted' };

/** Runs a branch's steps: how condition and parallel steps recurse into the flow (steps/sequence.ts). */
export type RunSequence = (s: ApprovalInstanceState, steps: readonly Step[], approvers: string[]) => Promise<Outcome>;

/** The step cannot go on: the request fails, every open task is cancelled. */
export async function fail(s: ApprovalInstanceState, step: Step, reason: string): Promise<Outcome> {
  s.event('step_failed', { stepId: step.id, data: { stepName: step.name, reason } });
  s.interrupt(step.id, `cancelled: ${reason}`);
  await s.flush();
  return { kind: 'failed', stepId: step.id, reason };
}
