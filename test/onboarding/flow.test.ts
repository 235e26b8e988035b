/**
 * The onboarding workflow end to end through the API: happy path with second-scale durations,
 * reminders + escalation on a missed activation deadline, HR cancellation with compensation
 * checked in the database, and the permission rules of the checklist.
 */
import { InAppMessage, Todo, User } from '../../db/entities';
import { escalationKey } from '../../workflows/onboarding/contract';
import { createTenant, tokenFor } from '../harness/harness';
import { ONB, STRONG_PASSWORD, searchAttributes, startOnbEnv, startOnboarding, until, updatesAccepted, url, waitForTokens, type OnbEnv } from './helpers';

describe('onboarding workflow', () => {
  let env: OnbEnv;
  beforeAll(async () => {
    env = await startOnbEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  const em = () => env.rt.orm.em.fork();

  it('runs the whole onboarding: provision, activation, checklist, day one, completion', async () => {
    const id = await startOnboarding(env, 'nina', { startInMs: 5000 });
    expect(id).toBe(`onboarding:${env.t.tenantCode}:nina`);
    // A retried POST finds the same workflow.
    const again = await startOnboarding(env, 'nina');
    expect(again).toBe(id);

    const waiting = await until(env, id, (v) => v.progress?.status === 'awaiting_activation');
    const userId = waiting.progress.userId;
    expect(waiting.progress.stepsDone).toEqual(['provision', 'welcome']);
    expect(waiting.progress.waitingOn).toEqual([{ userId, role: 'new_hire', what: 'Activate the account' }]);
    expect(await searchAttributes(env, id)).toEqual({ status: 'awaiting_activation', assignees: [userId], process: 'onboarding' });

    const [token] = await waitForTokens(env, 'nina@example.test', 1);
    // Bad token, weak password: refused, nothing changes.
    expect((await env.api.post(`${ONB}/activate`, { token: token.slice(0, -3) + 'xyz', password: STRONG_PASSWORD })).status).toBe(404);
    const weak = await env.api.post(`${ONB}/activate`, { token, password: 'short' });
    expect(weak.status).toBe(422);
    expect((await em().findOneOrFail(User, { id: userId })).passwordHash).toBeNull();

    const ok = await env.api.post(`${ONB}/activate`, { token, password: STRONG_PASSWORD, profile: { phone: '+49 30 1234' } });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ activated: true, username: 'nina', tenant: env.t.tenantCode });
    const user = await em().findOneOrFail(User, { id: userId });
    expect(user.passwordHash).not.toBeNull();
    expect(user.phone).toBe('+49 30 1234');
    // Single use.
    expect((await env.api.post(`${ONB}/activate`, { token, password: STRONG_PASSWORD })).status).toBe(404);
    const login = await env.api.post('/api/v1/auth/login', { tenantCode: env.t.tenantCode, identifier: 'nina', password: STRONG_PASSWORD });
    expect(login.status).toBe(200);

    const inProgress = await until(env, id, (v) => v.progress?.stepsDone.includes('checklist_created'));
    const checklist = inProgress.progress.checklist;
    expect(checklist.map((i: any) => [i.id, i.assignee, i.userId])).toEqual([
      ['read-handbook', 'new_hire', userId],
      ['hr-forms', 'new_hire', userId],
      ['equipment', 'manager', env.t.users.pete.id],
      ['buddy', 'manager', env.t.users.pete.id],
      ['accounts', 'it', env.t.users.admin.id],
    ]);
    const todos = await em().find(Todo, { tenantId: env.t.tenantId, id: { $in: checklist.map((i: any) => i.todoId) } });
    expect(todos).toHaveLength(5);
    expect(inProgress.progress.waitingOn.map((w: any) => w.role).sort()).toEqual(['it', 'manager', 'manager', 'new_hire', 'new_hire']);

    // Alice is neither assignee nor HR, nor anyone this onboarding is about: for her it does not exist.
    expect((await env.api.post(url(id, '/checklist/equipment/done'), undefined, env.tokens.alice)).status).toBe(404);
    // The new hire sees it, but the manager's item is not theirs.
    const nina: string = login.body.accessToken; // the new hire, signed in with the password just set
    expect((await env.api.post(url(id, '/checklist/equipment/done'), undefined, nina)).status).toBe(403);
    expect((await env.api.post(url(id, '/checklist/nope/done'), undefined, env.tokens.harry)).status).toBe(404);
    // The new hire completes their own item; the manager and HR the rest.
    const own = await env.api.post(url(id, '/checklist/read-handbook/done'), undefined, nina);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ id: 'read-handbook', done: true, doneBy: userId });
    expect((await em().findOneOrFail(Todo, { id: own.body.todoId })).status).toBe('done');
    expect((await env.api.post(url(id, '/checklist/equipment/done'), undefined, env.tokens.pete)).status).toBe(200);
    // Completing the checklist to-do in the to-do list reports the item too.
    const buddyTodo = checklist.find((i: any) => i.id === 'buddy').todoId;
    expect((await env.api.post(`/api/v1/todos/${buddyTodo}/complete`, {}, env.tokens.pete)).status).toBe(200);
    const reported = await until(env, id, (v) => v.progress.checklist.find((i: any) => i.id === 'buddy').done);
    expect(reported.progress.checklist.find((i: any) => i.id === 'buddy')).toMatchObject({ done: true, doneBy: env.t.users.pete.id });
    expect((await env.api.post(url(id, '/checklist/accounts/done'), undefined, env.tokens.harry)).status).toBe(200);

    // The progress is readable by the people it is about: the new hire (also as "mine") and the manager.
    const mine = await env.api.get(`${ONB}/mine`, nina);
    expect([mine.status, mine.body.id]).toEqual([200, id]);
    expect(mine.body.progress.checklist.filter((i: any) => i.done).map((i: any) => i.id).sort()).toEqual(['accounts', 'buddy', 'equipment', 'read-handbook']);
    expect((await env.api.get(url(id), env.tokens.pete)).status).toBe(200);
    expect((await env.api.get(`${ONB}/mine`, env.tokens.pete)).status).toBe(404);
    const beforeLast = await until(env, id, () => true);
    expect(beforeLast.execution).toBe('running');
    expect((await env.api.post(url(id, '/checklist/hr-forms/done'), undefined, nina)).status).toBe(200);

    // Completion waits for the start date (day one) as well as for the checklist.
    const done = await until(env, id, (v) => v.execution === 'completed');
    expect(done.progress.status).toBe('completed');
    expect(done.progress.stepsDone).toEqual(['provision', 'welcome', 'activation', 'checklist_created', 'day_one', 'checklist_done']);
    expect(done.progress.waitingOn).toEqual([]);
    expect(done.progress.checkIns).toHaveLength(2);
    const checkIns = await em().find(Todo, { id: { $in: done.progress.checkIns.map((c: any) => c.todoId) } });
    expect(checkIns.map((c) => c.userId)).toEqual([env.t.users.pete.id, env.t.users.pete.id]);
    await env.smtp.waitFor((m) => m.to.includes('nina@example.test') && /first day/.test(m.subject), 5000);
    expect(await searchAttributes(env, id)).toMatchObject({ status: 'completed', assignees: undefined }); // an empty list clears the attribute

    // Completed: no cancel, no new start.
    expect((await env.api.post(url(id, '/cancel'), { reason: 'late' }, env.tokens.harry)).status).toBe(409);

    // The listing shows it (visibility follows within moments).
    const deadline = Date.now() + 10_000;
    let listed: any;
    do {
      listed = (await env.api.get(`${ONB}?pageSize=10`, env.tokens.harry)).body;
      if (listed.items?.some((i: any) => i.id === id && i.status === 'completed')) break;
      await new Promise((r) => setTimeout(r, 300));
    } while (Date.now() < deadline);
    expect(listed.items.find((i: any) => i.id === id)).toMatchObject({ username: 'nina', status: 'completed', execution: 'completed' });
    expect(listed.total).toBeGreaterThanOrEqual(1);
    // Without onboarding:manage there is no listing, and the progress of someone else's onboarding does not exist.
    expect((await env.api.get(ONB, env.tokens.alice)).status).toBe(403);
    expect((await env.api.get(url(id), env.tokens.alice)).status).toBe(404);
  });

  it('reports the item that completes the onboarding like any other: one report per item, the to-do done', async () => {
    // Day one is behind it, so the last item ends the workflow. Its to-do's own report (the
    // to-do listener) used to close the run before the API's report reached it: 404.
    const id = await startOnboarding(env, 'lena', { startInMs: 500, checkInOffsetsMs: [500] });
    const [token] = await waitForTokens(env, 'lena@example.test', 1);
    expect((await env.api.post(`${ONB}/activate`, { token, password: STRONG_PASSWORD })).status).toBe(200);
    const ready = await until(env, id, (v) => v.progress?.stepsDone.includes('day_one'));
    const answers = [];
    for (const item of ready.progress.checklist) answers.push((await env.api.post(url(id, `/checklist/${item.id}/done`), undefined, env.tokens.harry)).status);
    expect(answers).toEqual(ready.progress.checklist.map(() => 200));

    const done = await until(env, id, (v) => v.execution === 'completed');
    expect(done.progress.stepsDone.at(-1)).toBe('checklist_done');
    // The API's report came first for every item (the listener's, with the same Update id, was a repeat).
    expect(done.progress.checklist.map((i: any) => i.doneBy)).toEqual(ready.progress.checklist.map(() => env.t.users.harry.id));
    expect(await updatesAccepted(env, id, 'onboarding.checklistDone')).toBe(ready.progress.checklist.length);
    const todos = await em().find(Todo, { id: { $in: ready.progress.checklist.map((i: any) => i.todoId) } });
    expect(todos.map((t) => t.status)).toEqual(ready.progress.checklist.map(() => 'done'));
    // Reported again after the end: the run is closed, whoever asks.
    expect((await env.api.post(url(id, `/checklist/${ready.progress.checklist[0].id}/done`), undefined, env.tokens.harry)).status).toBe(409);
  });

  it('reminds with fresh links and escalates to HR after the activation deadline; HR cancels', async () => {
    const id = await startOnboarding(env, 'oscar', { startInMs: 3_600_000, reminderIntervalMs: 1500, activationDeadlineMs: 3500 });
    const escalated = await until(env, id, (v) => v.progress?.escalated && v.progress.activationLinksSent >= 3, 30_000);
    expect(escalated.progress.status).toBe('activation_overdue');
    expect(escalated.progress.waitingOn.map((w: any) => w.role)).toEqual(['new_hire', 'hr']);
    const hrNote = await em().findOne(InAppMessage, { dedupeKey: escalationKey(id) });
    expect(hrNote?.userId).toBe(env.t.users.harry.id);
    await env.smtp.waitFor((m) => m.to.includes(env.t.users.harry.email) && /activation overdue/.test(m.subject), 5000);
    expect(await searchAttributes(env, id)).toMatchObject({ status: 'activation_overdue' });

    // Earlier links are superseded by the newest one.
    const tokens = await waitForTokens(env, 'oscar@example.test', 2);
    expect((await env.api.post(`${ONB}/activate`, { token: tokens[0], password: STRONG_PASSWORD })).status).toBe(404);

    const cancelled = await env.api.post(url(id, '/cancel'), { reason: 'never showed up' }, env.tokens.harry);
    expect(cancelled.status).toBe(202);
    expect(cancelled.body.status).toBe('cancelling');
    const closed = await until(env, id, (v) => v.execution === 'completed');
    expect(closed.progress.status).toBe('cancelled');
    expect(closed.progress.cancellation).toMatchObject({ reason: 'never showed up', by: env.t.users.harry.id });
    expect(closed.progress.compensations).toEqual([{ action: 'disable_account', status: 'done', detail: 'account disabled' }]);
    expect((await em().findOneOrFail(User, { id: closed.progress.userId })).status).toBe('disabled');
    // The newest link is dead too.
    const latest = (await waitForTokens(env, 'oscar@example.test', 1)).at(-1)!;
    expect((await env.api.post(`${ONB}/activate`, { token: latest, password: STRONG_PASSWORD })).status).toBe(404);
  });

  it('HR cancellation after the checklist exists disables the account and removes the open to-dos', async () => {
    const id = await startOnboarding(env, 'paula', { startInMs: 3_600_000 });
    const [token] = await waitForTokens(env, 'paula@example.test', 1);
    expect((await env.api.post(`${ONB}/activate`, { token, password: STRONG_PASSWORD })).status).toBe(200);
    const ready = await until(env, id, (v) => v.progress?.stepsDone.includes('checklist_created'));
    expect((await env.api.post(url(id, '/checklist/equipment/done'), undefined, env.tokens.pete)).status).toBe(200);

    expect((await env.api.post(url(id, '/cancel'), {}, env.tokens.harry)).status).toBe(422); // a reason is required
    expect((await env.api.post(url(id, '/cancel'), { reason: 'offer withdrawn' }, env.tokens.pete)).status).toBe(403);
    expect((await env.api.post(url(id, '/cancel'), { reason: 'offer withdrawn' }, env.tokens.harry)).status).toBe(202);
    const closed = await until(env, id, (v) => v.execution === 'completed');
    expect(closed.progress.status).toBe('cancelled');
    expect(closed.progress.compensations).toEqual([
      { action: 'disable_account', status: 'done', detail: 'account disabled' },
      { action: 'cancel_todos', status: 'done', detail: '4 open to-do(s) removed, 0 already done kept' },
    ]);

    const todoIds = ready.progress.checklist.map((i: any) => i.todoId);
    const left = await em().find(Todo, { id: { $in: todoIds } });
    expect(left.map((t) => [t.title.startsWith('Order equipment'), t.status])).toEqual([[true, 'done']]);
    expect((await em().findOneOrFail(User, { id: ready.progress.userId })).status).toBe('disabled');
    expect(await searchAttributes(env, id)).toMatchObject({ status: 'cancelled', assignees: undefined });
    // Closed: nothing more to report or cancel.
    expect((await env.api.post(url(id, '/checklist/buddy/done'), undefined, env.tokens.pete)).status).toBe(409);
  });

  it('refuses bad input before anything durable exists', async () => {
    const bad = await env.api.post(
      ONB,
      { username: 'quinn', email: 'quinn@example.test', displayName: 'Q', managerId: '00000000-0000-4000-8000-000000000000', startDate: 'tomorrow' },
      env.tokens.harry,
    );
    expect(bad.status).toBe(422);
    const noManager = await env.api.post(
      ONB,
      { username: 'quinn', email: 'quinn@example.test', displayName: 'Q', managerId: '00000000-0000-4000-8000-000000000000', startDate: new Date().toISOString() },
      env.tokens.harry,
    );
    expect(noManager.status).toBe(422);
    expect(JSON.stringify(noManager.body)).toContain('body.managerId');
    const taken = await env.api.post(
      ONB,
      { username: 'alice', email: 'alice2@example.test', displayName: 'A', managerId: env.t.users.pete.id, startDate: new Date().toISOString() },
      env.tokens.harry,
    );
    expect(taken.status).toBe(409);
    expect((await env.api.post(ONB, { username: 'x' }, env.tokens.alice)).status).toBe(403);
  });

  it("keeps tenants apart: another tenant's admin gets 404 for every route and never lists it", async () => {
    const id = await startOnboarding(env, 'sven', { startInMs: 3_600_000 });
    await until(env, id, (v) => v.progress?.status === 'awaiting_activation');
    const b = await createTenant(env.rt);
    const bAdmin = await tokenFor(env.rt, b.users.admin);
    expect((await env.api.get(url(id), bAdmin)).status).toBe(404);
    expect((await env.api.post(url(id, '/cancel'), { reason: 'hijack' }, bAdmin)).status).toBe(404);
    expect((await env.api.post(url(id, '/checklist/equipment/done'), undefined, bAdmin)).status).toBe(404);
    // Same username in B is B's own business key: a different workflow.
    const bList = await env.api.get(`${ONB}?pageSize=100`, bAdmin);
    expect(bList.status).toBe(200);
    expect(JSON.stringify(bList.body)).not.toContain(env.t.tenantCode);
    const still = await until(env, id, () => true);
    expect(still.progress.status).toBe('awaiting_activation');
    expect((await env.api.post(url(id, '/cancel'), { reason: 'cleanup' }, env.tokens.harry)).status).toBe(202);
    await until(env, id, (v) => v.execution === 'completed');
  });
});
