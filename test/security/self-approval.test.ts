/**
 * Self-approval attacks (issue 8, item 5), through the real API, worker, Temporal and MariaDB:
 * an initiator must never approve their own request, whichever way the flow is built or the
 * approvers act.
 *  - a department head's own request goes to the head above (departmentHead never resolves to
 *    the initiator);
 *  - `initiatorIsApprover: skip` with the initiator as the only approver applies the step's
 *    emptyAssignee policy (here the default, fail) instead of passing, and says why;
 *  - transfer, delegate and add-sign to the initiator are refused (422 initiator_cannot_approve)
 *    and the task stays where it was.
 */
import { ApprovalTask } from '../../db/entities';
import { APPROVALS, approval, openTaskOf, publish, startRuntimeEnv, submit, until, type RuntimeEnv } from '../approval-runtime/helpers';

describe('self-approval attacks', () => {
  let env: RuntimeEnv;
  beforeAll(async () => {
    env = await startRuntimeEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  it("a department head's own request is decided by the head above, not by himself", async () => {
    const key = await publish(env, [{ kind: 'approval', id: 'head', name: 'Department head', assignees: { type: 'departmentHead' } } as never]);
    // pete heads Platform; carol heads Engineering above it.
    const id = await submit(env, key, { amount: 1 }, 'pete');
    const d = await until(env, id, (x) => x.tasks.some((t: any) => t.status === 'open'), 'pete');
    expect(d.tasks.map((t: any) => [t.assignee.userId, t.status])).toEqual([[env.id('carol'), 'open']]);
    expect(d.status).toBe('running');
  });

  it('skip with the initiator as the only approver does not pass the request: the empty-assignee policy (fail) applies, with the reason', async () => {
    const key = await publish(env, [approval('self', [env.id('alice')])], { settings: { initiatorIsApprover: 'skip', autoPassRepeatedApprover: false, resubmitFrom: 'start' } } as never);
    const id = await submit(env, key, { amount: 1 }, 'alice');
    const done = await until(env, id, (x) => x.status !== 'running');
    expect(done.status).toBe('failed');
    expect(JSON.stringify(done.timeline)).toContain('the initiator was the only approver and is skipped (initiatorIsApprover: skip): the instance fails (emptyAssignee: fail)');
    expect(done.timeline.some((e: any) => e.type === 'step_approved')).toBe(false);
  });

  it('transfer, delegate and add-sign cannot hand the task to the initiator; the task stays with its holder', async () => {
    const key = await publish(env, [approval('one', [env.id('pete')], { allowAddSign: true, allowDelegate: true, allowTransfer: true })]);
    const id = await submit(env, key, { amount: 1 }, 'alice');
    const d = await until(env, id, (x) => x.tasks.some((t: any) => t.status === 'open'));
    const task = openTaskOf(d, env.id('pete'));
    const post = (path: string, body: unknown) => env.api.post(`${APPROVALS}/${id}/tasks/${task}/${path}`, body, env.tokens.pete);
    const attempts = [
      await post('transfer', { toUserId: env.id('alice') }),
      await post('delegate', { toUserId: env.id('alice') }),
      await post('add-sign', { userIds: [env.id('carol'), env.id('alice')], position: 'before' }),
    ];
    expect(attempts.map((r) => [r.status, r.body.code])).toEqual(Array(3).fill([422, 'initiator_cannot_approve']));
    expect(attempts[2].body.errors[0].path).toBe('body.userIds.1');
    const tasks = await env.rt.orm.em.fork().find(ApprovalTask, { tenantId: env.t.tenantId, instanceId: id });
    expect(tasks.map((t) => [t.assigneeId, t.status])).toEqual([[env.id('pete'), 'open']]);
  });
});
