import { TENANT_DELETION, TENANT_ONBOARDING } from '../../../workflows/tenants/contract';
import { ConnectionException, UniqueConstraintViolationException } from '@mikro-orm/core';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ERROR_CODES, PROCESS_RESOURCES, errorCodeViews, isErrorCode, knownErrorCode } from '../../../common/error-codes';
import { AppError } from '../../../common/errors';
import { toProblem } from '../../../api/middleware/errors';
import { REJECTIONS, type RejectionCode } from '../../../workflows/approval/contract';
import { refusalOf } from '../../../activities/approval/instances/service';
import { PROVISIONING } from '../../../workflows/provisioning/contract';
import { ONBOARDING } from '../../../workflows/onboarding/contract';
import { APPROVAL } from '../../../workflows/approval/contract';
import { GRANT_ROLE_SAGA } from '../../../workflows/approval/grant-role-saga';
import { TODO_REMINDER } from '../../../workflows/reminders/contract';
import { DAILY_DIGEST } from '../../../workflows/digest/contract';
import { AUDIT_PURGE } from '../../../workflows/maintenance/contract';
import { RECONCILE } from '../../../workflows/maintenance/reconcile-contract';

const statusesOf = (code: string) => {
  expect(isErrorCode(code)).toBe(true);
  const e: { status: number; alsoStatus?: readonly number[] } = ERROR_CODES[code as keyof typeof ERROR_CODES];
  return [e.status, ...(e.alsoStatus ?? [])];
};

describe('error catalogue', () => {
  it('describes every code in one sentence with an error status', () => {
    for (const e of errorCodeViews()) {
      expect(e.code).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(e.status).toBeGreaterThanOrEqual(400);
      expect(e.status).toBeLessThan(600);
      expect(e.description).toMatch(/^[A-Z`].{10,}\.$/);
    }
  });

  it('holds every Update rejection of the approval workflow with the status the API answers', () => {
    const rejected = (code: RejectionCode) => refusalOf(new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.create({ message: 'no', type: code, nonRetryable: true }))) as AppError;
    for (const code of Object.keys(REJECTIONS) as RejectionCode[]) {
      const expected = code === 'task_not_found' ? 404 : REJECTIONS[code] === 'conflict' ? 409 : 422;
      expect([code, ERROR_CODES[code].status]).toEqual([code, expected]);
      const err = rejected(code);
      expect([err.code, err.status]).toEqual([code, expected]);
    }
  });

  it('holds the codes of every process definition', () => {
    const defs = [PROVISIONING, ONBOARDING, APPROVAL, GRANT_ROLE_SAGA, TODO_REMINDER, DAILY_DIGEST, AUDIT_PURGE, RECONCILE, TENANT_ONBOARDING, TENANT_DELETION];
    expect(new Set(defs.map((d) => d.resource))).toEqual(new Set(Object.keys(PROCESS_RESOURCES)));
    for (const def of defs) {
      expect(Object.keys(PROCESS_RESOURCES)).toContain(def.resource);
      for (const [suffix, status] of [['not_found', 404], ['exists', 409], ['closed', 409]] as const) expect(statusesOf(`${def.resource}_${suffix}`)).toEqual([status]);
    }
  });

  it('a run-time code is kept only when catalogued', () => {
    expect(knownErrorCode('task_not_open', 'update_rejected')).toBe('task_not_open');
    expect(knownErrorCode('item_missing', 'update_rejected')).toBe('update_rejected');
    expect(knownErrorCode('toString', 'update_rejected')).toBe('update_rejected');
    expect(knownErrorCode(undefined, 'update_rejected')).toBe('update_rejected');
  });

  it("every problem the error middleware makes has a catalogued code and the catalogue's status", () => {
    const updateFailed = (type?: string) => new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.create({ message: 'no', type }));
    const http = (status: number, extra: Record<string, unknown> = {}) => Object.assign(new Error('x'), { status, expose: true, ...extra });
    const cases: [unknown, string][] = [
      [new AppError(404, 'route_not_found', 'No route'), 'route_not_found'],
      [new ConnectionException(new Error('ECONNREFUSED')), 'dependency_unavailable'],
      [Object.assign(new Error('x'), { name: 'MaxRetriesPerRequestError' }), 'dependency_unavailable'],
      [new UniqueConstraintViolationException(new Error('dup')), 'duplicate'],
      [new WorkflowNotFoundError('gone', 'w', undefined), 'workflow_not_found'],
      [new WorkflowExecutionAlreadyStartedError('taken', 'w', 't'), 'workflow_already_started'],
      [updateFailed('ReasonRequired'), 'reason_required'],
      [updateFailed('TaskNotOpen'), 'task_not_open'],
      [updateFailed('ItemMissing'), 'update_rejected'],
      [updateFailed(undefined), 'update_rejected'],
      [http(413), 'payload_too_large'],
      [http(415), 'unsupported_media_type'],
      [http(400, { type: 'entity.parse.failed' }), 'malformed_json'],
      [http(400), 'bad_request'],
      [new Error('boom'), 'internal_error'],
    ];
    for (const [err, code] of cases) {
      const p = toProblem(err);
      expect(p.code).toBe(code);
      expect(statusesOf(p.code)).toContain(p.status);
      expect(p.type).toBe(`https://signoff.dev/problems/${code}`);
    }
    // A catalogued failure type keeps the catalogue's status, not a blanket 422.
    expect(toProblem(updateFailed('TaskNotOpen')).status).toBe(409);
  });
});
