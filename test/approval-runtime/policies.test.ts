/**
 * Policies that shape a flow without anyone deciding: urge and its rate limit, what happens
 * when a step finds nobody to ask (autoApprove, autoReject, assignTo, fail), the other timeout
 * actions (reject, notify the admins), and step timers that start afresh after a return and
 * resubmission. Through the HTTP API on the real dev server and database; seconds, not hours.
 */
import { InAppMessage } from '../../db/entities';
import { uniqueCode } from '../harness/harness';
import { APPROVALS, act, approval, openTaskOf, publish, startRuntimeEnv, statuses, submit, until, type RuntimeEnv } from './helpers';

describe('approval policies', () => {
  let env: RuntimeEnv;
  let emptyRole: string;

  beforeAll(async () => {
    env = await startRuntimeEnv();
    // A role nobody holds: a step asking it finds no one.
    emptyRole = uniqueCode('nobody_');
    const created = await env.api.post('/api/v1/roles', { code: emptyRole, name: 'Nobody', dataScope: 'self', permissions: [] }, env.tokens.admin);
    expect(created.status).toBe(201);
  });
  afterAll(async () => {
    await env?.close();
  });

  const assigned = (d: any) => d.tasks.some((t: any) => t.status === 'open');
  const types = (d: any): string[] => d.timeline.map((e: any) => e.type);
  /** Messages of one request to one person; `category`: only urges and reminders ('approval'), or one notice type. */
  const messagesTo = (who: 'pete' | 'admin', workflowId: string, category = 'approval') =>
    env.rt.orm.em.fork().find(InAppMessage, { tenantId: env.t.tenantId, userId: env.id(who), category, dedupeKey: { $like: `${workflowId}:%` } });

  it('urge: the initiator reminds the holders once an hour; nobody else may', async () => {
    const key = await publish(env, [approval('one', [env.id('pete')])]);
    const id = await submit(env, key);
    const d = await until(env, id, assigned);
    const urge = (who: 'alice' | 'pete') => env.api.post(`${APPROVALS}/${id}/urge`, { comment: 'the trip is next week' }, env.tokens[who]);

    const first = await urge('alice');
    expect(first.status).toBe(200);
    expect(types(first.body)).toContain('urged');
    expect(await messagesTo('pete', d.workflowId)).toHaveLength(1);
    const again = await urge('alice');
    expect([again.status, again.body.code]).toEqual([409, 'urge_too_soon']);
    const notInitiator = await urge('pete');
    expect([notInitiator.status, notInitiator.body.code]).toEqual([422, 'not_initiator']);
    expect(await messagesTo('pete', d.workflowId)).toHaveLength(1);
  });

  it('nobody to ask: autoApprove passes, autoReject rejects, assignTo asks the named people, fail ends plainly', async () => {
    const nobody = (policy: Record<string, unknown>) => approval('empty', [], { assignees: { type: 'role', roleCodes: [emptyRole] }, emptyAssignee: policy });

    const passes = await publish(env, [nobody({ type: 'autoApprove' }), approval('then', [env.id('pete')])]);
    const p = await until(env, await submit(env, passes), assigned);
    expect(statuses(p)).toEqual(['then:Pete:open']);
    expect(p.timeline.find((e: any) => e.type === 'step_approved' && e.stepId === 'empty').data.automatic).toBe(true);

    const rejects = await publish(env, [nobody({ type: 'autoReject' }), approval('then', [env.id('pete')])]);
    const r = await until(env, await submit(env, rejects), (x) => x.status !== 'running');
    expect(r.status).toBe('rejected');
    expect(r.tasks).toEqual([]);

    const handed = await publish(env, [nobody({ type: 'assignTo', userIds: [env.id('carol')] })]);
    const h = await until(env, await submit(env, handed), assigned);
    expect(statuses(h)).toEqual(['empty:Carol:open']);

    const fails = await publish(env, [nobody({ type: 'fail' })]);
    const f = await until(env, await submit(env, fails), (x) => x.status !== 'running');
    expect(f.status).toBe('failed');
    expect(types(f)).toContain('step_failed');
  });

  it('timeout actions: reject ends the request; notify-admin tells the tenant admins and keeps waiting', async () => {
    const rejecting = await publish(env, [approval('slow', [env.id('pete')], { time: { timeoutAfter: '2s', timeoutAction: { type: 'reject' } } })]);
    const r = await until(env, await submit(env, rejecting), (x) => x.status !== 'running', 'alice', 20_000);
    expect(r.status).toBe('rejected');
    expect(types(r)).toEqual(expect.arrayContaining(['timed_out', 'step_rejected', 'completed']));
    expect(statuses(r)).toEqual(['slow:Pete:cancelled']);

    const notifying = await publish(env, [approval('slow', [env.id('pete')], { time: { timeoutAfter: '2s', timeoutAction: { type: 'notifyAdmin' } } })]);
    const id = await submit(env, notifying);
    const n = await until(env, id, (x) => types(x).includes('timed_out'), 'alice', 20_000);
    expect(n.status).toBe('running');
    expect(statuses(n)).toEqual(['slow:Pete:open']);
    const done = await act(env, 'pete', id, openTaskOf(n, env.id('pete')), 'approve');
    expect(done.body.status).toBe('approved');
    // The notice is not awaited by the flow; the run awaits it before it closes.
    await (await env.rt.temporal()).workflow.getHandle(n.workflowId).result();
    expect(await messagesTo('admin', n.workflowId, 'approval-timed-out')).toHaveLength(1);
  });

  it('timers start afresh when the step is entered again after a return and resubmission', async () => {
    const key = await publish(env, [
      approval('check', [env.id('pete')], { onReject: { type: 'returnToInitiator' }, time: { remindAfter: '2s' } }),
    ]);
    const id = await submit(env, key);
    const d = await until(env, id, assigned);
    // Returned before its reminder fell due…
    const returned = await act(env, 'pete', id, openTaskOf(d, env.id('pete')), 'reject', 'fill in the amount');
    expect(returned.body.status).toBe('returned');
    await new Promise((r) => setTimeout(r, 2500));
    expect(types(await until(env, id, () => true))).not.toContain('reminded');
    // …resubmitted: the step is entered again and its reminder runs from this entry.
    const resubmitted = await env.api.post(`${APPROVALS}/${id}/resubmit`, { form: { amount: 300 } }, env.tokens.alice);
    expect(resubmitted.status).toBe(200);
    const reminded = await until(env, id, (x) => types(x).includes('reminded'), 'alice', 20_000);
    // Both instants are the workflow's own: the second entry of the step, and its reminder.
    const at = (type: string) => reminded.timeline.filter((e: any) => e.type === type).map((e: any) => Date.parse(e.at));
    const enteredAgain = at('assigned').at(-1)!;
    expect(at('assigned')).toHaveLength(2);
    expect(at('reminded')).toHaveLength(1);
    expect(at('reminded')[0] - enteredAgain).toBeGreaterThanOrEqual(1900);
    expect(statuses(reminded)).toEqual(['check:Pete:rejected', 'check:Pete:open']);
  });
});
