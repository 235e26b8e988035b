/**
 * Durability: the worker goes away in the middle of a saga and a fresh worker (no cached
 * workflow state: it rebuilds it by replaying the history) finishes it correctly.
 */
import type { Runtime } from '../../activities/runtime';
import { provisioningWorkflowId } from '../../workflows/provisioning/contract';
import { createTenant, createTestRuntime, startTestApi, startTestWorker, tokenFor, uniqueCode, type TenantFixture, type TestApi, type TestWorker } from '../harness/harness';
import { startSmtpListener, type SmtpListener } from '../harness/smtp';
import { FaultPlan, footprint, waitForOutcome } from './fixtures';

describe('provisioning survives a worker restart', () => {
  let rt: Runtime;
  let api: TestApi;
  let smtp: SmtpListener;
  let t: TenantFixture;
  let admin: string;
  let taskQueue: string;
  const running = new Set<TestWorker>();

  beforeAll(async () => {
    smtp = await startSmtpListener();
    taskQueue = uniqueCode('tq-restart-');
    rt = await createTestRuntime({ TEMPORAL_TASK_QUEUE: taskQueue, ...smtp.env });
    api = await startTestApi(rt);
    t = await createTenant(rt);
    admin = await tokenFor(rt, t.users.admin);
  });

  // Each test owns the task queue: no worker of an earlier test may pick up its tasks.
  afterEach(async () => {
    for (const w of running) await w.stop();
    running.clear();
  });

  afterAll(async () => {
    await api?.close();
    await rt?.close();
    await smtp?.close();
  });

  const startWorker = async (faults?: FaultPlan) => {
    const w = await startTestWorker(rt, taskQueue, faults ? { wrapActivities: faults.wrap } : {});
    running.add(w);
    return { ...w, stop: () => (running.delete(w), w.stop()) };
  };

  const provision = (username: string) =>
    api.post(
      '/api/v1/provisioning',
      { username, email: `${username}@example.test`, displayName: username, roleIds: [t.roles.employee.id, t.roles.manager.id] },
      admin,
    );

  async function expectProvisionedOnce(username: string, outcome: any) {
    expect(outcome.status).toBe('completed');
    expect(outcome.result.stepsDone).toEqual(['create_user', 'assign_roles', 'welcome_message', 'welcome_email']);
    const fp = await footprint(rt, t.tenantId, username, provisioningWorkflowId(t.tenantCode, username));
    expect(fp.user?.id).toBe(outcome.result.userId);
    expect(fp.roleLinks).toHaveLength(2);
    expect(fp.messages).toHaveLength(1);
    expect(fp.mail).toEqual([expect.objectContaining({ status: 'sent', attempts: 1 })]);
    expect(smtp.messages.filter((m) => m.to.includes(`${username}@example.test`))).toHaveLength(1);
  }

  it('finishes on a fresh worker after the first one shut down mid-step', async () => {
    const username = uniqueCode('rex');
    const faults = new FaultPlan();
    const gate = faults.block(provisioningWorkflowId(t.tenantCode, username), 'assignProvisionedRoles');
    const first = await startWorker(faults);
    const res = await provision(username);
    expect(res.status).toBe(202);
    await gate.reached;

    // Shut down while the step is in flight; the step completes during the graceful drain,
    // but nothing after it runs on this worker.
    const stopping = first.stop();
    await new Promise((r) => setTimeout(r, 300));
    gate.release();
    await stopping;

    const midway = await api.get(res.body.statusUrl, admin);
    expect(midway.body.status).toBe('running');
    const fp = await footprint(rt, t.tenantId, username, provisioningWorkflowId(t.tenantCode, username));
    expect(fp.messages).toHaveLength(0); // the saga really stopped between steps

    await startWorker();
    await expectProvisionedOnce(username, await waitForOutcome(api, admin, res.body.statusUrl));
  });

  it('retries a step whose worker died under it on the next worker', async () => {
    const username = uniqueCode('sam');
    const workflowId = provisioningWorkflowId(t.tenantCode, username);
    const faults = new FaultPlan();
    const gate = faults.block(workflowId, 'createWelcomeMessage');
    const first = await startWorker(faults);
    const res = await provision(username);
    await gate.reached;

    // The attempt is lost with its worker (here: it fails as the worker goes away).
    const stopping = first.stop();
    gate.fail(new Error('worker process died'));
    await stopping;

    const second = new FaultPlan(); // counts calls, injects nothing
    await startWorker(second);
    await expectProvisionedOnce(username, await waitForOutcome(api, admin, res.body.statusUrl));
    expect(faults.callsOf(workflowId, 'createWelcomeMessage')).toBe(1);
    expect(second.callsOf(workflowId, 'createWelcomeMessage')).toBe(1);
    expect(second.callsOf(workflowId, 'createProvisionedUser')).toBe(0); // done steps are not redone
  });
});
