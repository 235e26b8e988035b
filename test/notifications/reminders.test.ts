/**
 * To-do reminder workflows end to end: API → TodoEvents → signalWithStart → worker → SMTP
 * listener. Timings come from the users' preferences, in seconds.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import type { Activities } from '../../activities';
import type { Runtime } from '../../activities/runtime';
import { InAppMessage, MailDelivery, NotificationDelivery } from '../../db/entities';
import { SA } from '../../workflows/search-attributes';
import { reminderStateQuery, todoReminderWorkflowId, type ReminderResult } from '../../workflows/reminders/contract';
import { createTestRuntime, startTestApi, startTestWorker, uniqueCode, tenantWithTokens, type TestApi, type TestWorker, type TenantWithTokens } from '../harness/harness';
import { startSmtpListener, type SmtpListener } from '../harness/smtp';

const T = '/api/v1/todos';
const P = '/api/v1/me/notification-preferences';
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('to-do reminder workflows', () => {
  let rt: Runtime;
  let api: TestApi;
  let worker: TestWorker;
  let smtp: SmtpListener;
  let client: Client;
  let t: TenantWithTokens;
  /** To-dos whose notification activity "loses its reply" on the first attempt (forced retry). */
  const lostReply = new Set<string>();
  const attempts: { todoId: string; step: string; attempt: number }[] = [];

  const wrap = (acts: Activities): Activities => ({
    ...acts,
    async sendTodoNotification(input) {
      const { attempt } = Context.current().info;
      attempts.push({ todoId: input.todoId, step: input.dedupeBase.split(':').slice(3).join(':'), attempt });
      const out = await acts.sendTodoNotification(input);
      if (attempt === 1 && lostReply.has(input.todoId)) throw ApplicationFailure.retryable('injected: reply lost after the work was done', 'InjectedTransient');
      return out;
    },
  });

  beforeAll(async () => {
    smtp = await startSmtpListener();
    const taskQueue = uniqueCode('tq-remind-');
    rt = await createTestRuntime({ TEMPORAL_TASK_QUEUE: taskQueue, ...smtp.env });
    api = await startTestApi(rt);
    worker = await startTestWorker(rt, taskQueue, { wrapActivities: wrap });
    client = await rt.temporal();
    t = await tenantWithTokens(rt);
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.close();
    await rt?.close();
    await smtp?.close();
  });

  const wfId = (todoId: string) => todoReminderWorkflowId(t.tenantCode, todoId);
  const result = (todoId: string) => client.workflow.getHandle(wfId(todoId)).result() as Promise<ReminderResult>;
  const mailsAbout = (title: string) => smtp.messages.filter((m) => m.subject.includes(title));
  const deliveriesOf = (todoId: string) => rt.orm.em.fork().find(NotificationDelivery, { tenantId: t.tenantId, dedupeKey: { $like: `${wfId(todoId)}:%` } });
  const create = async (token: string, title: string, dueAt: string | null) => {
    const res = await api.post(T, { title, dueAt }, token);
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  it('reminds before the due time, then repeats the overdue notice; a lost reply never sends twice', async () => {
    await api.put(P, { reminderLeadSeconds: 2, overdueRepeatSeconds: 1, maxOverdueReminders: 2 }, t.tokens.alice);
    const title = `Quarterly report ${uniqueCode('')}`;
    const todoId = await create(t.tokens.alice, title, inSeconds(4));
    lostReply.add(todoId);

    const handle = client.workflow.getHandle(wfId(todoId));
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(SA.process)).toBe('reminder');
    expect(description.typedSearchAttributes.get(SA.tenant)).toBe(t.tenantCode);
    expect(description.typedSearchAttributes.get(SA.businessKey)).toBe(todoId);
    expect((await handle.query(reminderStateQuery)).status).toBe('waiting');

    const outcome = await result(todoId);
    expect(outcome).toMatchObject({ outcome: 'finished', state: { remindersSent: 1, overdueSent: 2, failures: 0, status: 'finished' } });

    // Each of the three notices ran twice (forced retry) but went out once per channel.
    const mine = attempts.filter((a) => a.todoId === todoId);
    expect(mine.filter((a) => a.attempt === 2)).toHaveLength(3);
    const mails = mailsAbout(title);
    expect(mails.map((m) => m.subject.split(':')[0]).sort()).toEqual(['Overdue', 'Overdue', 'Reminder']);
    expect(mails.every((m) => m.to.includes(t.users.alice.email))).toBe(true);
    expect(mails.find((m) => m.subject.includes('notice 2'))).toBeDefined();
    expect(mails[0].raw).toContain('text/html');
    const rows = await deliveriesOf(todoId);
    expect(rows).toHaveLength(6);
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
    const em = rt.orm.em.fork();
    expect(await em.count(InAppMessage, { tenantId: t.tenantId, userId: t.users.alice.id, dedupeKey: { $like: `${wfId(todoId)}:%` } })).toBe(3);
    expect(await em.count(MailDelivery, { tenantId: t.tenantId, dedupeKey: { $like: `${wfId(todoId)}:%` }, status: 'sent' })).toBe(3);

    // The admin ledger shows them.
    const ledger = await api.get(`/api/v1/notifications/deliveries?userId=${t.users.alice.id}&pageSize=100`, t.tokens.admin);
    expect(ledger.body.items.filter((d: { dedupeKey: string }) => d.dedupeKey.startsWith(wfId(todoId)))).toHaveLength(6);
  });

  it('reschedules when the due time moves (no polling: a signal)', async () => {
    await api.put(P, { reminderLeadSeconds: 1, overdueRepeatSeconds: null, maxOverdueReminders: 1, channels: { todo_reminder: ['email'], todo_overdue: ['email'] } }, t.tokens.pete);
    const title = `Move me ${uniqueCode('')}`;
    const todoId = await create(t.tokens.pete, title, inSeconds(3600));
    const handle = client.workflow.getHandle(wfId(todoId));
    expect(await handle.query(reminderStateQuery)).toMatchObject({ status: 'waiting', generation: 0 });

    const newDue = inSeconds(3);
    expect((await api.patch(`${T}/${todoId}`, { dueAt: newDue }, t.tokens.pete)).status).toBe(200);
    const outcome = await result(todoId);
    expect(outcome).toMatchObject({ outcome: 'finished', state: { generation: 1, dueAt: newDue, remindersSent: 1, overdueSent: 1 } });
    const mails = mailsAbout(title);
    expect(mails.map((m) => m.subject.split(':')[0]).sort()).toEqual(['Overdue', 'Reminder']);
    // Email only, as pete chose.
    expect((await deliveriesOf(todoId)).map((d) => d.channel)).toEqual(['email', 'email']);
  });

  it('cancels when the to-do is completed, deleted or loses its due time', async () => {
    await api.put(P, { reminderLeadSeconds: 1 }, t.tokens.carol);
    const done = await create(t.tokens.carol, 'Cancel by completing', inSeconds(3));
    const gone = await create(t.tokens.carol, 'Cancel by deleting', inSeconds(3));
    const undated = await create(t.tokens.carol, 'Cancel by clearing', inSeconds(3));
    expect((await api.post(`${T}/${done}/complete`, undefined, t.tokens.carol)).status).toBe(200);
    expect((await api.delete(`${T}/${gone}`, t.tokens.carol)).status).toBe(204);
    expect((await api.patch(`${T}/${undated}`, { dueAt: null }, t.tokens.carol)).status).toBe(200);

    const outcomes = await Promise.all([result(done), result(gone), result(undated)]);
    expect(outcomes.map((o) => [o.outcome, o.state.cancelReason])).toEqual([
      ['cancelled', 'completed'],
      ['cancelled', 'deleted'],
      ['cancelled', 'due time cleared'],
    ]);
    await sleep(3500);
    for (const id of [done, gone, undated]) expect(await deliveriesOf(id)).toHaveLength(0);
    expect(smtp.messages.filter((m) => m.subject.includes('Cancel by'))).toHaveLength(0);
  });

  it('starts a new reminder when a completed to-do is reopened', async () => {
    const todoId = await create(t.tokens.carol, 'Reopen me', inSeconds(3600));
    await api.post(`${T}/${todoId}/complete`, undefined, t.tokens.carol);
    expect((await result(todoId)).outcome).toBe('cancelled');
    await api.post(`${T}/${todoId}/reopen`, undefined, t.tokens.carol);
    const handle = client.workflow.getHandle(wfId(todoId));
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await api.delete(`${T}/${todoId}`, t.tokens.carol);
    expect((await result(todoId)).outcome).toBe('cancelled');
  });
});
