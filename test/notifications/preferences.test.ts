/** Notification preferences (defaults, partial updates, validation) and the delivery ledger API. */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { InAppMessage, MailDelivery, NotificationDelivery } from '../../db/entities';
import { createTestRuntime, tenantWithTokens, useSuite, type TenantWithTokens } from '../harness/harness';

const suite = useSuite();
const P = '/api/v1/me/notification-preferences';
const D = '/api/v1/notifications/deliveries';

/** A port nothing listens on (SMTP "down"). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('notification preferences', () => {
  let t: TenantWithTokens;
  beforeAll(async () => {
    t = await tenantWithTokens(suite.rt);
  });

  it('starts from the defaults', async () => {
    const res = await suite.api.get(P, t.tokens.alice);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      channels: {
        todo_reminder: ['in_app', 'email'],
        todo_overdue: ['in_app', 'email'],
        daily_digest: ['in_app', 'email'],
        approval_assigned: ['in_app', 'email'],
        approval_cc: ['in_app', 'email'],
        approval_returned: ['in_app', 'email'],
        approval_finished: ['in_app', 'email'],
        approval_commented: ['in_app', 'email'],
        approval_timed_out: ['in_app', 'email'],
      },
      reminderLeadSeconds: 3600,
      overdueRepeatSeconds: null,
      maxOverdueReminders: 1,
    });
  });

  it('changes only what the body names, per user', async () => {
    const first = await suite.api.put(P, { channels: { todo_overdue: ['email', 'email'] }, reminderLeadSeconds: 600 }, t.tokens.alice);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ channels: { todo_reminder: ['in_app', 'email'], todo_overdue: ['email'] }, reminderLeadSeconds: 600 });
    const second = await suite.api.put(P, { channels: { todo_reminder: [] }, overdueRepeatSeconds: 300, maxOverdueReminders: 3 }, t.tokens.alice);
    expect(second.body).toEqual({
      channels: expect.objectContaining({ todo_reminder: [], todo_overdue: ['email'], daily_digest: ['in_app', 'email'], approval_assigned: ['in_app', 'email'] }),
      reminderLeadSeconds: 600,
      overdueRepeatSeconds: 300,
      maxOverdueReminders: 3,
    });
    expect((await suite.api.get(P, t.tokens.alice)).body).toEqual(second.body);
    // Somebody else's preferences are untouched.
    expect((await suite.api.get(P, t.tokens.carol)).body.reminderLeadSeconds).toBe(3600);
  });

  it('rejects bad input with field paths and changes nothing', async () => {
    const res = await suite.api.put(P, { channels: { todo_reminder: ['sms'], party: ['email'] }, reminderLeadSeconds: -1, extra: 1 }, t.tokens.carol);
    expect(res.status).toBe(422);
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.channels.todo_reminder.0', 'body.reminderLeadSeconds']));
    expect((await suite.api.get(P, t.tokens.carol)).body.channels.todo_reminder).toEqual(['in_app', 'email']);
  });
});

describe('delivery ledger', () => {
  let t: TenantWithTokens;
  let other: TenantWithTokens;
  beforeAll(async () => {
    t = await tenantWithTokens(suite.rt);
    other = await tenantWithTokens(suite.rt);
  });

  it('delivers once per (step, recipient, channel) however often the activity runs', async () => {
    const dueAt = new Date(Date.now() + 3_600_000).toISOString();
    const input = {
      tenantId: t.tenantId,
      userId: t.users.alice.id,
      type: 'todo_reminder' as const,
      dedupeBase: 'test-wf:remind:1',
      data: { todoTitle: 'Pay <invoices> & more', dueAt },
    };
    const first = await suite.rt.services.notifications.notify(input);
    expect(first.map((o) => [o.channel, o.status, o.sentNow])).toEqual([
      ['in_app', 'sent', true],
      ['email', 'sent', true],
    ]);
    const again = await suite.rt.services.notifications.notify(input);
    expect(again.map((o) => o.sentNow)).toEqual([false, false]);
    const em = suite.rt.orm.em.fork();
    expect(await em.count(InAppMessage, { tenantId: t.tenantId, dedupeKey: { $like: 'test-wf:remind:1:%' } })).toBe(1);
    const mails = await em.find(MailDelivery, { tenantId: t.tenantId, dedupeKey: { $like: 'test-wf:remind:1:%' } });
    expect(mails.map((m) => [m.status, m.attempts])).toEqual([['sent', 1]]);
    expect(mails[0].subject).toContain('Pay <invoices> & more');
  });

  it('records failed deliveries (email down) and lists them for admins only, per tenant', async () => {
    const down = await createTestRuntime({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(await closedPort()), SMTP_SECURE: 'false' });
    try {
      const input = {
        tenantId: t.tenantId,
        userId: t.users.carol.id,
        type: 'todo_overdue' as const,
        dedupeBase: 'test-wf:overdue:1',
        data: { todoTitle: 'Renew licence', dueAt: new Date().toISOString(), sequence: 1 },
      };
      await expect(down.services.notifications.notify(input)).rejects.toThrow();
      await expect(down.services.notifications.notify(input)).rejects.toThrow();
    } finally {
      await down.close();
    }
    const rows = await suite.rt.orm.em.fork().find(NotificationDelivery, { dedupeKey: { $like: 'test-wf:overdue:1:%' } }, { orderBy: { channel: 'asc' } });
    // In-app went out at the first attempt and was not repeated; email failed twice.
    expect(rows.map((r) => [r.channel, r.status, r.attempts])).toEqual([
      ['email', 'failed', 2],
      ['in_app', 'sent', 1],
    ]);
    expect(rows[0].lastError).toBeTruthy();

    const failed = await suite.api.get(`${D}?failed=true`, t.tokens.admin);
    expect(failed.status).toBe(200);
    expect(failed.body.items.map((d: { dedupeKey: string }) => d.dedupeKey)).toEqual([`test-wf:overdue:1:${t.users.carol.id}:email`]);
    const all = await suite.api.get(`${D}?pageSize=2&page=1`, t.tokens.admin);
    expect(all.body).toMatchObject({ total: 4, pageSize: 2 });
    expect(all.body.items).toHaveLength(2);
    const carols = await suite.api.get(`${D}?userId=${t.users.carol.id}&status=sent`, t.tokens.admin);
    expect(carols.body.items.map((d: { channel: string }) => d.channel)).toEqual(['in_app']);

    expect((await suite.api.get(D, t.tokens.alice)).status).toBe(403);
    const foreign = await suite.api.get(D, other.tokens.admin);
    expect(foreign.body).toMatchObject({ total: 0, items: [] });
  });
});

describe('one notice to several users (the approval fan-out)', () => {
  let t: TenantWithTokens;
  let other: TenantWithTokens;
  beforeAll(async () => {
    t = await tenantWithTokens(suite.rt);
    other = await tenantWithTokens(suite.rt);
  });

  const notice = (base: string, userIds: string[]) => ({
    tenantId: t.tenantId,
    userIds,
    type: 'todo_reminder' as const,
    dedupeBase: base,
    data: { todoTitle: 'Quarterly close', dueAt: new Date(Date.now() + 3_600_000).toISOString() },
  });
  const ledger = (base: string) =>
    suite.rt.orm.em.fork().find(NotificationDelivery, { tenantId: t.tenantId, dedupeKey: { $like: `${base}:%` } }, { orderBy: { userId: 'asc', channel: 'asc' } });

  it('tells everyone once; a retry resumes who got what, and strangers are nobody to tell', async () => {
    const base = 'test-wf:fanout:1';
    const { alice, carol, pete } = t.users;
    const down = await createTestRuntime({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(await closedPort()), SMTP_SECURE: 'false' });
    try {
      // SMTP down: both told in-app at once, their mails recorded as failed, and the call fails.
      await expect(down.services.notifications.notifyAll(notice(base, [alice.id, carol.id]))).rejects.toThrow();
    } finally {
      await down.close();
    }
    expect((await ledger(base)).map((r) => [r.userId, r.channel, r.status, r.attempts])).toEqual(
      [
        [alice.id, 'email', 'failed', 1],
        [alice.id, 'in_app', 'sent', 1],
        [carol.id, 'email', 'failed', 1],
        [carol.id, 'in_app', 'sent', 1],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );

    // The retry, with pete added, an unknown id and a user of another tenant.
    const unknown = '00000000-0000-4000-8000-000000000000';
    const { outcomes, missing } = await suite.rt.services.notifications.notifyAll(notice(base, [alice.id, carol.id, pete.id, unknown, other.users.alice.id, pete.id]));
    expect(missing.sort()).toEqual([unknown, other.users.alice.id].sort());
    for (const resumed of [alice.id, carol.id]) {
      expect(outcomes.get(resumed)!.map((o) => [o.channel, o.status, o.sentNow])).toEqual([
        ['in_app', 'sent', false],
        ['email', 'sent', true],
      ]);
    }
    expect(outcomes.get(pete.id)!.map((o) => [o.channel, o.status, o.sentNow])).toEqual([
      ['in_app', 'sent', true],
      ['email', 'sent', true],
    ]);
    const rows = await ledger(base);
    expect(rows).toHaveLength(6);
    expect(rows.every((r) => r.status === 'sent' && r.refId)).toBe(true);
    expect(rows.filter((r) => r.channel === 'email').map((r) => [r.userId, r.attempts]).sort()).toEqual(
      [
        [alice.id, 2],
        [carol.id, 2],
        [pete.id, 1],
      ].sort(),
    );
    const em = suite.rt.orm.em.fork();
    const messages = await em.find(InAppMessage, { dedupeKey: { $like: `${base}:%` } });
    expect(messages.map((m) => m.userId).sort()).toEqual([alice.id, carol.id, pete.id].sort());
    const mails = await em.find(MailDelivery, { dedupeKey: { $like: `${base}:%` } });
    expect(mails.map((m) => m.status)).toEqual(['sent', 'sent', 'sent']);
    expect(await em.count(NotificationDelivery, { tenantId: other.tenantId, dedupeKey: { $like: `${base}:%` } })).toBe(0);

    // Everything went out: a third run sends nothing.
    const third = await suite.rt.services.notifications.notifyAll(notice(base, [alice.id, carol.id, pete.id]));
    expect([...third.outcomes.values()].flat().every((o) => !o.sentNow)).toBe(true);
  });

  it('a key written meanwhile makes the batch fall back to one by one, still delivering each once', async () => {
    const base = 'test-wf:fanout:2';
    const { alice, pete } = t.users;
    // An in-app message under pete's key exists though no ledger row says so (written between
    // the fan-out's read and its insert): the batch insert hits the unique key and writes nothing.
    const em = suite.rt.orm.em.fork();
    em.create(InAppMessage, { id: crypto.randomUUID(), tenantId: t.tenantId, userId: pete.id, title: 'earlier', body: 'earlier', dedupeKey: `${base}:${pete.id}:in_app` });
    await em.flush();

    const { outcomes } = await suite.rt.services.notifications.notifyAll(notice(base, [alice.id, pete.id]));
    expect([...outcomes.keys()].sort()).toEqual([alice.id, pete.id].sort());
    const rows = await ledger(base);
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
    expect(await em.fork().count(InAppMessage, { dedupeKey: { $like: `${base}:%` } })).toBe(2);
  });
});
