/**
 * Outcome hooks: durable follow-up work started as child workflows with business-key ids. They
 * outlive the request (ABANDON), so the request finishes at once; their ids are on the timeline.
 * Activity hooks run a named system activity; the request is already decided, so their failure
 * is recorded, not fatal.
 */
import { ActivityFailure, ParentClosePolicy, patched, startChild } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { processAttributes } from '../search-attributes';
import type { Hook } from './dsl/template';
import { resolveMapping, type ValueScope } from './dsl/values';
import { HOOK_WORKFLOW_TYPES } from './dsl/system-actions';
import { GRANT_ROLE_SAGA, grantRoleSagaWorkflow, grantRoleSagaWorkflowId } from './grant-role-saga';
import type { ApprovalInstanceState } from './engine/instance';
import { PATCHES } from './patches';
import { systemSteps } from './proxies';

const HOOK_WORKFLOWS = new Set(HOOK_WORKFLOW_TYPES);

export async function runOutcomeHooks(s: ApprovalInstanceState, which: 'onApproved' | 'onRejected') {
  const { input } = s;
  const hooks = input.definition.hooks?.[which] ?? [];
  // Requests that finished before hooks were run did not run them; on replay they still do not.
  if (!hooks.length || !patched(PATCHES.outcomeHooks)) return;
  const scope = s.valueScope();
  scope.instance.outcome = s.status;
  // Activity hooks were skipped before they were supported; requests that finished so keep it.
  const activityHooks = hooks.some((h) => h.kind === 'activity') && patched(PATCHES.activityHooks);
  for (const [index, hook] of hooks.entries()) {
    if (hook.kind === 'activity' && activityHooks) {
      await runActivityHook(s, which, index, hook, scope);
      continue;
    }
    if (hook.kind !== 'childWorkflow' || !HOOK_WORKFLOWS.has(hook.workflowType)) {
      s.event('hook_skipped', { data: { index, kind: hook.kind, name: hook.kind === 'childWorkflow' ? hook.workflowType : hook.name, reason: 'not supported by this engine version' } });
      continue;
    }
    const values = resolveMapping(hook.input, scope);
    const userId = typeof values.userId === 'string' && values.userId ? values.userId : input.initiator.userId;
    const roleCode = typeof values.roleCode === 'string' ? values.roleCode.trim() : '';
    if (!roleCode) {
      s.event('hook_failed', { data: { index, workflowType: hook.workflowType, reason: 'no role code' } });
      continue;
    }
    const workflowId = grantRoleSagaWorkflowId(input.tenantCode, input.instanceId, index);
    try {
      await startChild(grantRoleSagaWorkflow, {
        workflowId,
        args: [{ tenantId: input.tenantId, tenantCode: input.tenantCode, userId, roleCode, requestId: input.instanceId, until: typeof values.until === 'string' ? values.until : null }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        // User metadata, not a command attribute: changing its text needs no patch.
        staticSummary: `Grant role ${roleCode} (request ${input.instanceId})`,
        typedSearchAttributes: processAttributes({
          tenant: input.tenantCode,
          process: GRANT_ROLE_SAGA.process,
          businessKey: input.instanceId,
          initiator: input.initiator.userId,
          status: 'granting',
        }),
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    s.event('hook_started', { data: { index, workflowType: hook.workflowType, workflowId, userId, roleCode } });
  }
}

/** An activity hook: the request is already decided, so a failure is recorded, not fatal. */
async function runActivityHook(s: ApprovalInstanceState, which: string, index: number, hook: Extract<Hook, { kind: 'activity' }>, scope: ValueScope) {
  try {
    const { ref } = await systemSteps.runApprovalSystemActivity.executeWithOptions({ summary: `${which} hook: ${hook.name}` }, [
      { tenantId: s.input.tenantId, name: hook.name, input: resolveMapping(hook.args, scope), initiatorId: s.input.initiator.userId, key: `${s.workflowId}:hook:${which}:${index}` },
    ]);
    s.event('hook_done', { data: { index, kind: 'activity', name: hook.name, ref } });
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    s.event('hook_failed', { data: { index, kind: 'activity', name: hook.name, reason: err.cause?.message ?? err.message } });
  }
}
