/**
 * Add-sign (before / after), remove-sign, delegate and confirm, end to end through the API:
 * who acts when, the inbox, the timeline, refusals and idempotency.
 */
import { Role, UserRole } from '../../db/entities';
import { APPROVALS, act, approval, inbox, openTaskOf, publish, startRuntimeEnv, statuses, submit, until, type RuntimeEnv, type Who } from './helpers';

describe('approval actions: add-sign, remove-sign, delegate, confirm', () => {
  let env: RuntimeEnv;
  beforeAll(async () => {
    env = await startRuntimeEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  const assigned = (d: any) => d.tasks.some((t: any) => t.status === 'open');
  const types = (d: any) => d.timeline.map((e: any) => e.type);
  const post = (who: Who, path: string, body: unknown, headers: Record<string, string> = {}) => env.api.request('POST', `${APPROVALS}/${path}`, { body, token: env.tokens[who], headers });

  it('add-sign before: the added signers act first, then the task comes back to the holder', async () => {
    const key = await publish(env, [approval('one', [env.id('pete')], { allowAddSign: true }), approval('two', [env.id('harry')])]);
    const id = await submit(env, key);
    const d = await until(env, id, assigned);
    const task = openTaskOf(d, env.id('pete'));

    const headers = { 'Idempotency-Key': 'add-1' };
    const res = await post('pete', `${id}/tasks/${task}/add-sign`, { userIds: [env.id('carol'), env.id('fiona')], position: 'before', comment: 'please check first' }, headers);
    expect(res.status).toBe(200);
    expect(statuses(res.body)).toEqual(['one:Pete:waiting', 'one:Carol:open', 'one:Fiona:open']);
    // Same key: one effect.
    const again = await post('pete', `${id}/tasks/${task}/add-sign`, { userIds: [env.id('carol'), env.id('fiona')], position: 'before' }, headers);
    expect(again.status).toBe(200);
    expect(types(again.body).filter((t: string) => t === 'sign_added')).toHaveLength(1);
    expect((await inbox(env, 'carol', 'todo')).some((i) => i.instanceId === id)).toBe(true);
    expect((await inbox(env, 'pete', 'todo')).some((i) => i.instanceId === id)).toBe(false);

    // The holder waits; the added signers act.
    const early = await act(env, 'pete', id, task, 'approve');
    expect([early.status, early.body.code]).toEqual([409, 'task_not_open']);
    let r = await act(env, 'carol', id, openTaskOf(res.body, env.id('carol')), 'approve');
    expect(statuses(r.body)).toEqual(['one:Pete:waiting', 'one:Carol:approved', 'one:Fiona:open']);
    r = await act(env, 'fiona', id, openTaskOf(res.body, env.id('fiona')), 'approve');
    expect(statuses(r.body)).toEqual(['one:Pete:open', 'one:Carol:approved', 'one:Fiona:approved']);
    r = await act(env, 'pete', id, task, 'approve');
    expect(r.status).toBe(200);
    expect(statuses(r.body).slice(-1)).toEqual(['two:Harry:open']);
    expect(types(r.body)).toEqual(expect.arrayContaining(['sign_added', 'turn', 'step_approved']));
  });

  it('add-sign after: the added signer acts once the holder approved; their rejection rejects', async () => {
    const key = await publish(env, [approval('one', [env.id('pete')], { allowAddSign: true })]);
    const id = await submit(env, key);
    const d = await until(env, id, assigned);
    const task = openTaskOf(d, env.id('pete'));
    const res = await post('pete', `${id}/tasks/${task}/add-sign`, { userIds: [env.id('carol')], position: 'after' });
    expect(statuses(res.body)).toEqual(['one:Pete:open', 'one:Carol:waiting']);
    let r = await act(env, 'pete', id, task, 'approve');
    expect(r.body.status).toBe('running');
    expect(statuses(r.body)).toEqual(['one:Pete:approved', 'one:Carol:open']);
    r = await act(env, 'carol', id, openTaskOf(r.body, env.id('carol')), 'reject', 'no');
    expect(r.body.status).toBe('rejected');
  });

  it('remove-sign: only the holder who added, only while the signer has not acted; refused when the step forbids add-sign', async () => {
    const key = await publish(env, [approval('one', [env.id('pete')], { allowAddSign: true })]);
    const id = await submit(env, key);
    const d = await until(env, id, assigned);
    const task = openTaskOf(d, env.id('pete'));
    const res = await post('pete', `${id}/tasks/${task}/add-sign`, { userIds: [env.id('carol')], position: 'before' });
    const carolTask = openTaskOf(res.body, env.id('carol'));
    const bySomeoneElse = await post('carol', `${id}/tasks/${carolTask}/remove-sign`, {});
    expect([bySomeoneElse.status, bySomeoneElse.body.code]).toEqual([422, 'not_task_holder']);
    const self = await post('pete', `${id}/tasks/${task}/add-sign`, { userIds: [env.id('pete')], position: 'before' });
    expect(self.status).toBe(409); // the holder's task waits for the added signer
    const removed = await post('pete', `${id}/tasks/${carolTask}/remove-sign`, { comment: 'not needed after all' });
    expect(removed.status).toBe(200);
    expect(statuses(removed.body)).toEqual(['one:Pete:open', 'one:Carol:cancelled']);
    expect(types(removed.body)).toContain('sign_removed');
    const twice = await post('pete', `${id}/tasks/${carolTask}/remove-sign`, {});
    expect([twice.status, twice.body.code]).toEqual([409, 'task_not_open']);
    const r = await act(env, 'pete', id, task, 'approve');
    expect(r.body.status).toBe('approved');

    const plainKey = await publish(env, [approval('one', [env.id('pete')])]);
    const plain = await submit(env, plainKey);
    const pd = await until(env, plain, assigned);
    const refused = await post('pete', `${plain}/tasks/${openTaskOf(pd, env.id('pete'))}/add-sign`, { userIds: [env.id('carol')], position: 'after' });
    expect([refused.status, refused.body.code]).toEqual([422, 'action_not_allowed']);
    const stranger = await post('pete', `${plain}/tasks/${openTaskOf(pd, env.id('pete'))}/add-sign`, { userIds: ['00000000-0000-4000-8000-000000000000'], position: 'after' });
    expect(stranger.status).toBe(422);
  });

  it('delegate: the delegate decides, the task comes back to the holder, who confirms', async () => {
    const key = await publish(env, [approval('one', [env.id('pete'), env.id('harry')], { mode: 'all', allowDelegate: true })]);
    const id = await submit(env, key);
    const d = await until(env, id, assigned);
    const task = openTaskOf(d, env.id('pete'));
    const noneYet = await post('pete', `${id}/tasks/${task}/confirm`, {});
    expect([noneYet.status, noneYet.body.code]).toEqual([422, 'action_not_allowed']);

    const res = await post('pete', `${id}/tasks/${task}/delegate`, { toUserId: env.id('carol'), comment: 'you know this best' }, { 'Idempotency-Key': 'del-1' });
    expect(res.status).toBe(200);
    expect(statuses(res.body)).toEqual(['one:Pete:waiting', 'one:Harry:open', 'one:Carol:open']);
    const carolTask = openTaskOf(res.body, env.id('carol'));
    // A delegate cannot pass it on.
    const onward = await post('carol', `${id}/tasks/${carolTask}/delegate`, { toUserId: env.id('fiona') });
    expect([onward.status, onward.body.code]).toEqual([422, 'action_not_allowed']);

    let r = await act(env, 'carol', id, carolTask, 'approve', 'fine by me');
    expect(r.body.status).toBe('running');
    expect(statuses(r.body)).toEqual(['one:Pete:open', 'one:Harry:open', 'one:Carol:approved']);
    r = await post('pete', `${id}/tasks/${task}/confirm`, {});
    expect(r.status).toBe(200);
    expect(statuses(r.body)).toEqual(['one:Pete:approved', 'one:Harry:open', 'one:Carol:approved']);
    expect(r.body.tasks[0].comment).toBe('fine by me');
    expect(types(r.body)).toEqual(expect.arrayContaining(['delegated', 'delegation_returned', 'confirmed']));
    r = await act(env, 'harry', id, openTaskOf(r.body, env.id('harry')), 'approve');
    expect(r.body.status).toBe('approved');
  });

  it('delegate: the holder may decide otherwise after the delegate acted; refused when the step forbids it', async () => {
    const key = await publish(env, [approval('one', [env.id('pete')], { allowDelegate: true })]);
    const id = await submit(env, key);
    const d = await until(env, id, assigned);
    const task = openTaskOf(d, env.id('pete'));
    const res = await post('pete', `${id}/tasks/${task}/delegate`, { toUserId: env.id('carol') });
    let r = await act(env, 'carol', id, openTaskOf(res.body, env.id('carol')), 'approve');
    expect(r.body.status).toBe('running');
    r = await act(env, 'pete', id, task, 'reject', 'I disagree');
    expect(r.body.status).toBe('rejected');

    const plainKey = await publish(env, [approval('one', [env.id('pete')], { allowDelegate: false })]);
    const plain = await submit(env, plainKey);
    const pd = await until(env, plain, assigned);
    const refused = await post('pete', `${plain}/tasks/${openTaskOf(pd, env.id('pete'))}/delegate`, { toUserId: env.id('carol') });
    expect([refused.status, refused.body.code]).toEqual([422, 'action_not_allowed']);
  });
});

describe('approval actions: take back', () => {
  let env: RuntimeEnv;
  beforeAll(async () => {
    env = await startRuntimeEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  const assigned = (d: any) => d.tasks.some((t: any) => t.status === 'open');
  const types = (d: any) => d.timeline.map((e: any) => e.type);
  const takeBack = (who: Who, id: string, taskId: string) => env.api.post(`${APPROVALS}/${id}/tasks/${taskId}/take-back`, {}, env.tokens[who]);

  it('within an undecided step: the task opens again and the next in line waits again', async () => {
    const key = await publish(env, [approval('one', [env.id('pete'), env.id('carol')])]);
    const id = await submit(env, key);
    const d = await until(env, id, assigned);
    const task = openTaskOf(d, env.id('pete'));
    let r = await act(env, 'pete', id, task, 'approve');
    expect(statuses(r.body)).toEqual(['one:Pete:approved', 'one:Carol:open']);
    const notMine = await takeBack('carol', id, task);
    expect([notMine.status, notMine.body.code]).toEqual([422, 'not_task_holder']);
    r = await takeBack('pete', id, task);
    expect(r.status).toBe(200);
    expect(statuses(r.body)).toEqual(['one:Pete:open', 'one:Carol:waiting']);
    expect(types(r.body)).toContain('taken_back');
    r = await act(env, 'pete', id, task, 'approve');
    r = await act(env, 'carol', id, openTaskOf(r.body, env.id('carol')), 'approve');
    expect(r.body.status).toBe('approved');
  });

  it("after the step passed: only until the next step's first action; the flow returns to the step", async () => {
    const key = await publish(env, [approval('one', [env.id('pete')]), approval('two', [env.id('harry')]), approval('three', [env.id('fiona')])]);
    const id = await submit(env, key);
    const d = await until(env, id, assigned);
    const peteTask = openTaskOf(d, env.id('pete'));
    let r = await act(env, 'pete', id, peteTask, 'approve');
    expect(statuses(r.body)).toEqual(['one:Pete:approved', 'two:Harry:open']);
    r = await takeBack('pete', id, peteTask);
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('running');
    expect(statuses(r.body)).toEqual(['one:Pete:approved', 'two:Harry:cancelled', 'one:Pete:open']);
    expect(r.body.tasks[1].reason).toBe('cancelled: approval taken back');
    expect(types(r.body)).toEqual(expect.arrayContaining(['taken_back', 'sent_back']));
    expect((await inbox(env, 'harry', 'todo')).some((i) => i.instanceId === id)).toBe(false);

    // Again, but this time Harry acts first: too late.
    const again = openTaskOf(r.body, env.id('pete'));
    r = await act(env, 'pete', id, again, 'approve');
    r = await act(env, 'harry', id, openTaskOf(r.body, env.id('harry')), 'approve');
    const late = await takeBack('pete', id, again);
    expect([late.status, late.body.code]).toEqual([409, 'task_not_open']);
    r = await act(env, 'fiona', id, openTaskOf(r.body, env.id('fiona')), 'approve');
    expect(r.body.status).toBe('approved');
    const finished = await takeBack('fiona', id, r.body.tasks.at(-1).taskId);
    expect(finished.status).toBe(409);
  });
});

describe('approval action steps: grantRole', () => {
  let env: RuntimeEnv;
  beforeAll(async () => {
    env = await startRuntimeEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('grants the role named in the form once approved, idempotently tagged with the workflow id; an unknown role fails the request', async () => {
    const em = env.rt.orm.em.fork();
    const held = new Set((await em.find(UserRole, { tenantId: env.t.tenantId, userId: env.id('alice') })).map((l) => l.roleId));
    const role = (await em.find(Role, { tenantId: env.t.tenantId })).find((r) => !held.has(r.id))!;
    expect(role).toBeDefined();
    const key = await publish(env, [
      // The approver may give the role (a role from the form is checked against who approved: test/security/grant-role.test.ts).
      approval('one', [env.id('admin')]),
      { kind: 'action', id: 'grant', name: 'Grant the role', action: 'grantRole', args: { roleCode: { ref: 'form.note' } } } as any,
    ]);
    const id = await submit(env, key, { amount: 1, note: role.code });
    const d = await until(env, id, (x) => x.tasks.some((t: any) => t.status === 'open'));
    await act(env, 'admin', id, openTaskOf(d, env.id('admin')), 'approve');
    const done = await until(env, id, (x) => x.status !== 'running');
    expect(done.status).toBe('approved');
    const event = done.timeline.find((e: any) => e.type === 'action_done');
    expect(event.data).toMatchObject({ action: 'grantRole', roleCode: role.code, userId: env.id('alice'), granted: true });
    const link = await env.rt.orm.em.fork().findOne(UserRole, { tenantId: env.t.tenantId, userId: env.id('alice'), roleId: role.id });
    expect(link?.grantedBy).toBe(done.workflowId);

    const bad = await submit(env, key, { amount: 1, note: 'no-such-role' });
    const bd = await until(env, bad, (x) => x.tasks.some((t: any) => t.status === 'open'));
    await act(env, 'admin', bad, openTaskOf(bd, env.id('admin')), 'approve');
    const failed = await until(env, bad, (x) => x.status !== 'running');
    expect(failed.status).toBe('stalled');
    expect(failed.timeline.map((e: any) => e.type)).toContain('step_stalled');
  });
});
