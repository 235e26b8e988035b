/**
 * `Server-Timing` (SERVER_TIMING=true) on the real services: a submit and an approve report the
 * phases the benchmark's breakdown is built from (auth, permissions, validation, db, temporal),
 * the phases never add up to more than the request, a refused request is timed too, and the
 * header is absent unless the setting is on.
 */
import { parseServerTiming } from '../../common/timing';
import { startApiEnv, type ApiEnv } from '../harness/harness';
import { createTenant, tokenFor } from '../harness/harness';
import { act, approval, openTaskOf, publish, startRuntimeEnv, until, type RuntimeEnv } from '../approval-runtime/helpers';

const PHASES = ['auth', 'permissions', 'rate_limit', 'validation', 'db', 'temporal', 'other'];

function phasesOf(header: string | null): Record<string, number> {
  expect(header).toBeTruthy();
  const t = parseServerTiming(header);
  const sum = PHASES.reduce((a, p) => a + (t[p] ?? 0), 0);
  // Self times: they add up to the total (rounding to 0.1 ms per phase aside), never beyond it.
  expect(Math.abs(sum - t.total)).toBeLessThan(1);
  return t;
}

describe('Server-Timing', () => {
  let env: RuntimeEnv;
  beforeAll(async () => {
    env = await startRuntimeEnv({ SERVER_TIMING: 'true' });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('breaks a submit and an approve down into auth, permissions, validation, db and Temporal', async () => {
    const key = await publish(env, [approval('one', [env.id('pete')])]);
    const submitted = await env.api.request('POST', '/api/v1/approvals', { body: { templateKey: key, form: { amount: 5 } }, token: env.tokens.alice });
    expect(submitted.status).toBe(202);
    const start = phasesOf(submitted.headers.get('server-timing'));
    for (const p of ['auth', 'permissions', 'validation', 'db', 'temporal']) expect(start[p]).toBeGreaterThan(0);

    const detail = await until(env, submitted.body.instanceId, (d) => d.tasks.some((t: any) => t.status === 'open'));
    const approved = await act(env, 'pete', submitted.body.instanceId, openTaskOf(detail, env.id('pete')), 'approve');
    expect(approved.status).toBe(200);
    const approve = phasesOf(approved.headers.get('server-timing'));
    expect(approve.temporal).toBeGreaterThan(0);
    expect(approve.db).toBeGreaterThan(0);

    // A read needs no Temporal call… and a refused request is timed as well.
    const read = phasesOf((await env.api.request('GET', '/api/v1/approvals/inbox?box=todo', { token: env.tokens.pete })).headers.get('server-timing'));
    expect(read.temporal ?? 0).toBe(0);
    const refused = await env.api.request('GET', '/api/v1/users', { token: 'not-a-token' });
    expect(refused.status).toBe(401);
    expect(phasesOf(refused.headers.get('server-timing')).auth).toBeGreaterThan(0);
  });
});

describe('Server-Timing off (the default)', () => {
  let api: ApiEnv;
  beforeAll(async () => {
    api = await startApiEnv();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('tells clients nothing of the server', async () => {
    const t = await createTenant(api.rt);
    const res = await api.api.request('GET', '/api/v1/users', { token: await tokenFor(api.rt, t.users.admin) });
    expect(res.status).toBe(200);
    expect(res.headers.get('server-timing')).toBeNull();
  });
});
