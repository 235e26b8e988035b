/**
 * Roles given by approval templates (issue 8, item 2), through the real API, worker, Temporal
 * and MariaDB:
 *  - a publisher who may not give a role cannot publish a template that gives it as a constant
 *    (a grantRole step or a role-grant hook): 403, and no version is written;
 *  - a role taken from the form is given only if someone who approved may give it; otherwise
 *    the step fails with the reason on the timeline and the role is not given.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { parseCodecKeys } from '../../common/config';
import { createDataConverter } from '../../temporal/data-converter';
import { ApprovalTemplate, ApprovalTemplateVersion, UserRole } from '../../db/entities';
import { tokenFor } from '../harness/harness';
import { exportHistory, itReplaysCommittedHistory, recordingIt } from '../harness/replay';
import { act, approval, openTaskOf, publish, startRuntimeEnv, submit, until, type RuntimeEnv } from '../approval-runtime/helpers';

describe('grantRole attacks', () => {
  let env: RuntimeEnv;
  let publisher: string;
  beforeAll(async () => {
    env = await startRuntimeEnv();
    // A template administrator: may write and publish templates, may not give roles.
    const role = await env.api.post('/api/v1/roles', { code: 'tpl_admin', name: 'Template admin', dataScope: 'all', permissions: ['template:read', 'template:write', 'template:publish'] }, env.tokens.admin);
    expect(role.status).toBe(201);
    expect((await env.api.put(`/api/v1/users/${env.id('carol')}/roles`, { roleIds: [role.body.id] }, env.tokens.admin)).status).toBe(200);
    publisher = await tokenFor(env.rt, env.t.users.carol);
  });
  afterAll(async () => {
    await env?.close();
  });

  const template = (extra: Record<string, unknown>) => ({
    key: `t${randomUUID().slice(0, 8)}`,
    name: 'Self-service',
    category: 'general',
    formSchema: { fields: [{ id: 'amount', label: 'Amount', type: 'number', required: true }] },
    flow: [approval('one', [env.id('pete')])],
    ...extra,
  });

  it('a template publisher cannot publish a constant tenant_admin grant (step or hook); no version is written', async () => {
    const bodies = [
      template({ flow: [approval('one', [env.id('pete')]), { kind: 'action', id: 'grant', name: 'Make admin', action: 'grantRole', args: { roleCode: { const: 'tenant_admin' } } }] }),
      template({ hooks: { onApproved: [{ kind: 'childWorkflow', workflowType: 'grantRoleSaga', input: { roleCode: { const: 'tenant_admin' } } }], onRejected: [] } }),
    ];
    for (const body of bodies) {
      const created = await env.api.post('/api/v1/approval-templates', body, publisher);
      expect(created.status).toBe(201);
      const res = await env.api.post(`/api/v1/approval-templates/${created.body.id}/publish`, undefined, publisher);
      expect([res.status, res.body.code]).toEqual([403, 'permission_denied']);
      expect(res.body.detail).toContain('tenant_admin');
      const row = await env.rt.orm.em.fork().findOneOrFail(ApprovalTemplate, { id: created.body.id });
      expect(row.latestVersion).toBe(0);
      expect(await env.rt.orm.em.fork().count(ApprovalTemplateVersion, { templateId: created.body.id })).toBe(0);
    }
  });

  it('a role from the form is refused when nobody who approved may give it: the step stalls with the reason, alice stays as she was', async () => {
    const key = await publish(env, [approval('one', [env.id('pete')]), { kind: 'action', id: 'grant', name: 'Grant the role', action: 'grantRole', args: { roleCode: { ref: 'form.note' } } } as never]);
    const before = await env.rt.orm.em.fork().count(UserRole, { tenantId: env.t.tenantId, userId: env.id('alice') });
    const id = await submit(env, key, { amount: 1, note: 'tenant_admin' });
    const d = await until(env, id, (x) => x.tasks.some((t: any) => t.status === 'open'));
    // pete (a manager) approves, but cannot give tenant_admin.
    await act(env, 'pete', id, openTaskOf(d, env.id('pete')), 'approve');
    const done = await until(env, id, (x) => x.status !== 'running');
    expect(done.status).toBe('stalled');
    const failed = done.timeline.find((e: any) => e.type === 'step_stalled');
    expect(JSON.stringify(failed.data)).toContain('nobody who approved this request may give the role tenant_admin');
    expect(await env.rt.orm.em.fork().count(UserRole, { tenantId: env.t.tenantId, userId: env.id('alice') })).toBe(before);
  });
});

/**
 * Replay: the refused form-role grant above, recorded with the patch
 * `approval-grant-role-checks-approvers` (the approvers are passed to the grant). Histories
 * recorded before it (test/approval-runtime/histories/approval-system-steps.json) replay the
 * unchecked way. Recorded encrypted under a committed test-only key, like every history now.
 *
 * Regenerate: RECORD_HISTORIES=1 TEST_DB_NAME=signoff_test_priv npx jest test/security/grant-role -t 'records'
 */
const CHECKED_HISTORY = join(__dirname, 'histories', 'approval-grant-role-checked.json');
const FIXTURE_KEY = 'grant-fixture:vyGzWIUGYtHksR2KbSW/v8gKUcYk+Gau1MjExRlJSDg=';
const fixtureConverter = () => createDataConverter(parseCodecKeys(FIXTURE_KEY).keyring!);

describe('grantRole replay: a form role checked against the approvers', () => {
  recordingIt('records a refused form role grant', async () => {
    const env = await startRuntimeEnv({ TEMPORAL_CODEC_KEYS: `${process.env.TEMPORAL_CODEC_KEYS},${FIXTURE_KEY}`, TEMPORAL_CODEC_CURRENT_KEY: 'grant-fixture' });
    try {
      const key = await publish(env, [approval('one', [env.id('pete')]), { kind: 'action', id: 'grant', name: 'Grant the role', action: 'grantRole', args: { roleCode: { ref: 'form.note' } } } as never]);
      const id = await submit(env, key, { amount: 1, note: 'tenant_admin' });
      const d = await until(env, id, (x) => x.tasks.some((t: any) => t.status === 'open'));
      await act(env, 'pete', id, openTaskOf(d, env.id('pete')), 'approve');
      const done = await until(env, id, (x) => x.status !== 'running');
      expect(done.status).toBe('failed');
      exportHistory(env.rt.config, done.workflowId, undefined, CHECKED_HISTORY);
    } finally {
      await env.close();
    }
  });

  itReplaysCommittedHistory(CHECKED_HISTORY, { dataConverter: fixtureConverter() });
});
