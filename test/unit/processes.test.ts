/**
 * The process layer's pure parts, without a server: every process definition names a workflow
 * the worker really registers and reads back the ids it builds; the search attributes come out
 * in the one order the workflows have always upserted; start options and Update errors map once.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import * as workflows from '../../workflows';
import { AppError } from '../../common/errors';
import { executionStateOf, processStartOptions, scheduledStart, updateError } from '../../temporal/processes';
import { SA, processAttributes } from '../../workflows/search-attributes';
import type { ProcessDefinition } from '../../workflows/process';
import { PROVISIONING } from '../../workflows/provisioning/contract';
import { ONBOARDING, onboardingWorkflowId } from '../../workflows/onboarding/contract';
import { APPROVAL } from '../../workflows/approval/contract';
import { GRANT_ROLE_SAGA, grantRoleSagaWorkflowId } from '../../workflows/approval/grant-role-saga';
import { TODO_REMINDER } from '../../workflows/reminders/contract';
import { DAILY_DIGEST } from '../../workflows/digest/contract';
import { AUDIT_PURGE } from '../../workflows/maintenance/contract';
import { TENANT_DELETION, TENANT_ONBOARDING } from '../../workflows/tenants/contract';

const DEFINITIONS: Record<string, ProcessDefinition> = { PROVISIONING, ONBOARDING, APPROVAL, GRANT_ROLE_SAGA, TODO_REMINDER, DAILY_DIGEST, AUDIT_PURGE, TENANT_ONBOARDING, TENANT_DELETION };

describe('process definitions', () => {
  it.each(Object.entries(DEFINITIONS))('%s names a workflow the bundle exports', (_name, def) => {
    expect(typeof (workflows as Record<string, unknown>)[def.workflowType]).toBe('function');
  });

  it('have one SignoffProcess name each', () => {
    const names = Object.values(DEFINITIONS).map((d) => d.process);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each([
    [PROVISIONING, 'provision:acme:nina', 'nina'],
    [ONBOARDING, 'onboarding:acme:nina', 'nina'],
    [APPROVAL, 'approval:acme:0b7c4a1e-0000-4000-8000-000000000001', '0b7c4a1e-0000-4000-8000-000000000001'],
    [TODO_REMINDER, 'todo-reminder:acme:0b7c4a1e-0000-4000-8000-000000000002', '0b7c4a1e-0000-4000-8000-000000000002'],
    [GRANT_ROLE_SAGA, 'grant-role:acme:0b7c4a1e-0000-4000-8000-000000000003:2', '0b7c4a1e-0000-4000-8000-000000000003:2'],
  ])('%# builds `%s`-style ids from the business key and reads them back', (def, id, key) => {
    expect(def.workflowId('acme', key)).toBe(id);
    expect(def.parseWorkflowId(id)).toEqual({ tenantCode: 'acme', businessKey: key });
  });

  it('tenant processes are keyed by the tenant code alone', () => {
    expect(TENANT_ONBOARDING.workflowId('acme', 'acme')).toBe('tenant-onboarding:acme');
    expect(TENANT_ONBOARDING.parseWorkflowId('tenant-onboarding:acme')).toEqual({ tenantCode: 'acme', businessKey: 'acme' });
    expect(TENANT_DELETION.parseWorkflowId('tenant-deletion:acme-2')).toEqual({ tenantCode: 'acme-2', businessKey: 'acme-2' });
    expect(TENANT_ONBOARDING.parseWorkflowId('tenant-deletion:acme')).toBeNull();
    expect(TENANT_ONBOARDING.parseWorkflowId('onboarding:acme:nina')).toBeNull();
  });

  it("does not read another process's ids as its own", () => {
    expect(PROVISIONING.parseWorkflowId('onboarding:acme:nina')).toBeNull();
    expect(ONBOARDING.parseWorkflowId('provision:acme:nina')).toBeNull();
    expect(ONBOARDING.parseWorkflowId('onboarding:acme')).toBeNull();
    expect(APPROVAL.parseWorkflowId('approval-x:acme:1')).toBeNull();
  });

  it('keeps the id helpers the workflows and tests use', () => {
    expect(onboardingWorkflowId('acme', 'nina')).toBe('onboarding:acme:nina');
    expect(grantRoleSagaWorkflowId('acme', 'req', 0)).toBe('grant-role:acme:req:0');
    expect(DAILY_DIGEST.workflowId('acme', 'acme')).toBe('digest:acme');
    expect(DAILY_DIGEST.parseWorkflowId('digest:acme-2026-01-02T08:00:00Z')).toEqual({ tenantCode: 'acme', businessKey: 'acme' });
    expect(AUDIT_PURGE.workflowId('', '')).toBe('audit-purge');
  });
});

describe('processAttributes', () => {
  const names = (pairs: ReturnType<typeof processAttributes>) => pairs.map((p) => `${p.key.name}=${String(p.value)}`);

  it('lists tenant, process, business key, template, initiator, status, serial number, in that order', () => {
    expect(names(processAttributes({ serialNumber: 'LEAVE-0001', status: 'running', initiator: 'u1', template: 'leave', businessKey: 'i1', process: 'approval', tenant: 'acme' }))).toEqual([
      'SignoffTenant=acme',
      'SignoffProcess=approval',
      'SignoffBusinessKey=i1',
      'SignoffTemplate=leave',
      'SignoffInitiator=u1',
      'SignoffStatus=running',
      'SignoffSerialNumber=LEAVE-0001',
    ]);
  });

  it('leaves out what a process does not have (the grant-role saga tags itself with three)', () => {
    expect(names(processAttributes({ tenant: 'acme', process: 'grant-role', businessKey: 'r1' }))).toEqual(['SignoffTenant=acme', 'SignoffProcess=grant-role', 'SignoffBusinessKey=r1']);
    expect(names(processAttributes({ process: 'audit-purge' }))).toEqual(['SignoffProcess=audit-purge']);
  });
});

describe('start options', () => {
  const start = {
    tenantCode: 'acme',
    businessKey: 'nina',
    taskQueue: 'q',
    args: [{}] as never,
    initiator: 'hr-1',
    status: 'running',
    summary: 'Provision nina',
    memo: { departmentId: 'd1' },
  };

  it('come from the definition: id, type policies, search attributes, summary', () => {
    const o = processStartOptions(PROVISIONING, start);
    expect(o).toMatchObject({
      workflowId: 'provision:acme:nina',
      taskQueue: 'q',
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      staticSummary: 'Provision nina',
      memo: { departmentId: 'd1' },
    });
    expect(o.typedSearchAttributes).toEqual(processAttributes({ tenant: 'acme', process: 'provisioning', businessKey: 'nina', initiator: 'hr-1', status: 'running' }));
    expect(processStartOptions(PROVISIONING, { ...start, conflict: 'FAIL', reuse: 'REJECT_DUPLICATE' })).toMatchObject({ workflowIdConflictPolicy: 'FAIL', workflowIdReusePolicy: 'REJECT_DUPLICATE' });
  });

  it('make a schedule action with the same id and attributes, and none for a platform job', () => {
    const digest = scheduledStart(DAILY_DIGEST, { tenantCode: 'acme', businessKey: 'acme', taskQueue: 'q', args: [{ tenantId: 't', tenantCode: 'acme' }], summary: 'Daily digest' });
    expect(digest).toMatchObject({ type: 'startWorkflow', workflowType: 'dailyDigestWorkflow', workflowId: 'digest:acme', staticSummary: 'Daily digest' });
    expect(digest.typedSearchAttributes).toEqual(processAttributes({ tenant: 'acme', process: 'digest', businessKey: 'acme' }));
    const purge = scheduledStart(AUDIT_PURGE, { tenantCode: '', businessKey: '', taskQueue: 'q', args: [], summary: 'Purge' });
    expect(purge.typedSearchAttributes).toEqual([{ key: SA.process, value: 'audit-purge' }]);
  });
});

describe('Update errors', () => {
  const failed = (cause: Error) => new WorkflowUpdateFailedError('Workflow Update failed', cause);

  it('a refusal has the failure type as code when catalogued (else update_rejected), unless the caller maps it', () => {
    const e = updateError(ONBOARDING, failed(ApplicationFailure.create({ message: 'Say why', type: 'ReasonRequired' }))) as AppError;
    expect([e.status, e.code, e.message]).toEqual([422, 'reason_required', 'Say why']);
    const conflict = updateError(ONBOARDING, failed(ApplicationFailure.create({ message: 'Done', type: 'TaskNotOpen' }))) as AppError;
    expect([conflict.status, conflict.code]).toEqual([409, 'task_not_open']);
    const unknown = updateError(ONBOARDING, failed(ApplicationFailure.create({ message: 'No item', type: 'ItemMissing' }))) as AppError;
    expect([unknown.status, unknown.code, unknown.message]).toEqual([422, 'update_rejected', 'No item']);
    expect((updateError(ONBOARDING, failed(new Error('plain'))) as AppError).code).toBe('update_rejected');
    const mapped = updateError(ONBOARDING, failed(new Error('x')), { rejected: () => new AppError(404, 'invalid_activation_token', 'no') }) as AppError;
    expect(mapped.code).toBe('invalid_activation_token');
  });

  it('a closed run is 409 `<resource>_closed`, unless the caller maps it', () => {
    const gone = new WorkflowNotFoundError('workflow execution already completed', 'onboarding:acme:nina', undefined);
    expect((updateError(ONBOARDING, gone) as AppError).code).toBe('onboarding_closed');
    expect((updateError(APPROVAL, gone, { closed: () => new AppError(409, 'instance_finished', 'done') }) as AppError).code).toBe('instance_finished');
  });

  it('anything else passes through', () => {
    const other = new Error('network');
    expect(updateError(ONBOARDING, other)).toBe(other);
  });
});

it('execution states spell Temporal statuses the API way', () => {
  expect(executionStateOf({ name: 'TIMED_OUT' })).toBe('timed_out');
  expect(executionStateOf({ name: 'CONTINUED_AS_NEW' })).toBe('continued_as_new');
  expect(executionStateOf({ name: 'PAUSED' })).toBe('unknown');
});
