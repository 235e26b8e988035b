/**
 * Approval modes end to end (HTTP → Temporal → worker → MariaDB read model): sequential,
 * countersign, or-sign, vote; what each holder's inbox shows afterwards.
 */
import { act, approval, inbox, openTaskOf, publish, startRuntimeEnv, statuses, submit, until, type RuntimeEnv } from './helpers';

describe('approval modes', () => {
  let env: RuntimeEnv;
  beforeAll(async () => {
    env = await startRuntimeEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  const assigned = (d: any) => d.tasks.some((t: any) => t.status === 'open');

  it('sequential: asks one person after the other, then approves the request', async () => {
    const key = await publish(env, [approval('seq', [env.id('pete'), env.id('carol')], { mode: 'sequential' })]);
    const id = await submit(env, key);
    let d = await until(env, id, assigned);
    expect(d).toMatchObject({ status: 'running', template: { key, version: 1 }, initiator: { userId: env.id('alice') }, form: { amount: 100 } });
    expect(statuses(d)).toEqual(['seq:Pete:open', 'seq:Carol:waiting']);
    expect(d.currentSteps).toEqual([{ stepId: 'seq', stepName: 'Step seq', holders: [expect.objectContaining({ userId: env.id('pete') })] }]);

    // Carol cannot act before her turn.
    const early = await act(env, 'carol', id, d.tasks[1].taskId, 'approve');
    expect([early.status, early.body.code]).toEqual([409, 'task_not_open']);

    const first = await act(env, 'pete', id, openTaskOf(d, env.id('pete')), 'approve', 'fine by me');
    expect(first.status).toBe(200);
    expect(statuses(first.body)).toEqual(['seq:Pete:approved', 'seq:Carol:open']);

    const second = await act(env, 'carol', id, openTaskOf(first.body, env.id('carol')), 'approve');
    expect(second.status).toBe(200);
    d = second.body;
    expect(d.status).toBe('approved');
    expect(d.finishedAt).toEqual(expect.any(String));
    expect(d.currentSteps).toEqual([]);
    expect(d.timeline.map((e: any) => e.type)).toEqual(['submitted', 'assigned', 'approved', 'turn', 'approved', 'step_approved', 'completed']);
    expect(d.timeline[2]).toMatchObject({ actor: { userId: env.id('pete') }, data: { comment: 'fine by me' } });
  });

  it('countersign: the first reject ends the step, siblings show "cancelled: step rejected", not done', async () => {
    const key = await publish(env, [approval('cs', [env.id('pete'), env.id('carol'), env.id('fiona')], { mode: 'all' })]);
    const id = await submit(env, key);
    const d = await until(env, id, assigned);
    expect(statuses(d)).toEqual(['cs:Pete:open', 'cs:Carol:open', 'cs:Fiona:open']);
    expect((await act(env, 'pete', id, openTaskOf(d, env.id('pete')), 'approve')).status).toBe(200);
    const rejected = await act(env, 'carol', id, openTaskOf(d, env.id('carol')), 'reject', 'over budget');
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe('rejected');
    expect(statuses(rejected.body)).toEqual(['cs:Pete:approved', 'cs:Carol:rejected', 'cs:Fiona:cancelled']);
    expect(rejected.body.tasks[2].reason).toBe('cancelled: step rejected');

    expect((await inbox(env, 'fiona', 'todo')).filter((i) => i.instanceId === id)).toEqual([]);
    expect((await inbox(env, 'fiona', 'done')).filter((i) => i.instanceId === id)).toEqual([]);
    expect((await inbox(env, 'carol', 'done')).filter((i) => i.instanceId === id)).toMatchObject([{ task: { status: 'rejected' }, status: 'rejected' }]);
    const late = await act(env, 'fiona', id, openTaskOf(d, env.id('fiona')), 'approve');
    expect(late.status).toBe(409);
  });

  it("or-sign: the first approval passes; the others' tasks are cancelled and not in their done list", async () => {
    const key = await publish(env, [approval('or', [env.id('pete'), env.id('carol')], { mode: 'any' })]);
    const id = await submit(env, key);
    const d = await until(env, id, assigned);
    const res = await act(env, 'carol', id, openTaskOf(d, env.id('carol')), 'approve');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('approved');
    expect(statuses(res.body)).toEqual(['or:Pete:cancelled', 'or:Carol:approved']);
    expect(res.body.tasks[0].reason).toBe('cancelled: approved by another approver');
    expect((await inbox(env, 'pete', 'todo')).filter((i) => i.instanceId === id)).toEqual([]);
    expect((await inbox(env, 'pete', 'done')).filter((i) => i.instanceId === id)).toEqual([]);
    expect((await inbox(env, 'carol', 'done')).filter((i) => i.instanceId === id)).toHaveLength(1);
  });

  it('or-sign: two holders approving at the same moment produce exactly one outcome', async () => {
    const key = await publish(env, [approval('race', [env.id('pete'), env.id('carol')], { mode: 'any' })]);
    const id = await submit(env, key);
    const d = await until(env, id, assigned);
    const [a, b] = await Promise.all([act(env, 'pete', id, openTaskOf(d, env.id('pete')), 'approve'), act(env, 'carol', id, openTaskOf(d, env.id('carol')), 'approve')]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    // The loser is refused either way: its task was closed by the winner's approval, or, if it
    // arrives a moment later, the whole request is already over.
    expect(['task_not_open', 'instance_finished']).toContain([a, b].find((r) => r.status === 409)!.body.code);
    const final = await until(env, id, (x) => x.status === 'approved');
    expect(final.tasks.filter((t: any) => t.status === 'approved')).toHaveLength(1);
    expect(final.tasks.filter((t: any) => t.status === 'cancelled')).toHaveLength(1);
    expect(final.timeline.filter((e: any) => e.type === 'approved')).toHaveLength(1);
    expect(final.timeline.filter((e: any) => e.type === 'completed')).toHaveLength(1);
  });

  it('vote: rejected early once the threshold can no longer be reached', async () => {
    const key = await publish(env, [approval('vote', [env.id('pete'), env.id('carol'), env.id('fiona')], { mode: 'vote', voteThreshold: 60 })]);
    const id = await submit(env, key);
    const d = await until(env, id, assigned);
    const one = await act(env, 'pete', id, openTaskOf(d, env.id('pete')), 'reject');
    expect(one.body.status).toBe('running'); // 2 of 3 can still make 60 %
    const two = await act(env, 'carol', id, openTaskOf(d, env.id('carol')), 'reject');
    expect(two.body.status).toBe('rejected');
    expect(statuses(two.body)).toEqual(['vote:Pete:rejected', 'vote:Carol:rejected', 'vote:Fiona:cancelled']);
  });

  it('vote: passes as soon as the threshold is reached', async () => {
    const key = await publish(env, [approval('vote2', [env.id('pete'), env.id('carol'), env.id('fiona')], { mode: 'vote', voteThreshold: 60 })]);
    const id = await submit(env, key);
    const d = await until(env, id, assigned);
    expect((await act(env, 'pete', id, openTaskOf(d, env.id('pete')), 'approve')).body.status).toBe('running');
    const two = await act(env, 'fiona', id, openTaskOf(d, env.id('fiona')), 'approve');
    expect(two.body.status).toBe('approved');
    expect(statuses(two.body)).toEqual(['vote2:Pete:approved', 'vote2:Carol:cancelled', 'vote2:Fiona:approved']);
  });
});
