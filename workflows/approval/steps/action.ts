/** A system step: grant a role, call a webhook, or run one of the named system activities. */
import { ActivityFailure, patched } from '@temporalio/workflow';
import type { ActionStep } from '../dsl/template';
import { resolveMapping, resolveValue } from '../dsl/values';
import type { ApprovalInstanceState } from '../engine/instance';
import { PATCHES } from '../patches';
import { systemSteps } from '../proxies';
import { fail, type Outcome } from './outcome';

export async function runAction(s: ApprovalInstanceState, step: ActionStep, approvers: string[]): Promise<Outcome> {
  const key = `${s.workflowId}:${step.id}:${s.round}`;
  switch (step.action) {
    case 'grantRole': {
      const scope = s.valueScope();
      const roleCode = resolveValue(step.args.roleCode, scope);
      const userId = step.args.userId ? resolveValue(step.args.userId, scope) : s.input.initiator.userId;
      if (typeof roleCode !== 'string' || !roleCode || typeof userId !== 'string' || !userId) {
        return fail(s, step, `Step "${step.name}": no role or user to grant (role ${JSON.stringify(roleCode)}, user ${JSON.stringify(userId)})`);
      }
      // A constant role was checked against the publisher; one from the form is checked against who approved.
      const fromForm = !('const' in step.args.roleCode);
      const approverIds = fromForm && patched(PATCHES.grantRoleChecksApprovers) ? approvedThisRound(s) : undefined;
      return systemStep(s, step, approvers, 'the role could not be granted', async () => {
        const { granted } = await systemSteps.grantApprovalRole.executeWithOptions({ summary: `Grant role ${roleCode}` }, [
          { tenantId: s.input.tenantId, userId, roleCode, grantedBy: s.workflowId, ...(approverIds ? { approverIds } : {}) },
        ]);
        return { userId, roleCode, granted };
      });
    }
    case 'webhook':
    case 'activity':
      // Runs that reached a webhook or activity step before these were supported failed there; they still do.
      if (!patched(PATCHES.webhookActivitySteps)) return fail(s, step, `Step "${step.name}": ${step.action} action steps are not supported yet`);
      if (step.action === 'webhook') {
        const { url, method } = step.args;
        const body = resolveMapping(step.args.body, s.valueScope());
        return systemStep(s, step, approvers, 'the webhook failed', async () => {
          const { status } = await systemSteps.callApprovalWebhook.executeWithOptions({ summary: `${method} ${url}` }, [
            { tenantId: s.input.tenantId, url, method, body, key, instanceId: s.input.instanceId, stepId: step.id },
          ]);
          return { url, status };
        });
      } else {
        const { name } = step.args;
        const input = resolveMapping(step.args.input, s.valueScope());
        return systemStep(s, step, approvers, `${name} failed`, async () => {
          const { ref } = await systemSteps.runApprovalSystemActivity.executeWithOptions({ summary: `${name} (${step.name})` }, [
            { tenantId: s.input.tenantId, name, input, initiatorId: s.input.initiator.userId, key },
          ]);
          return { name, ref };
        });
      }
  }
}

/** People (not the system) who approved a task in the current round, each once, in task order. */
function approvedThisRound(s: ApprovalInstanceState): string[] {
  const ids = [...s.tasks.values()].filter((t) => t.round === s.round && t.status === 'approved' && !t.autoApproved).map((t) => t.assigneeId);
  return [...new Set(ids)];
}

/**
 * Run a system step's activity: its result goes on the timeline as `action_done`, and the flow
 * moves on. When it fails (its retries spent, or refused for good), the request waits `stalled`
 * for an administrator (PATCHES.stallFailedSystemSteps): once they fixed the cause, a retry runs
 * the activity again (same idempotency key); they may also send the request back or cancel it.
 * Runs recorded before the patch failed the request there, with `failure` as the reason.
 */
async function systemStep(s: ApprovalInstanceState, step: ActionStep, approvers: string[], failure: string, call: () => Promise<Record<string, unknown>>): Promise<Outcome> {
  let result;
  for (;;) {
    try {
      result = await call();
      break;
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      const reason = `Step "${step.name}": ${failure}: ${err.cause?.message ?? err.message}`;
      if (!patched(PATCHES.stallFailedSystemSteps)) return fail(s, step, reason);
      if (!(await stall(s, step, reason))) return { kind: 'aborted' };
    }
  }
  if (s.interruptedFor(null)) return { kind: 'aborted' };
  s.event('action_done', { stepId: step.id, data: { stepName: step.name, action: step.action, ...result } });
  await s.flush();
  return { kind: 'passed', approvers };
}

/**
 * Wait for an administrator after a system step failed: the request is `stalled` (other strands
 * keep their state; nobody can decide a task until it runs again). True: retry the step; false:
 * the request was sent back or cancelled meanwhile (the strand unwinds).
 */
async function stall(s: ApprovalInstanceState, step: ActionStep, reason: string): Promise<boolean> {
  s.stalledSteps.add(step.id);
  s.setStatus('stalled', reason);
  s.event('step_stalled', { stepId: step.id, data: { stepName: step.name, action: step.action, reason } });
  await s.flush();
  const seen = s.retries;
  await s.strands.waitFor(() => s.retries !== seen || s.interruptedFor(null));
  s.stalledSteps.delete(step.id);
  return !s.interruptedFor(null);
}
