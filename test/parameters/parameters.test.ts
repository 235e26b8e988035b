/**
 * Tenant parameters on the real API, worker, Temporal dev server, MariaDB and Redis: the view with
 * defaults, whole-set validation (422 at the field, nothing applied), PUT/PATCH semantics, tenant
 * isolation, permissions, the Redis cache seen by a second API process at once, and what each
 * parameter drives: password policy, session lifetime, reminder lead, digest schedule, and an
 * approval step timeout in working days computed over holidays by the running workflow.
 */
import { join } from 'node:path';
import { createTenant, createTestRuntime, DEMO, startTestApi, tokenFor, type TenantFixture, type TestApi } from '../harness/harness';
import { APPROVALS, approval, openTaskOf, publish, startRuntimeEnv, submit, until, type RuntimeEnv } from '../approval-runtime/helpers';
import { exportClearHistory, itReplaysCommittedHistory, recordingIt } from '../harness/replay';
import type { Runtime } from '../../activities/runtime';
import { PARAMETER_KEYS } from '../../activities/parameters/definitions';
import { AuditChange } from '../../db/entities';
import { addWorkingDays, type WorkingCalendar } from '../../workflows/approval/dsl/calendar';
import { PATCHES } from '../../workflows/approval/patches';
import { digestScheduleId } from '../../workflows/digest/contract';

const PARAMS = '/api/v1/tenant/parameters';
const WORKING_DAYS_HISTORY = join(__dirname, 'histories', 'approval-working-days.json');

/** A local date (YYYY-MM-DD) in a zone, `days` after an instant. */
const localDate = (ms: number, timeZone: string, days = 0) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms + days * 86_400_000));

/** When the step timer of the longest wait fires: its workflow task's time (the workflow's clock) plus its length. */
function longestTimerDeadline(history: any): number {
  const events: any[] = history.events;
  const ms = (d: any) => Number(d?.seconds ?? 0) * 1000 + Math.floor(Number(d?.nanos ?? 0) / 1e6);
  const timers = events.filter((e) => e.timerStartedEventAttributes).map((e) => ({ e, length: ms(e.timerStartedEventAttributes.startToFireTimeout) }));
  const { e, length } = timers.sort((a, b) => b.length - a.length)[0];
  const completed = events.find((x) => Number(x.eventId) === Number(e.timerStartedEventAttributes.workflowTaskCompletedEventId));
  const started = events.find((x) => Number(x.eventId) === Number(completed.workflowTaskCompletedEventAttributes.startedEventId));
  return ms(started.eventTime) + length;
}

describe('tenant parameters', () => {
  let env: RuntimeEnv;
  let other: TenantFixture;
  let otherAdmin: string;
  /** A second API process (its own runtime and connections) on the same database and Redis. */
  let rt2: Runtime;
  let api2: TestApi;

  beforeAll(async () => {
    env = await startRuntimeEnv();
    other = await createTenant(env.rt);
    otherAdmin = await tokenFor(env.rt, other.users.admin);
    rt2 = await createTestRuntime({ TEMPORAL_TASK_QUEUE: env.rt.config.TEMPORAL_TASK_QUEUE });
    api2 = await startTestApi(rt2);
  });
  afterAll(async () => {
    await api2?.close();
    await rt2?.close();
    await env?.close();
  });

  const get = (token = env.tokens.admin) => env.api.get(PARAMS, token);
  const patch = (body: unknown, token = env.tokens.admin) => env.api.patch(PARAMS, body, token);
  const reset = () => env.api.put(PARAMS, {}, env.tokens.admin);

  it('shows every parameter at its platform default, and which are defaults', async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.body.values).toEqual(res.body.platformDefaults);
    expect(res.body.values).toMatchObject({
      workingDays: [1, 2, 3, 4, 5],
      holidays: [],
      reminderLeadSeconds: 3600,
      digestTime: env.rt.config.DIGEST_TIME,
      passwordPolicy: { minLength: 10, requiredClasses: ['letter', 'digit'] },
      sessionLifetimeSeconds: env.rt.config.REFRESH_TOKEN_TTL_SECONDS,
    });
    expect([...res.body.defaulted].sort()).toEqual([...PARAMETER_KEYS].sort());
  });

  it('changes some parameters with PATCH, puts one back with null, and replaces the set with PUT', async () => {
    const changed = await patch({ workingDays: [5, 1, 2], holidays: ['2027-01-01', '2026-12-25'], reminderLeadSeconds: 600 });
    expect(changed.status).toBe(200);
    // Stored in order; the others keep their defaults.
    expect(changed.body.values).toMatchObject({ workingDays: [1, 2, 5], holidays: ['2026-12-25', '2027-01-01'], reminderLeadSeconds: 600, digestTime: env.rt.config.DIGEST_TIME });
    expect(changed.body.defaulted).not.toContain('workingDays');
    expect(changed.body.defaulted).toContain('passwordPolicy');
    expect((await get()).body.values.workingDays).toEqual([1, 2, 5]);
    // In the durable audit of what changed, parameter by parameter, with who changed it.
    const audited = await env.rt.orm.em.fork().find(AuditChange, { tenantId: env.t.tenantId, entity: 'TenantParameter', op: 'create' });
    expect(audited.map((a) => a.changes.parameter?.after).sort()).toEqual(['holidays', 'reminderLeadSeconds', 'workingDays']);
    expect(audited.find((a) => a.changes.parameter?.after === 'workingDays')).toMatchObject({ userId: env.t.users.admin.id, changes: { value: { after: '[1,2,5]' } } });

    const back = await patch({ workingDays: null });
    expect(back.body.values.workingDays).toEqual([1, 2, 3, 4, 5]);
    expect(back.body.defaulted).toContain('workingDays');
    expect(back.body.values.reminderLeadSeconds).toBe(600);

    // PUT: the whole set; what it leaves out goes back to the default.
    const put = await env.api.put(PARAMS, { holidays: ['2026-05-01'] }, env.tokens.admin);
    expect(put.status).toBe(200);
    expect(put.body.values).toMatchObject({ holidays: ['2026-05-01'], reminderLeadSeconds: 3600 });
    expect([...put.body.defaulted].sort()).toEqual(PARAMETER_KEYS.filter((k) => k !== 'holidays').sort());
    await reset();
  });

  it('checks the whole body first: 422 with every field path, and nothing applied', async () => {
    const before = (await get()).body;
    const bad = await patch({
      reminderLeadSeconds: 120, // valid, but must not be applied alone
      workingDays: [0, 3, 3],
      holidays: ['2026-02-30', 'tomorrow'],
      digestTime: '25:00',
      passwordPolicy: { minLength: 4, requiredClasses: ['digit', 'emoji'] },
      sessionLifetimeSeconds: 10,
    });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.code).toBe('validation_failed');
    const paths = bad.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'body.workingDays.0',
        'body.workingDays',
        'body.holidays.0',
        'body.holidays.1',
        'body.digestTime',
        'body.passwordPolicy.minLength',
        'body.passwordPolicy.requiredClasses.1',
        'body.sessionLifetimeSeconds',
      ]),
    );
    expect(paths).not.toContain('body.reminderLeadSeconds');
    expect((await get()).body).toEqual(before);

    // Unknown parameters and empty working weeks are refused too, by PUT as by PATCH.
    const unknown = await env.api.put(PARAMS, { colour: 'blue', workingDays: [] }, env.tokens.admin);
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['body', 'body.workingDays']));
    expect((await get()).body).toEqual(before);
  });

  it("keeps each tenant's parameters its own", async () => {
    await patch({ digestTime: '07:15', holidays: ['2026-10-01'] });
    const theirs = await get(otherAdmin);
    expect(theirs.body.values).toEqual(theirs.body.platformDefaults);
    // Their change does not reach this tenant either.
    expect((await env.api.patch(PARAMS, { holidays: ['2026-07-04'] }, otherAdmin)).status).toBe(200);
    expect((await get()).body.values).toMatchObject({ digestTime: '07:15', holidays: ['2026-10-01'] });
    expect(await env.rt.services.tenantParameters.get(other.tenantId)).toMatchObject({ holidays: ['2026-07-04'], digestTime: env.rt.config.DIGEST_TIME });
    await reset();
    await env.api.put(PARAMS, {}, otherAdmin);
  });

  it('needs tenant:read to read and tenant:update to change', async () => {
    expect((await get(env.tokens.alice)).status).toBe(403);
    expect((await patch({ reminderLeadSeconds: 60 }, env.tokens.alice)).status).toBe(403);
    expect((await env.api.put(PARAMS, {}, env.tokens.alice)).status).toBe(403);
    // HR (tenant:read in its built-in role, or not) never changes them.
    expect((await patch({ reminderLeadSeconds: 60 }, env.tokens.harry)).status).toBe(403);
    expect((await get()).body.values.reminderLeadSeconds).toBe(3600);
  });

  it('is seen at once by another API process sharing Redis (cache invalidated on change)', async () => {
    const admin2 = await tokenFor(rt2, env.t.users.admin);
    // Both processes have read (and cached) the current set.
    expect((await api2.get(PARAMS, admin2)).body.values.reminderLeadSeconds).toBe(3600);
    expect((await rt2.services.tenantParameters.get(env.t.tenantId)).reminderLeadSeconds).toBe(3600);
    expect((await env.rt.services.tenantParameters.get(env.t.tenantId)).reminderLeadSeconds).toBe(3600);

    // Changed through process 1: process 2 reads the new value on its very next call.
    expect((await patch({ reminderLeadSeconds: 1800 })).status).toBe(200);
    expect((await rt2.services.tenantParameters.get(env.t.tenantId)).reminderLeadSeconds).toBe(1800);
    expect((await api2.get(PARAMS, admin2)).body.values.reminderLeadSeconds).toBe(1800);

    // And the other way round.
    expect((await api2.patch(PARAMS, { reminderLeadSeconds: null }, admin2)).status).toBe(200);
    expect((await env.rt.services.tenantParameters.get(env.t.tenantId)).reminderLeadSeconds).toBe(3600);
    expect((await get()).body.defaulted).toContain('reminderLeadSeconds');
  });

  it('applies the password policy to resets, changes and new users; temporary passwords meet it', async () => {
    expect((await patch({ passwordPolicy: { minLength: 14, requiredClasses: ['lower', 'upper', 'digit', 'symbol'] } })).status).toBe(200);
    // Carol: a reset ends her sessions, and the later tests act with the others' tokens.
    const carol = env.t.users.carol.id;
    // Meets the old default, not this policy.
    const weak = await env.api.post(`/api/v1/users/${carol}/reset-password`, { newPassword: 'plainpassword12' }, env.tokens.admin);
    expect(weak.status).toBe(422);
    expect(weak.body.errors).toContainEqual(expect.objectContaining({ path: 'body.newPassword', code: 'weak_password', message: 'must contain lowercase letters, uppercase letters, digits and symbols' }));
    const short = await env.api.post(`/api/v1/users/${carol}/reset-password`, { newPassword: 'Sh0rt-Pass!' }, env.tokens.admin);
    expect(short.body.errors).toContainEqual(expect.objectContaining({ message: 'must be at least 14 characters' }));
    const temp = await env.api.post(`/api/v1/users/${carol}/reset-password`, undefined, env.tokens.admin);
    expect(temp.status).toBe(200);
    expect(temp.body.temporaryPassword).toMatch(/[a-z]/);
    expect(temp.body.temporaryPassword).toMatch(/[A-Z]/);
    expect(temp.body.temporaryPassword).toMatch(/\d/);
    expect(temp.body.temporaryPassword).toMatch(/[^A-Za-z0-9]/);

    // Changing one's own password, with the temporary one as the current password.
    const login = await env.api.post('/api/v1/auth/login', { tenantCode: env.t.tenantCode, identifier: 'carol', password: temp.body.temporaryPassword });
    expect(login.status).toBe(200);
    const change = (newPassword: string) => env.api.post('/api/v1/me/password', { currentPassword: temp.body.temporaryPassword, newPassword }, login.body.accessToken);
    const refused = await change('signoff-user-12'); // no capital letter
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toContainEqual(expect.objectContaining({ path: 'body.newPassword', code: 'weak_password' }));
    expect((await change('Signoff-user-1-Longer!')).status).toBe(200);

    const created = await env.api.post('/api/v1/users', { username: 'policy-check', displayName: 'Policy Check', email: 'policy@example.com', password: 'only-lowercase-and-long' }, env.tokens.admin);
    expect(created.status).toBe(422);
    expect(created.body.errors).toContainEqual(expect.objectContaining({ path: expect.stringMatching(/password$/), code: 'weak_password' }));

    // Another tenant keeps the default rule.
    const theirs = await env.api.post(`/api/v1/users/${other.users.alice.id}/reset-password`, { newPassword: 'plainpassword12' }, otherAdmin);
    expect(theirs.status).toBe(200);
    await patch({ passwordPolicy: null });
  });

  it('gives sessions the tenant session lifetime (refresh token expiry, renewed by each refresh)', async () => {
    expect((await patch({ sessionLifetimeSeconds: 7200 })).status).toBe(200);
    const before = Date.now();
    const login = await env.api.post('/api/v1/auth/login', { tenantCode: env.t.tenantCode, identifier: 'pete', password: DEMO.userPassword });
    expect(login.status).toBe(200);
    const lifetime = (pair: { refreshTokenExpiresAt: string }) => Date.parse(pair.refreshTokenExpiresAt) - before;
    // Two hours, not the platform's default (days): the bounds hold on any machine speed.
    expect(lifetime(login.body)).toBeGreaterThanOrEqual(7200 * 1000);
    expect(lifetime(login.body)).toBeLessThan(env.rt.config.REFRESH_TOKEN_TTL_SECONDS * 1000);
    const refreshed = await env.api.post('/api/v1/auth/refresh', { refreshToken: login.body.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(lifetime(refreshed.body)).toBeGreaterThanOrEqual(7200 * 1000);
    expect(lifetime(refreshed.body)).toBeLessThan(env.rt.config.REFRESH_TOKEN_TTL_SECONDS * 1000);
    await patch({ sessionLifetimeSeconds: null });
  });

  it("uses the tenant's reminder lead for users who did not choose their own", async () => {
    expect((await env.api.get('/api/v1/me/notification-preferences', env.tokens.fiona)).body.reminderLeadSeconds).toBe(3600);
    await patch({ reminderLeadSeconds: 900 });
    expect((await env.api.get('/api/v1/me/notification-preferences', env.tokens.fiona)).body.reminderLeadSeconds).toBe(900);
    // A first save of something else starts from the tenant default; one's own choice wins.
    expect((await env.api.put('/api/v1/me/notification-preferences', { maxOverdueReminders: 2 }, env.tokens.fiona)).body.reminderLeadSeconds).toBe(900);
    expect((await env.api.put('/api/v1/me/notification-preferences', { reminderLeadSeconds: 60 }, env.tokens.fiona)).body.reminderLeadSeconds).toBe(60);
    await patch({ reminderLeadSeconds: null });
    expect((await env.api.get('/api/v1/me/notification-preferences', env.tokens.fiona)).body.reminderLeadSeconds).toBe(60);
  });

  it("moves the tenant's digest schedule when the digest time changes", async () => {
    const first = await env.api.get('/api/v1/schedules/digest', env.tokens.admin);
    expect(first.status).toBe(200);
    expect(first.body.at).toBe(env.rt.config.DIGEST_TIME);
    expect((await patch({ digestTime: '06:45' })).status).toBe(200);
    const moved = await env.api.get('/api/v1/schedules/digest', env.tokens.admin);
    expect(moved.body).toMatchObject({ at: '06:45', timeZone: first.body.timeZone });
    // On the Temporal server itself.
    const described = await (await env.rt.temporal()).schedule.getHandle(digestScheduleId(env.t.tenantCode)).describe();
    expect(described.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 6, end: 6, step: 1 }], minute: [{ start: 45, end: 45, step: 1 }] });
    // Back to the default: the schedule follows again.
    await patch({ digestTime: null });
    expect((await env.api.get('/api/v1/schedules/digest', env.tokens.admin)).body.at).toBe(env.rt.config.DIGEST_TIME);
    await (await env.rt.temporal()).schedule.getHandle(digestScheduleId(env.t.tenantCode)).delete();
  });

  describe('approval step durations in working days', () => {
    it('publishes P2WD / 2wd for reminders and timeouts only', async () => {
      const ok = await publish(env, [approval('one', [env.id('pete')], { time: { remindAfter: '1wd', timeoutAfter: 'P2WD', timeoutAction: { type: 'approve' } } })]);
      expect(ok).toBeTruthy();
      const bad = await env.api.post(
        '/api/v1/approval-templates',
        {
          key: 'wd-bad',
          name: 'Bad working days',
          category: 'general',
          formSchema: { fields: [] },
          flow: [
            approval('one', [env.id('pete')], { time: { remindAfter: 'P3WD', remindEvery: '1wd', timeoutAfter: 'P2WD', timeoutAction: { type: 'approve' } } }),
            approval('two', [env.id('pete')], { time: { timeoutAfter: 'P0WD', timeoutAction: { type: 'approve' } } }),
            { kind: 'delay', id: 'wait', name: 'Wait', duration: '2wd' },
          ],
        },
        env.tokens.admin,
      );
      expect(bad.status).toBe(201);
      const published = await env.api.post(`/api/v1/approval-templates/${bad.body.id}/publish`, undefined, env.tokens.admin);
      expect(published.status).toBe(422);
      const problems = published.body.errors.map((e: { path: string; code: string }) => `${e.path} ${e.code}`);
      expect(problems).toEqual(
        expect.arrayContaining([
          'flow[0].time.remindAfter reminder_after_timeout',
          'flow[0].time.remindEvery invalid_duration',
          'flow[1].time.timeoutAfter invalid_duration',
          'flow[2].duration invalid_duration',
        ]),
      );
    });

    it('times a step out on the tenant calendar: holidays skipped, computed by the running workflow from its input', async () => {
      const timeZone: string = (await env.api.get('/api/v1/tenant', env.tokens.admin)).body.timeZone;
      // Every weekday works, but the next two days are holidays: two working days end four days later.
      const now = Date.now();
      const holidays = [localDate(now, timeZone, 1), localDate(now, timeZone, 2)];
      expect((await patch({ workingDays: [1, 2, 3, 4, 5, 6, 7], holidays })).status).toBe(200);
      const key = await publish(env, [approval('one', [env.id('pete')], { time: { timeoutAfter: 'P2WD', timeoutAction: { type: 'approve' } } })]);
      const id = await submit(env, key);
      const d = await until(env, id, (x) => x.tasks.some((t: any) => t.status === 'open'));
      const openedAt = Date.parse(d.tasks.find((t: any) => t.status === 'open').openedAt);
      expect(Number.isNaN(openedAt)).toBe(false);
      const calendar: WorkingCalendar = { timeZone, workingDays: [1, 2, 3, 4, 5, 6, 7], holidays };
      const expected = addWorkingDays(openedAt, 2, calendar);
      expect(localDate(expected, timeZone)).toBe(localDate(openedAt, timeZone, 4));

      const handle = (await env.rt.temporal()).workflow.getHandle(d.workflowId);
      const history = await handle.fetchHistory();
      // The workflow's own timer ends there (to within the workflow clock's steps between entering
      // the step and starting the timer; the calendar moves it by days); the run recorded the patch marker.
      const deadline = longestTimerDeadline(history);
      expect(Math.abs(deadline - expected)).toBeLessThan(60_000);
      expect(localDate(deadline, timeZone)).toBe(localDate(openedAt, timeZone, 4));
      const markers = (history.events ?? []).filter((e: any) => e.markerRecordedEventAttributes?.markerName === 'core_patch');
      expect(markers.length).toBeGreaterThan(0);
      expect(JSON.stringify(history.events)).toContain(Buffer.from(JSON.stringify(PATCHES.workingDayDurations)).toString('base64').slice(0, 16));

      // A calendar change after submit does not move a running request's deadline (the input holds its snapshot).
      await patch({ holidays: null, workingDays: null });
      const approved = await env.api.post(`${APPROVALS}/${id}/tasks/${openTaskOf(d, env.id('pete'))}/approve`, { comment: 'ok' }, env.tokens.pete);
      expect(approved.status).toBe(200);
      expect(approved.body.status).toBe('approved');
    });

    recordingIt('records a finished approval that counted working days', async () => {
      expect((await patch({ holidays: [localDate(Date.now(), 'UTC', 1)] })).status).toBe(200);
      const key = await publish(env, [approval('one', [env.id('pete')], { time: { remindAfter: '1wd', timeoutAfter: 'P2WD', timeoutAction: { type: 'approve' } } })]);
      const id = await submit(env, key);
      const d = await until(env, id, (x) => x.tasks.some((t: any) => t.status === 'open'));
      const approved = await env.api.post(`${APPROVALS}/${id}/tasks/${openTaskOf(d, env.id('pete'))}/approve`, { comment: 'ok' }, env.tokens.pete);
      expect(approved.status).toBe(200);
      expect(approved.body.status).toBe('approved');
      await exportClearHistory(env.rt.config, d.workflowId, WORKING_DAYS_HISTORY);
      await patch({ holidays: null });
    });
  });
});

describe('approval workflow replay: working-day durations', () => {
  itReplaysCommittedHistory(WORKING_DAYS_HISTORY);
});
