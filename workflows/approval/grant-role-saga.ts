/**
 * The role-grant saga, started as a child workflow by an approved access request (an outcome
 * hook): give the user the role, then tell them in an in-app message. If the message cannot
 * be delivered, the grant is undone (compensation), so nobody holds a role they were never told
 * about. Idempotent: the grant is tagged with this workflow's id (grantedBy), the message
 * carries a dedupe key from it.
 */
import { ActivityFailure, ApplicationFailure, CancellationScope, proxyActivities, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { SA, processAttributes } from '../search-attributes';
import { defineProcess } from '../process';

export const GRANT_ROLE_PROCESS = 'grant-role';
export const GRANT_ROLE_SAGA_TYPE = 'grantRoleSagaWorkflow';

/**
 * Started as a child of an approved request, never by the API. Its id names tenant, the
 * approval request and the hook's position in the template (`grant-role:<tenant>:<request>:<n>`);
 * its SignoffBusinessKey is the request.
 */
export const GRANT_ROLE_SAGA = defineProcess<typeof grantRoleSagaWorkflow>({
  workflowType: GRANT_ROLE_SAGA_TYPE,
  process: GRANT_ROLE_PROCESS,
  resource: 'grant_role',
  workflowId: (tenantCode, key) => `grant-role:${tenantCode}:${key}`,
  parseWorkflowId(workflowId) {
    const m = /^grant-role:(.+):([^:]+:\d+)$/.exec(workflowId);
    return m ? { tenantCode: m[1], businessKey: m[2] } : null;
  },
  policies: { conflict: 'FAIL', reuse: 'REJECT_DUPLICATE' },
});
export const grantRoleSagaWorkflowId = (tenantCode: string, requestId: string, hookIndex: number) => GRANT_ROLE_SAGA.workflowId(tenantCode, `${requestId}:${hookIndex}`);

export interface GrantRoleSagaInput {
  tenantId: string;
  tenantCode: string;
  userId: string;
  roleCode: string;
  /** The approval request that decided it. */
  requestId: string;
  /** Form date the role is needed until (shown in the message; expiry is not enforced here). */
  until: string | null;
}

export interface GrantRoleSagaResult {
  status: 'granted' | 'already_held';
  roleId: string;
}

const steps = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '20s', maximumAttempts: 5, nonRetryableErrorTypes: ['validation_failed', 'not_found'] },
});

export async function grantRoleSagaWorkflow(input: GrantRoleSagaInput): Promise<GrantRoleSagaResult> {
  const { workflowId } = workflowInfo();
  const show = (status: string, details: string) => {
    upsertSearchAttributes([{ key: SA.status, value: status }]);
    setCurrentDetails(`**Grant role \`${input.roleCode}\`** to \`${input.userId}\` (request \`${input.requestId}\`)\n\n${details}`);
  };
  if (workflowInfo().typedSearchAttributes.get(SA.process) === undefined) {
    upsertSearchAttributes(processAttributes({ tenant: input.tenantCode, process: GRANT_ROLE_SAGA.process, businessKey: input.requestId }));
  }
  show('granting', '⏳ granting the role');
  const grant = await steps.grantApprovalRole.executeWithOptions({ summary: `Grant ${input.roleCode}` }, [
    { tenantId: input.tenantId, userId: input.userId, roleCode: input.roleCode, grantedBy: workflowId },
  ]);
  const compensations: { name: string; run: () => Promise<unknown> }[] = [];
  // Only a grant this run made is ours to undo (a role already held stays).
  if (grant.granted) compensations.push({ name: 'revoke role', run: () => steps.revokeApprovalRole(input.tenantId, input.userId, workflowId) });

  show('notifying', '✅ role granted\n⏳ telling the user');
  try {
    await steps.notifyApprovalUsers.executeWithOptions({ summary: 'Tell the user' }, [
      {
        tenantId: input.tenantId,
        userIds: [input.userId],
        title: `You now have the role "${input.roleCode}"`,
        body: `Your access request was approved${input.until ? `; the role is meant to be needed until ${input.until}` : ''}.`,
        dedupeKey: `${workflowId}:granted`,
      },
    ]);
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    const failures: string[] = [];
    await CancellationScope.nonCancellable(async () => {
      for (const c of compensations.reverse()) {
        try {
          await c.run();
        } catch (e) {
          failures.push(`${c.name}: ${(e as Error).message}`);
        }
      }
    });
    show('compensated', `❌ the user could not be told; the grant was ${failures.length ? 'NOT fully undone' : 'undone'}`);
    throw ApplicationFailure.nonRetryable(`The user could not be notified; the role grant was undone${failures.length ? ` (compensation failed: ${failures.join('; ')})` : ''}`, 'grant_compensated', {
      compensationFailures: failures,
    });
  }
  show(grant.granted ? 'granted' : 'already_held', grant.granted ? '✅ role granted, user told' : 'ℹ️ the user already held the role');
  return { status: grant.granted ? 'granted' : 'already_held', roleId: grant.roleId };
}
