/**
 * The rest of the approval semantics end to end: idempotent actions, withdraw, who may do what,
 * condition branches, cc, return and resubmit, transfer, parallel branches, reminders and
 * timeouts, and the inbox with its cursors and counts.
 */
import { InAppMessage } from '../../db/entities';
import { APPROVALS, act, approval, inbox, openTaskOf, publish, startRuntimeEnv, statuses, submit, until, type RuntimeEnv } from './helpers';

describe('approval flow and actions', () => {
  let env: RuntimeEnv;
  beforeAll(async () => {
    env = await startRuntimeEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  const assigned = (d: any) => d.tasks.some((t: any) => t.status === 'open');
  const types = (d: any) => d.timeline.map((e: any) => e.type);

  it('the same Idempotency-Key has one effect: start, approve and comment', async () => {
    const key = await publish(env, [approval('one', [env.id('pete'), env.id('carol')], { mode: 'all' })]);
    const first = await env.api.request('POST', APPROVALS, { body: { templateKey: key, form: { amount: 5 } }, token: env.tokens.alice, headers: { 'Idempotency-Key': 'start-1' } });
    const again = await env.api.request('POST', APPROVALS, { body: { templateKey: key, form: { amount: 5 } }, token: env.tokens.alice, headers: { 'Idempotency-Key': 'start-1' } });
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(again.body.instanceId).toBe(first.body.instanceId);
    const id = first.body.instanceId;
    const d = await until(env, id, assigned);

    const headers = { 'Idempotency-Key': 'approve-1' };
    const a = await act(env, 'pete', id, openTaskOf(d, env.id('pete')), 'approve', 'ok', headers);
    const b = await act(env, 'pete', id, openTaskOf(d, env.id('pete')), 'approve', 'ok', headers);
    expect([a.status, b.status]).toEqual([200, 200]);
    // Without the key the repeat is a new request, refused because the task is closed.
    const c = await act(env, 'pete', id, openTaskOf(d, env.id('pete')), 'approve');
    expect([c.status, c.body.code]).toEqual([409, 'task_not_open']);

    const comment = () => env.api.request('POST', `${APPROVALS}/${id}/comment`, { body: { comment: 'any news?' }, token: env.tokens.alice, headers: { 'Idempotency-Key': 'c-1' } });
    expect((await comment()).status).toBe(200);
    const last = await comment();
    expect(last.status).toBe(200);
    expect(types(last.body).filter((t: string) => t === 'approved')).toHaveLength(1);
    expect(types(last.body).filter((t: string) => t === 'commented')).toHaveLength(1);
  });

  it('withdraw cancels every open task; nothing can be approved afterwards', async () => {
    const key = await publish(env, [approval('w', [env.id('pete'), env.id('carol')], { mode: 'all' })]);
    const id = await submit(env, key);
    const d = await until(env, id, assigned);
    const notMine = await env.api.post(`${APPROVALS}/${id}/withdraw`, {}, env.tokens.pete);
    expect([notMine.status, notMine.body.code]).toEqual([422, 'not_initiator']);

    const res = await env.api.post(`${APPROVALS}/${id}/withdraw`, { comment: 'not needed' }, env.tokens.alice);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('withdrawn');
    expect(statuses(res.body)).toEqual(['w:Pete:cancelled', 'w:Carol:cancelled']);
    expect(res.body.tasks.every((t: any) => t.reason === 'cancelled: withdrawn by the initiator')).toBe(true);
    expect(types(res.body).slice(-1)).toEqual(['withdrawn']);
    expect((await inbox(env, 'pete', 'todo')).filter((i) => i.instanceId === id)).toEqual([]);

    const late = await act(env, 'pete', id, openTaskOf(d, env.id('pete')), 'approve');
    expect(late.status).toBe(409);
    const twice = await env.api.post(`${APPROVALS}/${id}/withdraw`, {}, env.tokens.alice);
    expect(twice.status).toBe(409);
  });

  it('refuses actions by people who may not take them, and hides requests from strangers', async () => {
    const key = await publish(env, [approval('v', [env.id('pete')])]);
    const id = await submit(env, key);
    const d = await until(env, id, assigned);
    const taskId = openTaskOf(d, env.id('pete'));
    // Fiona (approval:view-all, but her data scope is Finance) and Harry (no view-all) cannot even see it.
    const stranger = await act(env, 'fiona', id, taskId, 'approve');
    expect(stranger.status).toBe(404);
    expect((await env.api.get(`${APPROVALS}/${id}`, env.tokens.fiona)).status).toBe(404);
    expect((await env.api.get(`${APPROVALS}/${id}`, env.tokens.harry)).status).toBe(404);
    // Carol heads Engineering (Platform is in her data scope): she sees it but holds no task.
    expect((await env.api.get(`${APPROVALS}/${id}`, env.tokens.carol)).status).toBe(200);
    const wrong = await act(env, 'carol', id, taskId, 'approve');
    expect([wrong.status, wrong.body.code]).toEqual([422, 'not_task_holder']);
    const unknown = await act(env, 'pete', id, '00000000-0000-4000-8000-000000000000', 'approve');
    expect([unknown.status, unknown.body.code]).toEqual([404, 'task_not_found']);

    const badForm = await env.api.post(APPROVALS, { templateKey: key, form: { amount: 'lots', extra: 1 } }, env.tokens.alice);
    expect(badForm.status).toBe(422);
    expect(badForm.body.code).toBe('form_invalid');
    expect(badForm.body.errors.map((e: any) => e.path).sort()).toEqual(['body.form.amount', 'body.form.extra']);
    expect((await env.api.post(APPROVALS, { templateKey: 'no-such-template', form: {} }, env.tokens.alice)).status).toBe(404);
  });

  it('condition: the first matching branch runs, else the default', async () => {
    const key = await publish(env, [
      {
        kind: 'condition',
        id: 'size',
        name: 'Size',
        branches: [{ id: 'big', name: 'Big', when: { field: 'form.amount', op: '>', value: 1000 }, steps: [approval('boss', [env.id('carol')])] }],
        default: { id: 'small', name: 'Small', steps: [approval('lead', [env.id('pete')])] },
      },
    ]);
    const big = await until(env, await submit(env, key, { amount: 5000 }), assigned);
    expect(statuses(big)).toEqual(['boss:Carol:open']);
    expect(big.timeline.find((e: any) => e.type === 'branch').data).toMatchObject({ branchId: 'big', why: 'form.amount > 1000' });
    const small = await until(env, await submit(env, key, { amount: 10 }), assigned);
    expect(statuses(small)).toEqual(['lead:Pete:open']);
  });

  it('cc: recipients get a cc inbox item; nobody waits for them', async () => {
    const key = await publish(env, [approval('a1', [env.id('pete')]), { kind: 'cc', id: 'tell', name: 'Tell finance', recipients: { type: 'users', userIds: [env.id('fiona')] } }]);
    const id = await submit(env, key);
    const d = await until(env, id, assigned);
    const res = await act(env, 'pete', id, openTaskOf(d, env.id('pete')), 'approve');
    expect(res.body.status).toBe('approved');
    expect(statuses(res.body)).toEqual(['a1:Pete:approved', 'tell:Fiona:cc']);
    expect((await inbox(env, 'fiona', 'cc')).map((i) => i.instanceId)).toContain(id);
    // Copied people may read the request.
    expect((await env.api.get(`${APPROVALS}/${id}`, env.tokens.fiona)).status).toBe(200);
  });

  it('return to the initiator, resubmit with an edited form: the flow restarts', async () => {
    const key = await publish(env, [approval('first', [env.id('pete')]), approval('second', [env.id('carol')], { onReject: { type: 'returnToInitiator' } })]);
    const id = await submit(env, key);
    let d = await until(env, id, assigned);
    d = (await act(env, 'pete', id, openTaskOf(d, env.id('pete')), 'approve')).body;
    const returned = await act(env, 'carol', id, openTaskOf(d, env.id('carol')), 'reject', 'amount is wrong');
    expect(returned.body.status).toBe('returned');
    expect(returned.body.tasks.filter((t: any) => t.status === 'open')).toEqual([]);

    const notReturned = await env.api.post(`${APPROVALS}/${id}/resubmit`, {}, env.tokens.pete);
    expect([notReturned.status, notReturned.body.code]).toEqual([422, 'not_initiator']);
    const badForm = await env.api.post(`${APPROVALS}/${id}/resubmit`, { form: { amount: 'x' } }, env.tokens.alice);
    expect([badForm.status, badForm.body.code]).toEqual([422, 'form_invalid']);

    const again = await env.api.post(`${APPROVALS}/${id}/resubmit`, { form: { amount: 42 }, comment: 'fixed' }, env.tokens.alice);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'running', round: 2, form: { amount: 42 } });
    expect(again.body.currentSteps).toEqual([expect.objectContaining({ stepId: 'first' })]);
    expect(types(again.body)).toEqual(expect.arrayContaining(['returned', 'resubmitted']));
    const resubmitTwice = await env.api.post(`${APPROVALS}/${id}/resubmit`, {}, env.tokens.alice);
    expect([resubmitTwice.status, resubmitTwice.body.code]).toEqual([409, 'instance_not_returned']);
  });

  it('transfer: the task moves; the original holder sees it done as transferred', async () => {
    const key = await publish(env, [approval('t', [env.id('pete')])]);
    const id = await submit(env, key);
    const d = await until(env, id, assigned);
    const moved = await env.api.post(`${APPROVALS}/${id}/tasks/${openTaskOf(d, env.id('pete'))}/transfer`, { toUserId: env.id('carol'), comment: 'you know this' }, env.tokens.pete);
    expect(moved.status).toBe(200);
    expect(statuses(moved.body)).toEqual(['t:Pete:transferred', 't:Carol:open']);
    expect((await inbox(env, 'pete', 'done')).filter((i) => i.instanceId === id)).toMatchObject([{ task: { status: 'transferred' } }]);
    const done = await act(env, 'carol', id, openTaskOf(moved.body, env.id('carol')), 'approve');
    expect(done.body.status).toBe('approved');

    const noTransfer = await publish(env, [approval('nt', [env.id('pete')], { allowTransfer: false })]);
    const id2 = await submit(env, noTransfer);
    const d2 = await until(env, id2, assigned);
    const refused = await env.api.post(`${APPROVALS}/${id2}/tasks/${openTaskOf(d2, env.id('pete'))}/transfer`, { toUserId: env.id('carol') }, env.tokens.pete);
    expect([refused.status, refused.body.code]).toEqual([422, 'action_not_allowed']);
  });

  it('parallel: a reject inside one branch cancels the open tasks of the sibling branch', async () => {
    const key = await publish(env, [
      { kind: 'parallel', id: 'par', name: 'Both', branches: [{ id: 'b1', name: 'IT', steps: [approval('it', [env.id('pete')])] }, { id: 'b2', name: 'Budget', steps: [approval('budget', [env.id('fiona')])] }] },
      approval('after', [env.id('carol')]),
    ]);
    const id = await submit(env, key);
    const d = await until(env, id, (x) => x.tasks.filter((t: any) => t.status === 'open').length === 2);
    expect(d.currentSteps.map((s: any) => s.stepId).sort()).toEqual(['budget', 'it']);
    const res = await act(env, 'fiona', id, openTaskOf(d, env.id('fiona')), 'reject');
    expect(res.body.status).toBe('rejected');
    expect(statuses(res.body).sort()).toEqual(['budget:Fiona:rejected', 'it:Pete:cancelled']);
    expect(res.body.tasks.find((t: any) => t.stepId === 'it').reason).toBe('cancelled: Step budget rejected');

    // Both approve: the flow joins and continues.
    const id2 = await submit(env, key);
    const d2 = await until(env, id2, (x) => x.tasks.filter((t: any) => t.status === 'open').length === 2);
    await act(env, 'pete', id2, openTaskOf(d2, env.id('pete')), 'approve');
    const joined = await act(env, 'fiona', id2, openTaskOf(d2, env.id('fiona')), 'approve');
    expect(joined.body.currentSteps.map((s: any) => s.stepId)).toEqual(['after']);
    expect(types(joined.body)).toContain('joined');
  });

  it('reminders and a timeout that approves, all on the timeline', async () => {
    const key = await publish(env, [approval('slow', [env.id('pete')], { time: { remindAfter: '1s', remindEvery: '1s', remindMaxTimes: 2, timeoutAfter: '4s', timeoutAction: { type: 'approve' } } })]);
    const id = await submit(env, key);
    const d = await until(env, id, (x) => x.status === 'approved', 'alice', 30_000);
    expect(types(d)).toEqual(['submitted', 'assigned', 'reminded', 'reminded', 'timed_out', 'step_approved', 'completed']);
    expect(statuses(d)).toEqual(['slow:Pete:cancelled']);
    // The reminders (the assignment notice has its own category).
    const messages = await env.rt.orm.em.fork().find(InAppMessage, { tenantId: env.t.tenantId, userId: env.id('pete'), category: 'approval', dedupeKey: { $like: `${d.workflowId}:%` } });
    expect(messages).toHaveLength(2);
  });

  it('a timeout that escalates hands the task to the manager', async () => {
    const key = await publish(env, [approval('esc', [env.id('pete')], { time: { timeoutAfter: '1s', timeoutAction: { type: 'escalate', to: 'manager' } } })]);
    const id = await submit(env, key);
    const d = await until(env, id, (x) => x.tasks.some((t: any) => t.assignee.userId === env.id('carol') && t.status === 'open'), 'alice', 20_000);
    expect(statuses(d)).toEqual(['esc:Pete:transferred', 'esc:Carol:open']);
    expect(types(d)).toEqual(expect.arrayContaining(['timed_out', 'transferred']));
  });

  it('inbox: to-do pages with cursors, filters and counts', async () => {
    const key = await publish(env, [approval('ib', [env.id('harry')])]);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await submit(env, key, { amount: i }));
    for (const id of ids) await until(env, id, assigned);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: any = await env.api.get(`${APPROVALS}/inbox?box=todo&templateKey=${key}&limit=2${cursor ? `&cursor=${cursor}` : ''}`, env.tokens.harry);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((i: any) => i.instanceId));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([...ids].sort());
    const counts = await env.api.get(`${APPROVALS}/inbox/counts`, env.tokens.harry);
    expect(counts.body.todo).toBeGreaterThanOrEqual(5);
    expect((await inbox(env, 'alice', 'started', `&templateKey=${key}`)).map((i) => i.instanceId).sort()).toEqual([...ids].sort());
    expect(await inbox(env, 'harry', 'todo', `&templateKey=${key}&q=no-such-title`)).toEqual([]);
    expect((await env.api.get(`${APPROVALS}/inbox?cursor=garbage`, env.tokens.harry)).status).toBe(400);

    // A time window on when the task was opened: the two oldest / the rest / nothing in the future.
    const all = await inbox(env, 'harry', 'todo', `&templateKey=${key}`);
    const times = all.map((i) => i.at).sort();
    const split = times[2];
    const before = await inbox(env, 'harry', 'todo', `&templateKey=${key}&to=${encodeURIComponent(split)}`);
    const after = await inbox(env, 'harry', 'todo', `&templateKey=${key}&from=${encodeURIComponent(split)}`);
    expect(before.every((i) => i.at < split) && after.every((i) => i.at >= split)).toBe(true);
    expect(before.length + after.length).toBe(5);
    expect(after.length).toBeGreaterThanOrEqual(1);
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect(await inbox(env, 'harry', 'todo', `&from=${encodeURIComponent(future)}`)).toEqual([]);
    const backwards = await env.api.get(`${APPROVALS}/inbox?from=${encodeURIComponent(future)}&to=${encodeURIComponent(split)}`, env.tokens.harry);
    expect([backwards.status, backwards.body.code, backwards.body.errors?.[0]?.path]).toEqual([422, 'validation_failed', 'query.to']);
    const notADate = await env.api.get(`${APPROVALS}/inbox?from=yesterday`, env.tokens.harry);
    expect([notADate.status, notADate.body.errors?.[0]?.path]).toEqual([422, 'query.from']);
  });
});
