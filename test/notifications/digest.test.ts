/**
 * The daily digest: one Temporal Schedule per tenant (`digest:<tenant>`) in the tenant's time
 * zone, kept in line with the tenant settings, paused/resumed/triggered by admins; a triggered
 * run sends each user with something to report one digest on their channels, through a real
 * SMTP listener, and a second run the same day sends nobody a second one.
 */
import type { Client } from '@temporalio/client';
import type { Runtime } from '../../activities/runtime';
import { calendarDateIn } from '../../activities/support/plans/service';
import { tenantSender } from '../../activities/support/notifications/mailer';
import { ApprovalInstance, ApprovalTask, InAppMessage, NotificationDelivery } from '../../db/entities';
import { newId } from '../../common/ids';
import { SA } from '../../workflows/search-attributes';
import type { DailyDigestResult } from '../../workflows/digest/contract';
import { createTestRuntime, startTestApi, startTestWorker, uniqueCode, tenantWithTokens, type TestApi, type TestWorker, type TenantWithTokens } from '../harness/harness';
import { startSmtpListener, type SmtpListener } from '../harness/smtp';

const S = '/api/v1/schedules/digest';

describe('daily digest schedule', () => {
  let rt: Runtime;
  let api: TestApi;
  let worker: TestWorker;
  let smtp: SmtpListener;
  let client: Client;
  let t: TenantWithTokens;
  let other: TenantWithTokens;

  beforeAll(async () => {
    smtp = await startSmtpListener();
    const taskQueue = uniqueCode('tq-digest-');
    rt = await createTestRuntime({ TEMPORAL_TASK_QUEUE: taskQueue, DIGEST_TIME: '07:30', ...smtp.env });
    api = await startTestApi(rt);
    worker = await startTestWorker(rt, taskQueue);
    client = await rt.temporal();
    t = await tenantWithTokens(rt);
    other = await tenantWithTokens(rt);
  });

  afterAll(async () => {
    for (const x of [t, other]) await client?.schedule.getHandle(`digest:${x?.tenantCode}`).delete().catch(() => undefined);
    await worker?.stop();
    await api?.close();
    await rt?.close();
    await smtp?.close();
  });

  const digestsTo = (email: string) => smtp.messages.filter((m) => m.to.includes(email) && m.subject.startsWith('Your day'));

  /** Wait for the schedule's `n`-th run to show and finish; its result. */
  async function nthRun(n: number): Promise<DailyDigestResult> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const view = (await api.get(S, t.tokens.admin)).body;
      if (view.recentRuns.length >= n) return client.workflow.getHandle(view.recentRuns[0].workflowId).result();
      if (Date.now() > deadline) throw new Error(`run ${n} did not start: ${JSON.stringify(view)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('follows the tenant time zone; a triggered run sends each user with news one digest, once per day', async () => {
    // The schedule is created on first use and moves with the tenant's time zone.
    const changed = await api.patch('/api/v1/tenant', { timeZone: 'Asia/Tokyo' }, t.tokens.admin);
    expect(changed.status).toBe(200);
    const view = await api.get(S, t.tokens.admin);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ scheduleId: `digest:${t.tenantCode}`, at: '07:30', timeZone: 'Asia/Tokyo', paused: false });
    // 07:30 in Tokyo (UTC+9, no DST) is 22:30 UTC.
    expect(view.body.nextRuns[0]).toMatch(/T22:30:00(\.000)?Z$/);
    const schedule = await client.schedule.getHandle(`digest:${t.tenantCode}`).describe();
    expect(schedule.typedSearchAttributes.get(SA.tenant)).toBe(t.tenantCode);
    await api.patch('/api/v1/tenant', { timeZone: 'Europe/Berlin' }, t.tokens.admin);
    expect((await api.get(S, t.tokens.admin)).body.timeZone).toBe('Europe/Berlin');

    // Alice: a plan item, an overdue and a due-later to-do. Carol: an approval waiting for her. Harry: nothing.
    const now = Date.now();
    const today = calendarDateIn('Europe/Berlin', new Date(now));
    const tag = uniqueCode('');
    expect((await api.put('/api/v1/plans/today', { items: [{ text: `Write the plan ${tag}` }] }, t.tokens.alice)).status).toBe(200);
    const alice = { tenantId: t.tenantId, userId: t.users.alice.id, via: 'access_token' as const, permissions: new Set<string>() };
    await rt.services.todos.create(alice, { title: `Overdue thing ${tag}`, dueAt: new Date(now - 3_600_000).toISOString() });
    const later = new Date(now + 5 * 60_000);
    await rt.services.todos.create(alice, { title: `Later thing ${tag}`, dueAt: later.toISOString() });
    const em = rt.orm.em.fork();
    const instanceId = newId();
    em.create(ApprovalInstance, {
      id: instanceId, tenantId: t.tenantId, workflowId: `approval:${t.tenantCode}:${instanceId}`, templateId: newId(), templateKey: 'leave', templateVersion: 1,
      templateName: 'Leave', title: `Leave of Alice ${tag}`, initiatorId: t.users.alice.id, initiatorDepartmentId: null, status: 'running', form: {},
      currentStepIds: ['head'], currentAssigneeIds: [t.users.carol.id], round: 1, submittedAt: new Date(now - 60_000), finishedAt: null, projectedSeq: 1,
    } as never);
    em.create(ApprovalTask, {
      id: newId(), tenantId: t.tenantId, instanceId, stepId: 'head', stepName: 'Department head', kind: 'approval', assigneeId: t.users.carol.id,
      status: 'open', position: 0, round: 1, openedAt: new Date(now - 60_000), actedAt: null,
    } as never);
    await em.flush();

    const triggered = await api.post(`${S}/trigger`, {}, t.tokens.admin);
    expect(triggered.status).toBe(202);
    const first = await nthRun(1);
    expect(first).toMatchObject({ date: today, sent: 2 });
    expect(first.recipients).toBeGreaterThanOrEqual(6);

    const [aliceMail] = digestsTo(t.users.alice.email);
    expect(aliceMail.text).toContain(`Write the plan ${tag}`);
    expect(aliceMail.text).toContain(`Overdue thing ${tag}`);
    if (calendarDateIn('Europe/Berlin', later) === today) expect(aliceMail.text).toMatch(new RegExp(`Due today:\\n  - Later thing ${tag}`));
    const [carolMail] = digestsTo(t.users.carol.email);
    expect(carolMail.text).toContain(`Approvals waiting for you (1):\n  - Leave of Alice ${tag}: Department head`);
    expect(digestsTo(t.users.harry.email)).toEqual([]);
    // The tenant's own sender name, the platform's address.
    expect(carolMail.headers.from).toContain(`Tenant ${t.tenantCode} (Signoff)`);
    expect(carolMail.from).toBe(tenantSender(rt.config.MAIL_FROM, null).address);
    const inApp = await rt.orm.em.fork().find(InAppMessage, { tenantId: t.tenantId, userId: t.users.alice.id, category: 'daily-digest' });
    expect(inApp).toHaveLength(1);

    // Again the same day: the ledger already holds every delivery; nobody gets a second one.
    await api.post(`${S}/trigger`, {}, t.tokens.admin);
    const second = await nthRun(2);
    expect(second.date).toBe(today);
    expect(digestsTo(t.users.alice.email)).toHaveLength(1);
    expect(digestsTo(t.users.carol.email)).toHaveLength(1);
    const deliveries = await rt.orm.em.fork().find(NotificationDelivery, { tenantId: t.tenantId, type: 'daily_digest' });
    expect(deliveries.map((d) => d.dedupeKey).every((k) => k.startsWith(`digest:${t.tenantCode}:${today}:`))).toBe(true);
    expect(deliveries).toHaveLength(4);
  });

  it('admins pause and resume it; others may not; each tenant sees only its own', async () => {
    const paused = await api.post(`${S}/pause`, { note: 'Company holiday' }, t.tokens.admin);
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ paused: true, note: 'Company holiday' });
    expect((await client.schedule.getHandle(`digest:${t.tenantCode}`).describe()).state.paused).toBe(true);
    const resumed = await api.post(`${S}/unpause`, {}, t.tokens.admin);
    expect(resumed.body.paused).toBe(false);

    const refused = await api.post(`${S}/pause`, {}, t.tokens.alice);
    expect([refused.status, refused.body.code]).toEqual([403, 'permission_denied']);
    const badNote = await api.post(`${S}/pause`, { note: 'x'.repeat(201) }, t.tokens.admin);
    expect([badNote.status, badNote.body.errors?.[0]?.path]).toEqual([422, 'body.note']);

    const theirs = await api.get(S, other.tokens.admin);
    expect(theirs.body.scheduleId).toBe(`digest:${other.tenantCode}`);
    await api.post(`${S}/pause`, {}, other.tokens.admin);
    expect((await api.get(S, t.tokens.admin)).body.paused).toBe(false);
  });
});
