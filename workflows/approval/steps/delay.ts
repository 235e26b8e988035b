/** A delay step: wait a duration, or until a date of the form (a withdrawal ends the wait). */
import type { DelayStep } from '../dsl/template';
import { parseDuration } from '../dsl/durations';
import type { ApprovalInstanceState } from '../engine/instance';
import type { Outcome } from './outcome';

export async function runDelay(s: ApprovalInstanceState, step: DelayStep, approvers: string[]): Promise<Outcome> {
  const until = delayUntil(step, s.form);
  if (until !== null && until > Date.now()) {
    s.event('waiting', { stepId: step.id, data: { until: new Date(until).toISOString() } });
    await s.flush();
    await s.strands.waitFor(() => s.interruptedFor(null), until);
    if (s.interruptedFor(null)) return { kind: 'aborted' };
  }
  return { kind: 'passed', approvers };
}

function delayUntil(step: DelayStep, form: Record<string, unknown>): number | null {
  if (step.duration) return Date.now() + parseDuration(step.duration);
  const v = step.untilField ? form[step.untilField] : undefined;
  const date = typeof v === 'string' ? v : v && typeof v === 'object' ? (v as { start?: string }).start : undefined;
  return date ? Date.parse(`${date}T00:00:00Z`) : null;
}
