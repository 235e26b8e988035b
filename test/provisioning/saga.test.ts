/**
 * The provisioning saga end to end: HTTP API → Temporal dev server → worker → MariaDB/Redis →
 * SMTP listener. Faults are injected per workflow id around the real activities.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Runtime } from '../../activities/runtime';
import { SA } from '../../workflows/search-attributes';
import { provisioningWorkflowId, type ProvisionUserInput } from '../../workflows/provisioning/contract';
import { User, UserRole } from '../../db/entities';
import { createTenant, createTestRuntime, inContext, startTestApi, startTestWorker, tokenFor, uniqueCode, type TenantFixture, type TestApi, type TestWorker } from '../harness/harness';
import { startSmtpListener, type SmtpListener } from '../harness/smtp';
import { eventually, FaultPlan, footprint, waitForOutcome } from './fixtures';

describe('user provisioning saga', () => {
  let rt: Runtime;
  let api: TestApi;
  let worker: TestWorker;
  let smtp: SmtpListener;
  let client: Client;
  let t: TenantFixture;
  let admin: string;
  const faults = new FaultPlan();

  beforeAll(async () => {
    smtp = await startSmtpListener();
    const taskQueue = uniqueCode('tq-prov-');
    // The API starts workflows on TEMPORAL_TASK_QUEUE; the test worker polls the same queue.
    rt = await createTestRuntime({ TEMPORAL_TASK_QUEUE: taskQueue, ...smtp.env });
    api = await startTestApi(rt);
    worker = await startTestWorker(rt, taskQueue, { wrapActivities: faults.wrap });
    client = await rt.temporal();
    t = await createTenant(rt);
    admin = await tokenFor(rt, t.users.admin);
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.close();
    await rt?.close();
    await smtp?.close();
  });

  const wfId = (username: string) => provisioningWorkflowId(t.tenantCode, username);
  const body = (username: string, extra: Record<string, unknown> = {}) => ({
    username,
    email: `${username}@example.test`,
    displayName: `User ${username}`,
    departmentId: t.departments.platform.id,
    positionId: t.positions.engineer.id,
    roleIds: [t.roles.employee.id, t.roles.manager.id],
    ...extra,
  });
  const provision = (username: string, extra?: Record<string, unknown>, token = admin) => api.post('/api/v1/provisioning', body(username, extra), token);
  const mailsTo = (address: string) => smtp.messages.filter((m) => m.to.includes(address));
  const expectNoWorkflow = (workflowId: string) => expect(client.workflow.getHandle(workflowId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);

  /** Nothing of the provisioning is left in the database. */
  async function expectClean(username: string) {
    const fp = await footprint(rt, t.tenantId, username, wfId(username));
    expect(fp.user).toBeNull();
    expect(fp.grantedByRun).toBe(0);
    expect(fp.messages).toHaveLength(0);
    expect(fp.mail.filter((m) => m.status === 'sent')).toHaveLength(0);
  }

  it('provisions a user end to end: user, roles, message, one email, search attributes', async () => {
    const username = uniqueCode('ann');
    const res = await provision(username);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ workflowId: wfId(username), runId: expect.any(String), statusUrl: `/api/v1/provisioning/${encodeURIComponent(wfId(username))}` });
    expect(res.headers.get('location')).toBe(res.body.statusUrl);

    const outcome = await waitForOutcome(api, admin, res.body.statusUrl);
    expect(outcome).toMatchObject({
      workflowId: wfId(username),
      runId: res.body.runId,
      status: 'completed',
      closedAt: expect.any(String),
      compensation: null,
      error: null,
      result: {
        username,
        stepsDone: ['create_user', 'assign_roles', 'welcome_message', 'welcome_email'],
        stepsSkipped: [],
        rolesGranted: expect.arrayContaining([t.roles.employee.id, t.roles.manager.id]),
      },
      progress: { status: 'completed', stepsDone: ['create_user', 'assign_roles', 'welcome_message', 'welcome_email'] },
    });

    const fp = await footprint(rt, t.tenantId, username, wfId(username));
    expect(fp.user).toMatchObject({ id: outcome.result.userId, provisionedBy: wfId(username), departmentId: t.departments.platform.id, positionId: t.positions.engineer.id });
    expect(fp.roleLinks.map((l) => l.roleId).sort()).toEqual([t.roles.employee.id, t.roles.manager.id].sort());
    expect(fp.roleLinks.every((l) => l.grantedBy === wfId(username))).toBe(true);
    expect(fp.messages).toHaveLength(1);
    expect(fp.messages[0]).toMatchObject({ id: outcome.result.welcomeMessageId, userId: outcome.result.userId, category: 'welcome' });
    expect(fp.mail).toHaveLength(1);
    expect(fp.mail[0]).toMatchObject({ id: outcome.result.welcomeEmailDeliveryId, status: 'sent', attempts: 1 });

    const mails = mailsTo(`${username}@example.test`);
    expect(mails).toHaveLength(1);
    expect(mails[0].messageId).toBe(`<${fp.mail[0].id}@signoff>`);
    expect(mails[0].subject).toBe(`Your Tenant ${t.tenantCode} account is ready`);
    expect(mails[0].text).toContain(`Username: ${username}`);

    // The roles work: the new user's permissions come from them.
    const perms = await inContext(rt, () => rt.services.permissions.effectivePermissions(t.tenantId, outcome.result.userId));
    expect(perms).toContain('approval:view-all');

    // Ops can find it in Temporal by tenant and process (visibility is eventually consistent).
    const query = `SignoffTenant = '${t.tenantCode}' AND SignoffProcess = 'provisioning' AND SignoffStatus = 'completed'`;
    const listed = await eventually(async () => {
      for await (const wf of client.workflow.list({ query })) if (wf.workflowId === wfId(username)) return wf;
      return undefined;
    }, 15_000, 'workflow visible by search attributes');
    expect(listed.typedSearchAttributes.get(SA.businessKey)).toBe(username);
    expect(listed.typedSearchAttributes.get(SA.initiator)).toBe(t.users.admin.id);
    const desc = await client.workflow.getHandle(wfId(username)).describe();
    expect(await desc.staticSummary()).toBe(`Provision ${username} in ${t.tenantCode}`);
  });

  it('reports live progress and UI details while a step runs', async () => {
    const username = uniqueCode('bob');
    const gate = faults.block(wfId(username), 'sendWelcomeEmail');
    const res = await provision(username);
    expect(res.status).toBe(202);
    await gate.reached;

    const running = await api.get(res.body.statusUrl, admin);
    expect(running.status).toBe(200);
    expect(running.body).toMatchObject({
      status: 'running',
      closedAt: null,
      result: null,
      progress: { status: 'running', currentStep: 'welcome_email', stepsDone: ['create_user', 'assign_roles', 'welcome_message'], compensations: [] },
    });
    const meta = (await client.workflow.getHandle(wfId(username)).query('__temporal_workflow_metadata')) as { currentDetails?: string };
    expect(meta.currentDetails).toContain('✅ Assign roles');
    expect(meta.currentDetails).toContain('⏳ Send the welcome email');

    gate.release();
    expect((await waitForOutcome(api, admin, res.body.statusUrl)).status).toBe('completed');
  });

  it('returns the same workflow for a repeated POST and provisions once; after completion it answers 409', async () => {
    const username = uniqueCode('cat');
    const [a, b] = await Promise.all([provision(username), provision(username)]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(b.body.workflowId).toBe(a.body.workflowId);
    expect(b.body.runId).toBe(a.body.runId);
    // A retry while it runs (the user may already exist, created by this very workflow).
    const c = await provision(username);
    if (c.status === 202) expect(c.body.runId).toBe(a.body.runId);
    else expect(c.body.code).toBe('already_provisioned');

    expect((await waitForOutcome(api, admin, a.body.statusUrl)).status).toBe('completed');
    expect(await rt.orm.em.fork().count(User, { tenantId: t.tenantId, username })).toBe(1);
    expect(mailsTo(`${username}@example.test`)).toHaveLength(1);
    expect(faults.callsOf(wfId(username), 'createProvisionedUser')).toBe(1);

    const again = await provision(username);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'already_provisioned', workflowId: wfId(username) });
  });

  it('answers bad input with 422 (field paths) before any workflow starts', async () => {
    const username = uniqueCode('dan');
    const bad = await api.post('/api/v1/provisioning', { username, email: 'not-an-email', displayName: '', password: 'Secret-password-1' }, admin);
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.displayName', 'body.email', 'body.password']);

    // Well-formed, but the role belongs to another tenant and the department does not exist.
    const other = await createTenant(rt);
    const refs = await provision(username, { roleIds: [t.roles.employee.id, other.roles.employee.id], departmentId: other.departments.head.id });
    expect(refs.status).toBe(422);
    expect(refs.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.departmentId', 'body.roleIds.1']);
    await expectNoWorkflow(wfId(username));
    await expectClean(username);
  });

  it('answers a taken username or email with 409 without starting a workflow', async () => {
    const taken = await provision('alice');
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('username_taken');
    await expectNoWorkflow(wfId('alice'));

    const username = uniqueCode('eve');
    const email = await provision(username, { email: 'alice@acme.example' });
    expect(email.status).toBe(409);
    expect(email.body.code).toBe('email_taken');
    await expectNoWorkflow(wfId(username));
  });

  it('needs user:provision to start, and user:provision or user:read to look', async () => {
    const employee = await tokenFor(rt, t.users.alice);
    const denied = await provision(uniqueCode('fay'), {}, employee);
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('permission_denied');

    const hr = await tokenFor(rt, t.users.harry);
    const username = uniqueCode('fay');
    const res = await provision(username, { roleIds: [] }, hr);
    expect(res.status).toBe(202);
    expect((await waitForOutcome(api, hr, res.body.statusUrl)).status).toBe('completed');
    expect((await api.get(res.body.statusUrl, employee)).status).toBe(403);
  });

  it('keeps the status endpoint tenant-isolated: another tenant gets 404', async () => {
    const username = uniqueCode('gus');
    const res = await provision(username, { sendWelcomeEmail: false });
    await waitForOutcome(api, admin, res.body.statusUrl);

    const other = await createTenant(rt);
    const outsider = await tokenFor(rt, other.users.admin);
    const peek = await api.get(res.body.statusUrl, outsider);
    expect(peek.status).toBe(404);
    expect(peek.body.code).toBe('provisioning_not_found');
    expect(JSON.stringify(peek.body)).not.toContain(username + '@');

    // Own tenant: unknown or malformed ids are 404 as well.
    expect((await api.get(`/api/v1/provisioning/${encodeURIComponent(wfId('nobody-here'))}`, admin)).status).toBe(404);
    expect((await api.get('/api/v1/provisioning/not-a-provisioning-id', admin)).status).toBe(404);
  });

  describe('a failure in each step is compensated newest-first', () => {
    it.each([
      ['createProvisionedUser', 'create_user', []],
      ['assignProvisionedRoles', 'assign_roles', ['deleteProvisionedUser']],
      ['createWelcomeMessage', 'welcome_message', ['revokeProvisionedRoles', 'deleteProvisionedUser']],
      ['sendWelcomeEmail', 'welcome_email', ['deleteWelcomeMessage', 'revokeProvisionedRoles', 'deleteProvisionedUser']],
    ] as const)('%s fails → %s is the failed step, undone: %j', async (activity, failedStep, undone) => {
      const username = uniqueCode('hal');
      faults.fail(wfId(username), activity, `boom in ${activity}`);
      const res = await provision(username);
      expect(res.status).toBe(202);

      const outcome = await waitForOutcome(api, admin, res.body.statusUrl);
      expect(outcome.status).toBe('compensated');
      expect(outcome.result).toBeNull();
      expect(outcome.compensation).toEqual({
        failedStep,
        userId: failedStep === 'create_user' ? null : expect.any(String),
        error: { message: `boom in ${activity}`, type: 'InjectedFault' },
        stepsDone: ['create_user', 'assign_roles', 'welcome_message', 'welcome_email'].slice(0, undone.length),
        compensations: undone.map((a) => ({ step: expect.any(String), activity: a, status: 'done' })),
      });
      expect(outcome.error.type).toBe('ProvisioningCompensated');
      await expectClean(username);
      expect(mailsTo(`${username}@example.test`)).toHaveLength(0);
    });

    it('cleans up even when a step did its work and then reported failure', async () => {
      const username = uniqueCode('ida');
      // Roles granted, then the reply is a failure: no revoke is registered for this step, but
      // deleting the provisioned user removes every link it has.
      faults.failAfter(wfId(username), 'assignProvisionedRoles');
      const res = await provision(username);
      const outcome = await waitForOutcome(api, admin, res.body.statusUrl);
      expect(outcome.status).toBe('compensated');
      expect(outcome.compensation.compensations).toEqual([{ step: 'create_user', activity: 'deleteProvisionedUser', status: 'done' }]);
      await expectClean(username);
      expect(await rt.orm.em.fork().count(UserRole, { tenantId: t.tenantId, grantedBy: wfId(username) })).toBe(0);
    });

    it('records a compensation that fails instead of swallowing it, and still runs the others', async () => {
      const username = uniqueCode('jon');
      faults.fail(wfId(username), 'createWelcomeMessage', 'message store down');
      faults.fail(wfId(username), 'deleteProvisionedUser', 'cannot delete the user');
      const res = await provision(username);
      const outcome = await waitForOutcome(api, admin, res.body.statusUrl);
      expect(outcome.status).toBe('failed');
      expect(outcome.error.type).toBe('ProvisioningCompensationFailed');
      expect(outcome.compensation.compensations).toEqual([
        { step: 'assign_roles', activity: 'revokeProvisionedRoles', status: 'done' },
        { step: 'create_user', activity: 'deleteProvisionedUser', status: 'failed', error: 'cannot delete the user' },
      ]);
      // Exactly what the record says: roles revoked, the user is still there.
      const fp = await footprint(rt, t.tenantId, username, wfId(username));
      expect(fp.user?.id).toBe(outcome.compensation.userId);
      expect(fp.grantedByRun).toBe(0);
      expect(fp.messages).toHaveLength(0);
    });

    it('lets a compensated provisioning be requested again, as a new run', async () => {
      const username = uniqueCode('kim');
      faults.fail(wfId(username), 'createWelcomeMessage');
      const first = await provision(username);
      expect((await waitForOutcome(api, admin, first.body.statusUrl)).status).toBe('compensated');

      faults.clear(wfId(username), 'createWelcomeMessage');
      const second = await provision(username);
      expect(second.status).toBe(202);
      expect(second.body.runId).not.toBe(first.body.runId);
      expect((await waitForOutcome(api, admin, second.body.statusUrl)).status).toBe('completed');
      expect(mailsTo(`${username}@example.test`)).toHaveLength(1);
    });
  });

  it('fails with UsernameTaken and leaves an existing user alone when the name is taken after the check', async () => {
    // Skip the API's pre-check (as if the user was created between the check and the activity).
    const workflowId = wfId('alice');
    const input: ProvisionUserInput = {
      username: 'alice',
      email: 'alice-2@example.test',
      displayName: 'Another Alice',
      roleIds: [t.roles.tenant_admin.id],
      tenantId: t.tenantId,
      tenantCode: t.tenantCode,
      requestedBy: t.users.admin.id,
      sendWelcomeEmail: true,
    };
    await client.workflow.start('provisionUserWorkflow', { workflowId, taskQueue: worker.taskQueue, args: [input] });
    const outcome = await waitForOutcome(api, admin, `/api/v1/provisioning/${encodeURIComponent(workflowId)}`);
    expect(outcome.status).toBe('compensated');
    expect(outcome.compensation).toMatchObject({ failedStep: 'create_user', error: { type: 'UsernameTaken' }, compensations: [] });
    expect(faults.callsOf(workflowId, 'createProvisionedUser')).toBe(1); // business error: no retry

    const alice = await rt.orm.em.fork().findOneOrFail(User, { tenantId: t.tenantId, username: 'alice' });
    expect(alice.id).toBe(t.users.alice.id);
    expect(await rt.orm.em.fork().count(UserRole, { tenantId: t.tenantId, userId: alice.id })).toBe(1);
  });

  it('sends the welcome email once when the activity is retried after it already sent', async () => {
    const username = uniqueCode('lou');
    faults.lostReplyOnce(wfId(username), 'sendWelcomeEmail');
    const res = await provision(username);
    const outcome = await waitForOutcome(api, admin, res.body.statusUrl);
    expect(outcome.status).toBe('completed');
    expect(faults.callsOf(wfId(username), 'sendWelcomeEmail')).toBe(2);
    expect(mailsTo(`${username}@example.test`)).toHaveLength(1);
    const fp = await footprint(rt, t.tenantId, username, wfId(username));
    expect(fp.mail).toEqual([expect.objectContaining({ status: 'sent', attempts: 1 })]);
  });

  it('skips the email when none is requested', async () => {
    const username = uniqueCode('max');
    const res = await provision(username, { sendWelcomeEmail: false });
    const outcome = await waitForOutcome(api, admin, res.body.statusUrl);
    expect(outcome.result).toMatchObject({ stepsDone: ['create_user', 'assign_roles', 'welcome_message'], stepsSkipped: ['welcome_email'], welcomeEmailDeliveryId: null });
    expect(faults.callsOf(wfId(username), 'sendWelcomeEmail')).toBe(0);
    expect(mailsTo(`${username}@example.test`)).toHaveLength(0);
  });
});
