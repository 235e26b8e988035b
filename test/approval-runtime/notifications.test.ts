/**
 * Approval notifications end to end (issue 9 §1): API → workflow → notice activity → in-app
 * messages and mail through the real SMTP listener. Counts are read once the workflow has
 * closed: it awaits its last notices before closing, so nothing can still arrive afterwards.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Activities } from '../../activities';
import { InAppMessage, NotificationDelivery } from '../../db/entities';
import { startSmtpListener, type SmtpListener } from '../harness/smtp';
import { APPROVALS, act, approval, openTaskOf, publish, startRuntimeEnv, submit, until, type RuntimeEnv, type Who } from './helpers';

const PUBLIC_URL = 'https://signoff.example.test';

describe('approval notifications', () => {
  let env: RuntimeEnv;
  let smtp: SmtpListener;
  /** Requests whose notice activity "loses its reply" on its first attempt (a forced retry). */
  const lostReply = new Set<string>();
  const attempts: { instanceId: string; type: string; attempt: number }[] = [];

  const wrap = (acts: Activities): Activities => ({
    ...acts,
    async notifyApprovalEvent(notice) {
      const { attempt } = Context.current().info;
      attempts.push({ instanceId: notice.instanceId, type: notice.type, attempt });
      const out = await acts.notifyApprovalEvent(notice);
      if (attempt === 1 && lostReply.has(notice.instanceId)) throw ApplicationFailure.retryable('injected: reply lost after the work was done', 'InjectedTransient');
      return out;
    },
  });

  beforeAll(async () => {
    smtp = await startSmtpListener();
    env = await startRuntimeEnv({ ...smtp.env, PUBLIC_URL }, { wrapActivities: wrap });
  });
  afterAll(async () => {
    await env?.close();
    await smtp?.close();
  });

  const post = (who: Who, path: string, body: unknown = {}) => env.api.post(`${APPROVALS}/${path}`, body, env.tokens[who]);

  /** Wait for the run to close: every notice it sent has finished by then. */
  async function closed(instanceId: string) {
    const d = await until(env, instanceId, (x) => x.workflowId);
    const client = await env.rt.temporal();
    await client.workflow.getHandle(d.workflowId).result();
  }

  /** In-app messages of one user about one request, by category. */
  async function messages(userId: string, title: string) {
    const rows = await env.rt.orm.em.fork().find(InAppMessage, { tenantId: env.t.tenantId, userId }, { orderBy: { createdAt: 'asc' } });
    return rows.filter((m) => m.title.includes(title) && m.category.startsWith('approval-')).map((m) => ({ category: m.category, body: m.body }));
  }
  const mails = (who: Who, title: string) => smtp.messages.filter((m) => m.to.includes(env.t.users[who].email) && m.subject.includes(title));
  const kinds = async (who: Who, title: string) => (await messages(env.id(who), title)).map((m) => m.category).sort();

  it('tells every approver once per task across transfer, add-sign, escalation and forced retries', async () => {
    const key = await publish(env, [
      approval('one', [env.id('pete')], { allowAddSign: true }),
      approval('two', [env.id('harry')], { time: { timeoutAfter: '2s', timeoutAction: { type: 'escalate', to: 'manager' } } }),
    ]);
    // The first mail (pete's) is refused by the server: the notice activity retries.
    smtp.refuseNext(1);
    const id = await submit(env, key);
    lostReply.add(id);
    const title = (await until(env, id, (x) => x.tasks.some((t: any) => t.status === 'open'))).title as string;

    let d = (await post('pete', `${id}/tasks/${openTaskOf(await until(env, id, () => true), env.id('pete'))}/transfer`, { toUserId: env.id('carol') })).body;
    const carolTask = openTaskOf(d, env.id('carol'));
    d = (await post('carol', `${id}/tasks/${carolTask}/add-sign`, { userIds: [env.id('fiona')], position: 'before' })).body;
    d = (await act(env, 'fiona', id, openTaskOf(d, env.id('fiona')), 'approve')).body;
    d = (await act(env, 'carol', id, carolTask, 'approve')).body;
    // Harry does nothing: after 2 s the step escalates to his manager.
    d = await until(env, id, (x) => x.tasks.some((t: any) => t.stepId === 'two' && t.status === 'transferred'));
    const escalated = d.tasks.find((t: any) => t.stepId === 'two' && t.status === 'open');
    const manager = (Object.keys(env.t.users) as Who[]).find((w) => env.id(w) === escalated.assignee.userId)!;
    d = (await act(env, manager, id, escalated.taskId, 'approve')).body;
    expect(d.status).toBe('approved');
    await closed(id);

    for (const who of ['pete', 'carol', 'fiona', 'harry'] as Who[]) {
      expect(await kinds(who, title)).toEqual(['approval-assigned']);
      expect(mails(who, title)).toHaveLength(1);
    }
    // The manager was told of the escalated task; alice (the initiator) only of the outcome.
    expect((await kinds(manager, title)).filter((k) => k === 'approval-assigned')).toHaveLength(1);
    expect(await kinds('alice', title)).toEqual(['approval-finished']);
    expect(mails('alice', title).map((m) => m.subject)).toEqual([`Your request "${title}" was approved`]);

    // What a notice says: template, step, who acted, the link.
    const [carolMail] = mails('carol', title);
    expect(carolMail.subject).toBe(`To approve: "${title}"`);
    expect(carolMail.text).toContain('was transferred to you');
    expect(carolMail.text).toContain(`Step: Step one`);
    expect(carolMail.text).toContain(`By: ${env.t.users.pete.displayName}`);
    expect(carolMail.text).toContain(`${PUBLIC_URL}/approvals/requests/${id}`);
    expect(mails(manager, title)[0].text).toContain('escalated to you');
    expect(mails('fiona', title)[0].text).toContain('you were added as a signer');

    // The retries did happen: the refused mail and the lost replies were tried again.
    expect(smtp.refused()).toBe(1);
    expect(attempts.filter((a) => a.instanceId === id && a.attempt > 1).length).toBeGreaterThan(0);
    // One ledger row per (event, recipient, channel), all sent.
    const rows = await env.rt.orm.em.fork().find(NotificationDelivery, { tenantId: env.t.tenantId, userId: env.id('pete'), type: 'approval_assigned' });
    expect(rows.filter((r) => r.dedupeKey.startsWith(d.workflowId)).map((r) => [r.channel, r.status]).sort()).toEqual([
      ['email', 'sent'],
      ['in_app', 'sent'],
    ]);
  });

  it('respects the preferences: mail off means an in-app message only', async () => {
    const off = await env.api.put('/api/v1/me/notification-preferences', { channels: { approval_assigned: ['in_app'] } }, env.tokens.fiona);
    expect(off.status).toBe(200);
    const key = await publish(env, [approval('one', [env.id('fiona')])]);
    const id = await submit(env, key);
    const d = await until(env, id, (x) => x.tasks.some((t: any) => t.status === 'open'));
    await act(env, 'fiona', id, openTaskOf(d, env.id('fiona')), 'approve');
    await closed(id);
    expect(await kinds('fiona', d.title)).toEqual(['approval-assigned']);
    expect(mails('fiona', d.title)).toHaveLength(0);
    // Alice's preferences are hers: she still gets the outcome by mail.
    expect(mails('alice', d.title)).toHaveLength(1);
  });

  it('tells the initiator of comments, returns and outcomes, but not of what they did themselves', async () => {
    const key = await publish(env, [
      approval('one', [env.id('pete')], { onReject: { type: 'returnToInitiator' } }),
      { kind: 'cc', id: 'tell', name: 'Tell HR', recipients: { type: 'users', userIds: [env.id('harry')] } },
      approval('two', [env.id('carol')]),
    ] as never);
    const id = await submit(env, key);
    let d = await until(env, id, (x) => x.tasks.some((t: any) => t.status === 'open'));
    const title = d.title as string;
    expect((await post('alice', `${id}/comment`, { comment: 'my own note' })).status).toBe(200);
    expect((await post('pete', `${id}/comment`, { comment: 'looking at it' })).status).toBe(200);
    d = (await act(env, 'pete', id, openTaskOf(d, env.id('pete')), 'reject', 'amount missing')).body;
    expect(d.status).toBe('returned');
    d = (await post('alice', `${id}/resubmit`, { form: { amount: 200 } })).body;
    d = await until(env, id, (x) => x.status === 'running' && x.tasks.some((t: any) => t.status === 'open' && t.round === 2));
    d = (await act(env, 'pete', id, openTaskOf(d, env.id('pete')), 'approve')).body;
    d = await until(env, id, (x) => x.tasks.some((t: any) => t.stepId === 'two' && t.status === 'open'));
    d = (await act(env, 'carol', id, openTaskOf(d, env.id('carol')), 'reject', 'no')).body;
    expect(d.status).toBe('rejected');
    await closed(id);

    const alice = await messages(env.id('alice'), title);
    expect(alice.map((m) => m.category)).toEqual(['approval-commented', 'approval-returned', 'approval-finished']);
    expect(alice[0].body).toContain('looking at it');
    expect(alice[0].body).not.toContain('my own note');
    expect(alice[2].body).toContain(`By: ${env.t.users.carol.displayName}`);
    expect(mails('alice', title).map((m) => m.subject)).toEqual([`New comment on "${title}"`, `Returned to you: "${title}"`, `Your request "${title}" was rejected`]);
    // Pete was asked in both rounds (two tasks), harry copied once; the commenters are not told of their own comments.
    expect(await kinds('pete', title)).toEqual(['approval-assigned', 'approval-assigned']);
    expect(await kinds('harry', title)).toEqual(['approval-cc']);
  });

  it('is quiet to whoever withdraws, and tells the administrators of a timeout when the step says so', async () => {
    const key = await publish(env, [approval('one', [env.id('pete')], { time: { timeoutAfter: '1s', timeoutAction: { type: 'notifyAdmin' } } })]);
    const id = await submit(env, key);
    const d = await until(env, id, (x) => x.timeline.some((e: any) => e.type === 'timed_out'));
    await post('alice', `${id}/withdraw`, { comment: 'not needed' });
    await closed(id);
    expect(await kinds('alice', d.title)).toEqual([]);
    expect(await kinds('admin', d.title)).toEqual(['approval-timed-out']);
    expect(mails('admin', d.title)[0].subject).toBe(`Overdue approval: "${d.title}"`);
  });
});
