/**
 * The approval read side: statistics (counts, completion and waiting times, overdue tasks,
 * data scope, date range, tenant isolation) and batch approve (per-item results through the
 * single approve's path, idempotent per item, nothing half-applied on bad input).
 */
import { tokenFor, createTenant, type TenantFixture } from '../harness/harness';
import { APPROVALS, act, approval, openTaskOf, publish, startRuntimeEnv, submit, until, type RuntimeEnv } from '../approval-runtime/helpers';

describe('approval statistics and batch approve', () => {
  let env: RuntimeEnv;
  let other: TenantFixture;
  let otherAdmin: string;
  beforeAll(async () => {
    env = await startRuntimeEnv();
    other = await createTenant(env.rt);
    otherAdmin = await tokenFor(env.rt, other.users.admin);
  });
  afterAll(async () => {
    await env?.close();
  });

  const assigned = (d: any) => d.tasks.some((t: any) => t.status === 'open');
  const stats = (token: string, query: string) => env.api.get(`${APPROVALS}/stats?${query}`, token);

  describe('GET /approvals/stats', () => {
    let key: string;
    let openId: string;
    const startedAt = new Date(Date.now() - 1000).toISOString();

    beforeAll(async () => {
      // Two steps: Pete, then Carol; Carol's step times out after 1 s and only notifies the admins.
      key = await publish(env, [approval('one', [env.id('pete')]), approval('two', [env.id('carol')], { time: { timeoutAfter: '1s', timeoutAction: { type: 'notifyAdmin' } } })]);
      const approved = await submit(env, key);
      let d = await until(env, approved, assigned);
      expect((await act(env, 'pete', approved, openTaskOf(d, env.id('pete')), 'approve')).status).toBe(200);
      d = await until(env, approved, (x) => x.tasks.some((t: any) => t.stepId === 'two' && t.status === 'open'));
      expect((await act(env, 'carol', approved, openTaskOf(d, env.id('carol')), 'approve')).status).toBe(200);

      const rejected = await submit(env, key);
      d = await until(env, rejected, assigned);
      expect((await act(env, 'pete', rejected, openTaskOf(d, env.id('pete')), 'reject', 'no')).status).toBe(200);

      openId = await submit(env, key);
      d = await until(env, openId, assigned);
      expect((await act(env, 'pete', openId, openTaskOf(d, env.id('pete')), 'approve')).status).toBe(200);
      await until(env, openId, (x) => x.tasks.some((t: any) => t.stepId === 'two' && t.status === 'open'));
      await until(env, approved, (x) => x.status === 'approved');
      await until(env, rejected, (x) => x.status === 'rejected');
      // Past the 1 s timeout of step two.
      await new Promise((r) => setTimeout(r, 1500));
    });

    it('counts by status, completion and waiting times, overdue by step timeout', async () => {
      const res = await stats(env.tokens.admin, `templateKey=${key}`);
      expect(res.status).toBe(200);
      expect(res.body.templates).toHaveLength(1);
      const t = res.body.templates[0];
      expect(t.templateKey).toBe(key);
      expect(t.total).toBe(3);
      expect(t.byStatus).toMatchObject({ running: 1, approved: 1, rejected: 1, withdrawn: 0, returned: 0, failed: 0 });
      expect(t.completion.n).toBe(2);
      expect(t.completion.meanMs).toBeGreaterThanOrEqual(0);
      expect(t.completion.p90Ms).toBeGreaterThanOrEqual(t.completion.meanMs);
      const step = (id: string) => t.steps.find((s: any) => s.stepId === id);
      expect(step('one')).toMatchObject({ waiting: { n: 3 }, open: 0, overdue: 0 });
      expect(step('two')).toMatchObject({ waiting: { n: 1 }, open: 1, overdue: 1 });
      expect(res.body.overdue.total).toBe(1);
      expect(res.body.overdue.items[0]).toMatchObject({ instanceId: openId, stepId: 'two', assigneeId: env.id('carol'), templateKey: key });
      expect(res.body.overdue.items[0].overdueByMs).toBeGreaterThan(0);
    });

    it('olderThan overrides the step timeouts', async () => {
      const long = await stats(env.tokens.admin, `templateKey=${key}&olderThan=1h`);
      expect(long.body.overdue.total).toBe(0);
      expect(long.body.templates[0].steps.find((s: any) => s.stepId === 'two').overdue).toBe(0);
      const short = await stats(env.tokens.admin, `templateKey=${key}&olderThan=1ms`);
      expect(short.body.overdue.total).toBe(1);
      expect(short.body.overdueRule).toContain('1ms');
    });

    it('filters by submission date range', async () => {
      const inRange = await stats(env.tokens.admin, `templateKey=${key}&from=${encodeURIComponent(startedAt)}`);
      expect(inRange.body.templates[0].total).toBe(3);
      const before = await stats(env.tokens.admin, `templateKey=${key}&to=${encodeURIComponent(startedAt)}`);
      expect(before.body.templates).toEqual([]);
      const future = await stats(env.tokens.admin, `templateKey=${key}&from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
      expect(future.body.templates).toEqual([]);
      expect(future.body.overdue).toEqual({ total: 0, items: [] });
    });

    it('refuses bad queries', async () => {
      const bad = await stats(env.tokens.admin, 'olderThan=soon');
      expect(bad.status).toBeGreaterThanOrEqual(400);
      expect(bad.status).toBeLessThan(500);
      const reversed = await stats(env.tokens.admin, `from=${encodeURIComponent(new Date().toISOString())}&to=${encodeURIComponent(startedAt)}`);
      expect(reversed.status).toBeGreaterThanOrEqual(400);
      expect(reversed.status).toBeLessThan(500);
    });

    it('needs approval:view-all and respects the data scope', async () => {
      // Harry holds no approval:view-all.
      expect((await stats(env.tokens.harry, `templateKey=${key}`)).status).toBe(403);
      // Fiona's scope is Finance; Alice (the initiator) is in Platform.
      const fiona = await stats(env.tokens.fiona, `templateKey=${key}`);
      expect(fiona.status).toBe(200);
      expect(fiona.body.templates).toEqual([]);
      expect(fiona.body.overdue.total).toBe(0);
      // Carol heads Engineering, whose subtree holds Platform.
      const carol = await stats(env.tokens.carol, `templateKey=${key}`);
      expect(carol.body.templates[0].total).toBe(3);
    });

    it("never counts another tenant's requests", async () => {
      const res = await stats(otherAdmin, `templateKey=${key}`);
      expect(res.status).toBe(200);
      expect(res.body.templates).toEqual([]);
      const all = await stats(otherAdmin, '');
      expect(JSON.stringify(all.body)).not.toContain(openId);
      expect(JSON.stringify(all.body)).not.toContain(key);
    });
  });

  describe('POST /approvals/batch-approve', () => {
    const batch = (token: string, body: unknown, key?: string) =>
      env.api.request('POST', `${APPROVALS}/batch-approve`, { body, token, headers: key ? { 'Idempotency-Key': key } : {} });

    it('approves the valid items and reports foreign and already-done ones, once per key', async () => {
      const key = await publish(env, [approval('one', [env.id('pete')]), approval('two', [env.id('carol')])]);
      const a = await submit(env, key);
      const b = await submit(env, key);
      const done = await submit(env, key);
      const items: { instanceId: string; taskId: string }[] = [];
      for (const id of [a, b, done]) items.push({ instanceId: id, taskId: openTaskOf(await until(env, id, assigned), env.id('pete')) });
      expect((await act(env, 'pete', done, items[2].taskId, 'approve')).status).toBe(200);

      // A request of another tenant, with a task of its own Pete.
      const created = await env.api.post(
        '/api/v1/approval-templates',
        { key: 'foreign-tpl', name: 'Foreign', category: 'general', formSchema: { fields: [] }, flow: [approval('x', [other.users.pete.id])] },
        otherAdmin,
      );
      expect(created.status).toBe(201);
      expect((await env.api.post(`/api/v1/approval-templates/${created.body.id}/publish`, undefined, otherAdmin)).status).toBe(201);
      const otherAlice = await tokenFor(env.rt, other.users.alice);
      const foreign = await env.api.request('POST', APPROVALS, { body: { templateKey: 'foreign-tpl', form: {} }, token: otherAlice });
      expect(foreign.status).toBe(202);
      const foreignDetail = await (async () => {
        const otherPete = await tokenFor(env.rt, other.users.pete);
        for (let i = 0; i < 100; i++) {
          const r = await env.api.get(`${APPROVALS}/${foreign.body.instanceId}`, otherPete);
          if (r.status === 200 && r.body.tasks.some((t: any) => t.status === 'open')) return r.body;
          await new Promise((res) => setTimeout(res, 150));
        }
        throw new Error('foreign request never assigned');
      })();
      const foreignItem = { instanceId: foreign.body.instanceId, taskId: openTaskOf(foreignDetail, other.users.pete.id) };

      const body = { items: [items[0], foreignItem, items[2], items[1]], comment: 'batch ok' };
      const first = await batch(env.tokens.pete, body, 'batch-1');
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ approved: 2, failed: 2 });
      expect(first.body.results.map((r: any) => [r.instanceId, r.ok, r.status, r.code])).toEqual([
        [a, true, 200, null],
        [foreignItem.instanceId, false, 404, 'approval_not_found'],
        [done, false, 409, 'task_not_open'],
        [b, true, 200, null],
      ]);
      expect(first.body.results[0].instanceStatus).toBe('running');

      // The same key again: same answers, no second effect.
      const again = await batch(env.tokens.pete, body, 'batch-1');
      expect(again.body.results.map((r: any) => [r.ok, r.status, r.code])).toEqual(first.body.results.map((r: any) => [r.ok, r.status, r.code]));
      for (const id of [a, b]) {
        const d = await until(env, id, (x) => x.tasks.some((t: any) => t.stepId === 'two' && t.status === 'open'));
        expect(d.timeline.filter((e: any) => e.type === 'approved')).toHaveLength(1);
        expect(d.tasks.find((t: any) => t.stepId === 'one')).toMatchObject({ status: 'approved', comment: 'batch ok' });
      }
      // The other tenant's task is untouched.
      const otherPete = await tokenFor(env.rt, other.users.pete);
      const still = await env.api.get(`${APPROVALS}/${foreignItem.instanceId}`, otherPete);
      expect(still.body.tasks[0].status).toBe('open');

      // Someone else's task in a request I can see is refused like the single approve.
      const c = await submit(env, key);
      const cd = await until(env, c, assigned);
      const notMine = await batch(env.tokens.carol, { items: [{ instanceId: c, taskId: openTaskOf(cd, env.id('pete')) }] });
      expect(notMine.body.results[0]).toMatchObject({ ok: false, status: 422, code: 'not_task_holder' });
    });

    it('refuses a malformed batch as a whole, applying nothing', async () => {
      const key = await publish(env, [approval('one', [env.id('pete')])]);
      const id = await submit(env, key);
      const taskId = openTaskOf(await until(env, id, assigned), env.id('pete'));
      const dup = await batch(env.tokens.pete, { items: [{ instanceId: id, taskId }, { instanceId: id, taskId }] });
      expect(dup.status).toBe(422);
      expect((await batch(env.tokens.pete, { items: [] })).status).toBe(422);
      expect((await batch(env.tokens.pete, { items: [{ instanceId: 'nope', taskId }] })).status).toBe(422);
      const d = await until(env, id, assigned);
      expect(d.tasks[0].status).toBe('open');
      expect(d.status).toBe('running');
    });
  });
});
