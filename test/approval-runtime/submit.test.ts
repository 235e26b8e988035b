/**
 * A submit answers with the flow's first state in the same round trip (Update-With-Start,
 * issue 12 item 1): step one and its holders, or the outcome of a flow decided at once; a retry
 * with the same Idempotency-Key answers the request as it is now; with no worker the request is
 * still created (201, detail null) and runs once a worker polls its queue.
 */
import { createTenant, createTestRuntime, startTestApi, startTestWorker, tokenFor, uniqueCode, type TestWorker } from '../harness/harness';
import { APPROVALS, act, approval, openTaskOf, publish, startRuntimeEnv, until, type RuntimeEnv } from './helpers';

describe('submitting a request', () => {
  let env: RuntimeEnv;
  beforeAll(async () => {
    env = await startRuntimeEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  const post = (body: unknown, headers: Record<string, string> = {}) => env.api.request('POST', APPROVALS, { body, token: env.tokens.alice, headers });

  it('answers 201 with step one assigned: the same detail a read gives, without polling', async () => {
    const key = await publish(env, [approval('one', [env.id('pete')]), approval('two', [env.id('carol')])]);
    const res = await post({ templateKey: key, form: { amount: 7 } });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`${APPROVALS}/${res.body.instanceId}`);
    const { detail } = res.body;
    expect(detail).toMatchObject({ instanceId: res.body.instanceId, status: 'running' });
    expect(detail.currentSteps).toEqual([{ stepId: 'one', stepName: 'Step one', holders: [expect.objectContaining({ userId: env.id('pete'), taskId: expect.any(String) })] }]);
    expect(detail.tasks.map((t: any) => [t.stepId, t.status])).toEqual([['one', 'open']]);
    const read = await env.api.get(`${APPROVALS}/${res.body.instanceId}`, env.tokens.alice);
    expect(read.body).toEqual(detail);
    // Pete can act on the task id from the answer at once.
    expect((await act(env, 'pete', res.body.instanceId, detail.currentSteps[0].holders[0].taskId, 'approve')).status).toBe(200);
  });

  it('answers a flow that decides at once with its outcome, and a numbered template with its number', async () => {
    // A step asking a role nobody holds, rejected automatically: the flow ends before anyone is asked.
    const nobody = uniqueCode('nobody_');
    expect((await env.api.post('/api/v1/roles', { code: nobody, name: 'Nobody', dataScope: 'self', permissions: [] }, env.tokens.admin)).status).toBe(201);
    const rejects = await publish(env, [approval('empty', [], { assignees: { type: 'role', roleCodes: [nobody] }, emptyAssignee: { type: 'autoReject' } })]);
    const decided = await post({ templateKey: rejects, form: { amount: 1 } });
    expect(decided.status).toBe(201);
    expect(decided.body.detail).toMatchObject({ status: 'rejected', currentSteps: [], tasks: [] });

    const numbered = await publish(env, [approval('one', [env.id('pete')])], { settings: { serialRule: 'SUB-{seq:3}' } } as never);
    const res = await post({ templateKey: numbered, form: { amount: 2 } });
    expect(res.status).toBe(201);
    expect(res.body.serialNumber).toMatch(/^SUB-\d{3}$/);
    expect(res.body.detail).toMatchObject({ serialNumber: res.body.serialNumber, status: 'running', currentSteps: [{ stepId: 'one' }] });
  });

  it('a retry with the same Idempotency-Key answers the same request as it is now', async () => {
    const key = await publish(env, [approval('one', [env.id('pete')]), approval('two', [env.id('carol')])]);
    const headers = { 'Idempotency-Key': uniqueCode('submit-') };
    const first = await post({ templateKey: key, form: { amount: 3 } }, headers);
    expect(first.status).toBe(201);
    const id = first.body.instanceId;
    expect((await act(env, 'pete', id, openTaskOf(first.body.detail, env.id('pete')), 'approve')).status).toBe(200);
    const again = await post({ templateKey: key, form: { amount: 3 } }, headers);
    expect(again.status).toBe(201);
    expect(again.body.instanceId).toBe(id);
    expect(again.body.detail.currentSteps.map((s: any) => s.stepId)).toEqual(['two']);
    // One request, one submission in its timeline.
    expect(again.body.detail.timeline.filter((e: any) => e.type === 'submitted')).toHaveLength(1);
  });
});

describe('submitting while no worker runs', () => {
  it('creates the request (201, detail null); it runs once a worker polls the queue', async () => {
    const taskQueue = uniqueCode('tq-noworker-');
    const rt = await createTestRuntime({ TEMPORAL_TASK_QUEUE: taskQueue, APPROVAL_SUBMIT_WAIT_MS: '300' });
    const api = await startTestApi(rt);
    let worker: TestWorker | undefined;
    try {
      const t = await createTenant(rt);
      const tokens = { admin: await tokenFor(rt, t.users.admin), alice: await tokenFor(rt, t.users.alice), pete: await tokenFor(rt, t.users.pete) };
      const env = { api, tokens, id: (who: 'pete') => t.users[who].id } as unknown as RuntimeEnv;
      const key = await publish(env, [approval('one', [t.users.pete.id])]);
      const res = await api.request('POST', APPROVALS, { body: { templateKey: key, form: { amount: 4 } }, token: tokens.alice });
      expect(res.status).toBe(201);
      expect(res.body.detail).toBeNull();
      const client = await rt.temporal();
      expect((await client.workflow.getHandle(res.body.workflowId).describe()).status.name).toBe('RUNNING');

      worker = await startTestWorker(rt, taskQueue);
      const d = await until(env, res.body.instanceId, (x) => x.currentSteps.length === 1);
      expect(d.currentSteps[0].holders.map((h: any) => h.userId)).toEqual([t.users.pete.id]);
    } finally {
      await worker?.stop();
      await api.close();
      await rt.close();
    }
  });
});
