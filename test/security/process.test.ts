/**
 * Attacks on the processes the API starts and follows (issue 8, item 11), through the real API,
 * worker, Temporal and MariaDB. Each attack must fail twice over: by its answer, and by leaving
 * nothing changed in the database or in Temporal.
 *  - two concurrent activations with one token: exactly one sets a password;
 *  - someone without onboarding rights cannot tell an onboarding that exists (running, closed)
 *    from one that does not, by id or by username;
 *  - a reader whose data scope does not cover the provisioned user's department cannot read
 *    the provisioning.
 */
import { Todo, User } from '../../db/entities';
import { tokenFor } from '../harness/harness';
import { ONB, STRONG_PASSWORD, startOnbEnv, startOnboarding, until, updatesAccepted, url, waitForTokens, type OnbEnv } from '../onboarding/helpers';

describe('process attacks', () => {
  let env: OnbEnv;
  let fiona: string;
  beforeAll(async () => {
    env = await startOnbEnv();
    fiona = await tokenFor(env.rt, env.t.users.fiona);
  });
  afterAll(async () => {
    await env?.close();
  });

  const em = () => env.rt.orm.em.fork();
  const login = (username: string, password: string) => env.api.post('/api/v1/auth/login', { tenantCode: env.t.tenantCode, identifier: username, password });
  /** What a probe learns: status, code and message, with the id it asked about taken out. */
  const answer = (res: { status: number; body: any }, id: string) => ({
    status: res.status,
    code: res.body?.code,
    detail: typeof res.body?.detail === 'string' ? res.body.detail.split(id).join('<id>') : res.body?.detail,
  });

  it('two concurrent activations with one token: exactly one succeeds, and only its password is set', async () => {
    const id = await startOnboarding(env, 'vera', { startInMs: 3_600_000 });
    await until(env, id, (v) => v.progress?.status === 'awaiting_activation');
    const [token] = await waitForTokens(env, 'vera@example.test', 1);
    const passwords = ['First-racer-password-42', 'Second-racer-password-42'];

    const results = await Promise.all(passwords.map((password) => env.api.post(`${ONB}/activate`, { token, password })));

    expect(results.map((r) => r.status).sort()).toEqual([200, 404]);
    const loser = results.find((r) => r.status === 404)!;
    expect(loser.body.code).toBe('invalid_activation_token');
    const winnerPassword = passwords[results.findIndex((r) => r.status === 200)];
    const loserPassword = passwords.find((p) => p !== winnerPassword)!;
    // The database holds the winner's password only: the loser's never got written.
    expect((await login('vera', loserPassword)).status).toBe(401);
    expect((await login('vera', winnerPassword)).status).toBe(200);
    // Temporal: the token was consumed once.
    expect(await updatesAccepted(env, id, 'onboarding.activate')).toBe(1);
    const after = await until(env, id, (v) => v.progress?.stepsDone.includes('activation'));
    expect(after.progress.activatedAt).not.toBeNull();

    await env.api.post(url(id, '/cancel'), { reason: 'test over' }, env.tokens.harry);
  });

  it('a weak password consumes nothing: the token still works afterwards', async () => {
    const id = await startOnboarding(env, 'walt', { startInMs: 3_600_000 });
    const [token] = await waitForTokens(env, 'walt@example.test', 1);
    const weak = await env.api.post(`${ONB}/activate`, { token, password: 'short' });
    expect([weak.status, weak.body.code]).toEqual([422, 'validation_failed']);
    expect(await updatesAccepted(env, id, 'onboarding.activate')).toBe(0);
    expect((await em().findOneOrFail(User, { tenantId: env.t.tenantId, username: 'walt' })).passwordHash).toBeNull();
    expect((await env.api.post(`${ONB}/activate`, { token, password: STRONG_PASSWORD })).status).toBe(200);
    await env.api.post(url(id, '/cancel'), { reason: 'test over' }, env.tokens.harry);
  });

  it('without onboarding rights, an existing onboarding (running or closed) answers exactly like none', async () => {
    // Running with its checklist (items held by pete, admin and the new hire), and one closed.
    const running = await startOnboarding(env, 'xavi', { startInMs: 3_600_000 });
    const [token] = await waitForTokens(env, 'xavi@example.test', 1);
    expect((await env.api.post(`${ONB}/activate`, { token, password: STRONG_PASSWORD })).status).toBe(200);
    const ready = await until(env, running, (v) => v.progress?.stepsDone.includes('checklist_created'));
    const closed = await startOnboarding(env, 'yara', { startInMs: 3_600_000 });
    await until(env, closed, (v) => v.progress?.status === 'awaiting_activation');
    expect((await env.api.post(url(closed, '/cancel'), { reason: 'withdrawn' }, env.tokens.harry)).status).toBe(202);
    await until(env, closed, (v) => v.execution === 'completed');

    const code = env.t.tenantCode;
    const ids = {
      running,
      closed,
      neverStarted: `onboarding:${code}:nobody-here`,
      userWithoutOnboarding: `onboarding:${code}:carol`,
    };
    // alice is an employee; fiona a manager of another department (user:read, no onboarding:manage).
    for (const [who, token] of [['alice', env.tokens.alice], ['fiona', fiona]] as const) {
      const probes = {
        view: (id: string) => env.api.get(url(id), token),
        reportKnownItem: (id: string) => env.api.post(url(id, '/checklist/equipment/done'), undefined, token),
        reportUnknownItem: (id: string) => env.api.post(url(id, '/checklist/no-such-item/done'), undefined, token),
        cancel: (id: string) => env.api.post(url(id, '/cancel'), { reason: 'probe' }, token),
      };
      for (const [probe, call] of Object.entries(probes)) {
        const answers = await Promise.all(Object.values(ids).map(async (id) => answer(await call(id), id)));
        expect({ who, probe, answers: answers.slice(1) }).toEqual({ who, probe, answers: answers.slice(1).map(() => answers[0]) });
        expect(answers[0].status).toBe(probe === 'cancel' ? 403 : 404);
      }
    }

    // Nothing changed: no item reported, every to-do open, the running one still running, the closed one as it was.
    const now = await until(env, running, () => true);
    expect(now.execution).toBe('running');
    expect(now.progress.checklist.filter((i: any) => i.done)).toEqual([]);
    expect(await updatesAccepted(env, running, 'onboarding.checklistDone')).toBe(0);
    expect(await updatesAccepted(env, running, 'onboarding.cancel')).toBe(0);
    const todos = await em().find(Todo, { id: { $in: ready.progress.checklist.map((i: any) => i.todoId) } });
    expect(todos.map((t) => t.status)).toEqual(ready.progress.checklist.map(() => 'open'));
    expect((await until(env, closed, () => true)).progress.status).toBe('cancelled');

    await env.api.post(url(running, '/cancel'), { reason: 'test over' }, env.tokens.harry);
  });

  it("a reader whose data scope misses the user's department cannot read the provisioning", async () => {
    const res = await env.api.post(
      '/api/v1/provisioning',
      { username: 'zane', email: 'zane@example.test', displayName: 'Zane', departmentId: env.t.departments.platform.id, roleIds: [], sendWelcomeEmail: false },
      env.tokens.admin,
    );
    expect(res.status).toBe(202);
    const { workflowId, statusUrl } = res.body;
    const deadline = Date.now() + 30_000;
    let status: any;
    do {
      status = (await env.api.get(statusUrl, env.tokens.admin)).body;
      if (status.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 250));
    } while (Date.now() < deadline);
    expect(status.status).toBe('completed');
    const userId = status.result.userId;

    // pete leads Platform (department tree): in scope. fiona manages Finance: out of scope.
    expect((await env.api.get(statusUrl, env.tokens.pete)).status).toBe(200);
    const denied = await env.api.get(statusUrl, fiona);
    const unknownId = `provision:${env.t.tenantCode}:nobody-here`;
    const unknown = await env.api.get(`/api/v1/provisioning/${encodeURIComponent(unknownId)}`, fiona);
    expect(answer(denied, workflowId)).toEqual(answer(unknown, unknownId));
    expect(denied.status).toBe(404);
    expect(JSON.stringify(denied.body)).not.toContain(userId);
    // Read-only, and the user stays as provisioned.
    expect((await em().findOneOrFail(User, { tenantId: env.t.tenantId, id: userId })).departmentId).toBe(env.t.departments.platform.id);
    // Without user:read or user:provision it is 403 before the id is looked at.
    expect((await env.api.get(statusUrl, env.tokens.alice)).status).toBe(403);
  });
});
