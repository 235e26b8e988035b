/**
 * User provisioning as a service: check the input, start the saga, follow it.
 *
 * The workflow id is the business key `provision:<tenant>:<username>` (PROVISIONING in the
 * contract): a retried request while the saga runs gets the same run back, one after it
 * completed is refused (409), one after it was compensated starts afresh.
 *
 * Reading a provisioning needs `user:provision` or `user:read`, and, like reading a user, the
 * caller's data scope must cover the department the user is provisioned into (or they started
 * it). Outside it, the answer is the same 404 as for an id that does not exist.
 */
import type { Runtime } from '../runtime';
import { can, type Actor } from '../../common/actor';
import { ConflictError, ForbiddenError, NotFoundError } from '../../common/errors';
import { PERMISSIONS } from '../permission/catalog';
import { locateProcess, readProcess, startProcess, type LocatedProcess } from '../../temporal/processes';
import {
  FAILURE_COMPENSATED,
  PROVISIONING,
  progressQuery,
  type CompensationRecord,
  type ProvisioningProgress,
  type ProvisioningResult,
  type ProvisionUserInput,
} from '../../workflows/provisioning/contract';
import type { provisionUserWorkflow } from '../../workflows/provisioning/workflow';
import { precheckProvisioning } from './activities';
import type { ProvisioningStatusView, ProvisionRequest } from './provisioning.schema';

/** Kept with the run (memo) so a read can be checked against the reader's data scope. */
interface ProvisioningMemo {
  departmentId?: string | null;
}

export class ProvisioningService {
  constructor(private readonly rt: Runtime) {}

  async start(actor: Actor, body: ProvisionRequest): Promise<{ workflowId: string; runId: string }> {
    const { sendWelcomeEmail, password: _never, ...user } = body;
    const tenant = await this.rt.services.tenants.current(actor);
    // Bad input is answered now, before anything durable exists.
    await precheckProvisioning(this.rt, actor, user, PROVISIONING.workflowId(tenant.code, user.username));

    const input: ProvisionUserInput = { ...user, tenantId: actor.tenantId, tenantCode: tenant.code, requestedBy: actor.userId, sendWelcomeEmail };
    const memo: ProvisioningMemo = { departmentId: user.departmentId ?? null };
    const started = await startProcess(
      await this.rt.temporal(),
      PROVISIONING,
      {
        tenantCode: tenant.code,
        businessKey: user.username,
        taskQueue: this.rt.config.TEMPORAL_TASK_QUEUE,
        args: [input],
        initiator: actor.userId,
        status: 'running',
        memo: { ...memo },
        summary: `Provision ${user.username} in ${tenant.code}`,
        details: `Requested by user \`${actor.userId}\`; welcome email: ${sendWelcomeEmail ? 'yes' : 'no'}`,
      },
      {
        onAlreadyStarted: (workflowId) => new ConflictError('already_provisioned', `${user.username} has already been provisioned in this tenant`, { workflowId }),
      },
    );
    return { workflowId: started.workflowId, runId: started.runId! };
  }

  async status(actor: Actor, workflowId: string): Promise<ProvisioningStatusView> {
    // Two permissions qualify, so the check is here rather than on the route; it comes before anything about the id.
    if (!can(actor, PERMISSIONS.userProvision) && !can(actor, PERMISSIONS.userRead)) {
      throw new ForbiddenError('permission_denied', `This needs the permission ${PERMISSIONS.userProvision} or ${PERMISSIONS.userRead}`);
    }
    const tenant = await this.rt.services.tenants.current(actor);
    const client = await this.rt.temporal();
    const located = await locateProcess(client, PROVISIONING, tenant.code, workflowId);
    if (!(await this.inScope(actor, located))) throw new NotFoundError(PROVISIONING.resource, workflowId);

    const r = await readProcess(client, located, progressQuery);
    const base = { workflowId, runId: r.runId, startedAt: r.startedAt, closedAt: r.closedAt, progress: null, result: null, compensation: null, error: null };
    if (r.execution === 'running') return { ...base, status: 'running', progress: r.live };
    if (r.execution === 'completed' && r.result) return { ...base, status: 'completed', result: r.result, progress: progressOfResult(r.result) };
    // Failed, terminated, timed out or cancelled: a compensated run carries its record in the failure details.
    const failure = r.failure;
    if (failure?.details?.length) {
      const record = failure.details[0] as CompensationRecord;
      const compensated = failure.type === FAILURE_COMPENSATED;
      return {
        ...base,
        status: compensated ? 'compensated' : 'failed',
        compensation: record,
        error: { message: failure.message, type: failure.type ?? null },
        progress: {
          status: compensated ? 'compensated' : 'compensation_failed',
          currentStep: null,
          stepsDone: record.stepsDone,
          stepsSkipped: [],
          userId: record.userId,
          failedStep: record.failedStep,
          error: record.error.message,
          compensations: record.compensations,
        },
      };
    }
    return { ...base, status: 'failed', error: { message: r.error ?? 'The provisioning did not complete', type: failure?.type ?? null } };
  }

  /** The starter, or a data scope that covers the department the user is provisioned into. */
  private async inScope(actor: Actor, located: LocatedProcess<typeof provisionUserWorkflow>): Promise<boolean> {
    if (located.initiator === actor.userId) return true;
    const scope = await this.rt.services.permissions.dataScopeFor(actor);
    if (scope.all) return true;
    // Runs started without the memo (by the onboarding, or before it existed) are for the whole-tenant scope only.
    const departmentId = (located.description.memo as ProvisioningMemo | undefined)?.departmentId;
    return !!departmentId && scope.departmentIds.includes(departmentId);
  }
}

const progressOfResult = (r: ProvisioningResult): ProvisioningProgress => ({
  status: 'completed',
  currentStep: null,
  stepsDone: r.stepsDone,
  stepsSkipped: r.stepsSkipped,
  userId: r.userId,
  failedStep: null,
  error: null,
  compensations: [],
});
