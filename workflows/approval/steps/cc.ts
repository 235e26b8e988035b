/** A cc step: the recipients get a read-only "cc" inbox item; nobody waits for them. */
import type { CcStep } from '../dsl/template';
import type { ApprovalInstanceState } from '../engine/instance';
import { people } from '../proxies';
import type { Outcome } from './outcome';

export async function runCc(s: ApprovalInstanceState, step: CcStep, approvers: string[]): Promise<Outcome> {
  const { input } = s;
  const recipients = await people.resolveCcRecipients.executeWithOptions({ summary: `Who is copied at "${step.name}"` }, [
    { tenantId: input.tenantId, step, initiator: input.initiator, form: s.form, selections: input.selections },
  ]);
  if (s.interruptedFor(null)) return { kind: 'aborted' };
  for (const r of recipients) s.newTask(step, 'cc', r.userId, 'cc', 0, { actedAt: null });
  s.event('cc', { stepId: step.id, data: { stepName: step.name, recipients } });
  await s.flush();
  return { kind: 'passed', approvers };
}
