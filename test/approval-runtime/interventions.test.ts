/**
 * Administrators' interventions, end to end on the real dev server (API → Update → workflow →
 * read model, audit log, notices): cancel, reassign, retry a stalled system step, return to a
 * passed step. Who may: `approval:intervene` (approvers and employees get 403), in the caller's
 * tenant (another tenant's admin gets 404) and data scope (an admin whose scope misses the
 * initiator's department gets 404, one whose scope covers it may); reassigning to a user of
 * another tenant, an inactive user or the initiator is 422.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { AuditLog, NotificationDelivery, User } from '../../db/entities';
import { SA } from '../../workflows/search-attributes';
import { createTenant, tokenFor, type TenantFixture } from '../harness/harness';
import { APPROVALS, act, approval, openTaskOf, publish, startRuntimeEnv, submit, until, type RuntimeEnv, type Who } from './helpers';

describe('approval interventions (administrators)', () => {
  let env: RuntimeEnv;
  let other: TenantFixture;
  let otherAdmin: string;
  let server: Server;
  let base: string;
  /** Statuses the webhook receiver answers, in turn (then 200). */
  const answers: number[] = [];
  const calls: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      calls.push(String(req.headers['idempotency-key']));
      res.writeHead(answers.shift() ?? 200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    env = await startRuntimeEnv({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' });
    other = await createTenant(env.rt);
    otherAdmin = await tokenFor(env.rt, other.users.admin);
  });
  afterAll(async () => {
    await env?.close();
    await new Promise((r) => server?.close(r));
  });

  const intervene = (token: string, id: string, kind: string, body: unknown, headers: Record<string, string> = {}) =>
    env.api.request('POST', `${APPROVALS}/${id}/interventions/${kind}`, { body, token, headers });
  const asAdmin = (id: string, kind: string, body: unknown) => intervene(env.tokens.admin, id, kind, body);

  /** Deliveries of one notice type to one user about one request (the ledger, all channels). */
  async function told(userId: string, type: string, workflowId: string, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = await env.rt.orm.em.fork().find(NotificationDelivery, { tenantId: env.t.tenantId, userId, type });
      const mine = rows.filter((r) => r.dedupeKey.startsWith(workflowId));
      if (mine.length || Date.now() > deadline) return mine;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async function auditRows(id: string, kind: string) {
    await env.rt.services.audit.flush();
    return env.rt.orm.em.fork().find(AuditLog, { tenantId: env.t.tenantId, targetId: id, action: `POST ${APPROVALS}/:id/interventions/${kind}` });
  }

  /** A user holding one new role (`approval:intervene` and this scope), in the given department. */
  async function scopedAdmin(dataScope: string, departmentId: string) {
    const role = await env.api.post('/api/v1/roles', { code: `intervene_${randomUUID().slice(0, 6)}`, name: 'Intervener', dataScope, permissions: ['approval:intervene'] }, env.tokens.admin);
    expect(role.status).toBe(201);
    const username = `ops${randomUUID().slice(0, 6)}`;
    const user = await env.api.post('/api/v1/users', { username, email: `${username}@example.test`, displayName: username, roleIds: [role.body.id], departmentId }, env.tokens.admin);
    expect(user.status).toBe(201);
    return tokenFor(env.rt, { id: user.body.id, tenantId: env.t.tenantId });
  }

  it('cancels a running request: tasks closed, status and search attribute cancelled, audited, initiator told', async () => {
    const key = await publish(env, [approval('one', [env.id('pete'), env.id('carol')], { mode: 'all' })]);
    const id = await submit(env, key);
    const d = await until(env, id, (x) => x.tasks.filter((t: any) => t.status === 'open').length === 2);

    // Bad input and wrong people change nothing.
    const noReason = await asAdmin(id, 'cancel', {});
    expect(noReason.status).toBe(422);
    expect(noReason.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await asAdmin(id, 'cancel', { reason: '   ' })).status).toBe(422);
    for (const who of ['alice', 'pete', 'carol'] as Who[]) {
      const res = await intervene(env.tokens[who], id, 'cancel', { reason: 'mine now' });
      expect(res.status).toBe(403);
    }
    expect((await intervene(otherAdmin, id, 'cancel', { reason: 'not yours' })).status).toBe(404);
    expect((await until(env, id, () => true)).status).toBe('running');

    const res = await asAdmin(id, 'cancel', { reason: 'Duplicate of another request' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('cancelled');
    expect(res.body.tasks.map((t: any) => [t.status, t.reason])).toEqual([
      ['cancelled', 'cancelled: request cancelled by an administrator'],
      ['cancelled', 'cancelled: request cancelled by an administrator'],
    ]);
    const event = res.body.timeline.find((e: any) => e.type === 'admin_cancelled');
    expect(event).toMatchObject({ actor: { userId: env.id('admin') }, data: { reason: 'Duplicate of another request' } });

    const handle = (await env.rt.temporal()).workflow.getHandle(d.workflowId);
    expect(await handle.result()).toMatchObject({ status: 'cancelled' });
    expect((await handle.describe()).typedSearchAttributes.get(SA.status)).toBe('cancelled');
    expect((await told(env.id('alice'), 'approval_finished', d.workflowId)).length).toBeGreaterThan(0);
    const audit = await auditRows(id, 'cancel');
    expect(audit.filter((a) => a.success).map((a) => [a.userId, a.status])).toEqual([[env.id('admin'), 200]]);
    // The refused calls are in the audit log too, with their codes.
    expect(audit.filter((a) => !a.success).map((a) => a.status).sort()).toEqual([403, 403, 403, 422, 422]);

    // Over is over.
    const again = await asAdmin(id, 'cancel', { reason: 'again' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('instance_finished');
  });

  it('reassigns an open task to another active user of the tenant, who is told; the old task closes as reassigned', async () => {
    const key = await publish(env, [approval('one', [env.id('pete')]), approval('two', [env.id('fiona')])]);
    const id = await submit(env, key);
    const d = await until(env, id, (x) => x.tasks.some((t: any) => t.status === 'open'));
    const taskId = openTaskOf(d, env.id('pete'));
    const body = (toUserId: string, reason = 'Pete is on leave') => ({ reason, taskId, toUserId });

    // Attacks on the new holder: another tenant's user, an inactive user, the initiator.
    const foreign = await asAdmin(id, 'reassign', body(other.users.carol.id));
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors[0]).toMatchObject({ path: 'body.toUserId', code: 'not_found' });
    const goneName = `gone${randomUUID().slice(0, 6)}`;
    const gone = await env.api.post('/api/v1/users', { username: goneName, email: `${goneName}@example.test`, displayName: goneName, roleIds: [] }, env.tokens.admin);
    expect(gone.status).toBe(201);
    await env.rt.orm.em.fork().nativeUpdate(User, { id: gone.body.id }, { status: 'disabled' });
    expect((await asAdmin(id, 'reassign', body(gone.body.id))).status).toBe(422);
    const self = await asAdmin(id, 'reassign', body(env.id('alice')));
    expect(self.status).toBe(422);
    expect(self.body.code).toBe('initiator_cannot_approve');
    expect((await asAdmin(id, 'reassign', body(env.id('pete')))).body.code).toBe('action_not_allowed');
    expect((await asAdmin(id, 'reassign', { taskId, toUserId: env.id('harry') })).status).toBe(422);
    // People without the permission, and another tenant's admin.
    expect((await intervene(env.tokens.pete, id, 'reassign', body(env.id('harry')))).status).toBe(403);
    expect((await intervene(env.tokens.alice, id, 'reassign', body(env.id('harry')))).status).toBe(403);
    expect((await intervene(otherAdmin, id, 'reassign', body(env.id('harry')))).status).toBe(404);

    // An administrator whose scope misses the initiator's department (Platform) cannot; one whose scope holds it can.
    const outside = await scopedAdmin('department', env.t.departments.finance.id);
    const outsideRes = await intervene(outside, id, 'reassign', body(env.id('harry')));
    expect(outsideRes.status).toBe(404);
    const inside = await scopedAdmin('department_tree', env.t.departments.eng.id);
    const res = await intervene(inside, id, 'reassign', body(env.id('harry')), { 'Idempotency-Key': 'reassign-1' });
    expect(res.status).toBe(200);
    const repeated = await intervene(inside, id, 'reassign', body(env.id('harry')), { 'Idempotency-Key': 'reassign-1' });
    expect(repeated.status).toBe(200);

    const after = await until(env, id, (x) => x.tasks.some((t: any) => t.assignee.userId === env.id('harry') && t.status === 'open'));
    expect(after.tasks.filter((t: any) => t.stepId === 'one').map((t: any) => [t.assignee.userId, t.status])).toEqual([
      [env.id('pete'), 'reassigned'],
      [env.id('harry'), 'open'],
    ]);
    const event = after.timeline.filter((e: any) => e.type === 'admin_reassigned');
    expect(event).toHaveLength(1);
    expect(event[0].data).toMatchObject({ from: env.id('pete'), to: env.id('harry'), reason: 'Pete is on leave' });
    expect((await told(env.id('harry'), 'approval_assigned', after.workflowId)).length).toBeGreaterThan(0);
    expect((await auditRows(id, 'reassign')).filter((a) => a.success)).toHaveLength(2);

    // The old holder can no longer act; the new one carries the request on.
    expect((await act(env, 'pete', id, taskId, 'approve')).status).toBe(409);
    expect((await act(env, 'harry', id, openTaskOf(after, env.id('harry')), 'approve')).status).toBe(200);
    const next = await until(env, id, (x) => x.tasks.some((t: any) => t.stepId === 'two' && t.status === 'open'));
    expect((await act(env, 'fiona', id, openTaskOf(next, env.id('fiona')), 'approve')).body.status).toBe('approved');
  });

  it('returns the request to an approval step it passed; its approvers are asked again', async () => {
    const key = await publish(env, [approval('one', [env.id('pete')]), approval('two', [env.id('fiona')]), approval('three', [env.id('carol')])]);
    const id = await submit(env, key);
    let d = await until(env, id, (x) => x.tasks.some((t: any) => t.status === 'open'));
    d = (await act(env, 'pete', id, openTaskOf(d, env.id('pete')), 'approve')).body;
    expect(d.currentSteps.map((s: any) => s.stepId)).toEqual(['two']);

    // Not passed: the current step, a later one, an unknown one.
    for (const toStepId of ['two', 'three', 'nope']) {
      const res = await asAdmin(id, 'return', { reason: 'again', toStepId });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('step_not_passed');
    }
    expect((await asAdmin(id, 'return', { toStepId: 'one' })).status).toBe(422);
    expect((await intervene(env.tokens.fiona, id, 'return', { reason: 'again', toStepId: 'one' })).status).toBe(403);
    expect((await intervene(otherAdmin, id, 'return', { reason: 'again', toStepId: 'one' })).status).toBe(404);

    const res = await asAdmin(id, 'return', { reason: 'The amount changed', toStepId: 'one' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('running');
    expect(res.body.currentSteps.map((s: any) => s.stepId)).toEqual(['one']);
    expect(res.body.tasks.map((t: any) => `${t.stepId}:${t.status}`)).toEqual(['one:approved', 'two:cancelled', 'one:open']);
    expect(res.body.tasks[1].reason).toBe('cancelled: sent back by an administrator');
    expect(res.body.timeline.find((e: any) => e.type === 'admin_returned')).toMatchObject({ actor: { userId: env.id('admin') }, data: { to: 'one', reason: 'The amount changed' } });
    expect((await auditRows(id, 'return')).filter((a) => a.success)).toHaveLength(1);

    d = (await act(env, 'pete', id, openTaskOf(res.body, env.id('pete')), 'approve')).body;
    d = (await act(env, 'fiona', id, openTaskOf(d, env.id('fiona')), 'approve')).body;
    d = (await act(env, 'carol', id, openTaskOf(d, env.id('carol')), 'approve')).body;
    expect(d.status).toBe('approved');
  });

  it('a failed system step leaves the request stalled; once the cause is fixed, a retry runs it again', async () => {
    const key = await publish(env, [approval('one', [env.id('pete')]), { kind: 'action', id: 'erp', name: 'Tell the ERP', action: 'webhook', args: { url: `${base}/erp` } } as never]);
    const id = await submit(env, key);
    const d = await until(env, id, (x) => x.tasks.some((t: any) => t.status === 'open'));
    const early = await asAdmin(id, 'retry', { reason: 'too early' });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('instance_not_stalled');

    answers.push(400);
    await act(env, 'pete', id, openTaskOf(d, env.id('pete')), 'approve');
    const stalled = await until(env, id, (x) => x.status === 'stalled');
    expect(stalled.timeline.find((e: any) => e.type === 'step_stalled').data.reason).toMatch(/the webhook failed: the receiver refused the call/);
    const handle = (await env.rt.temporal()).workflow.getHandle(d.workflowId);
    expect((await handle.describe()).typedSearchAttributes.get(SA.status)).toBe('stalled');

    expect((await intervene(env.tokens.pete, id, 'retry', { reason: 'fixed' })).status).toBe(403);
    expect((await intervene(otherAdmin, id, 'retry', { reason: 'fixed' })).status).toBe(404);
    // The receiver is fixed (it answers 200 from now on): the retry runs the step again, with the same key.
    const res = await asAdmin(id, 'retry', { reason: 'ERP credentials renewed' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('approved');
    const types = res.body.timeline.map((e: any) => e.type);
    expect(types.slice(types.indexOf('step_stalled'))).toEqual(['step_stalled', 'admin_retried', 'action_done', 'completed']);
    expect(res.body.timeline.find((e: any) => e.type === 'admin_retried')).toMatchObject({ actor: { userId: env.id('admin') }, data: { stepIds: ['erp'], reason: 'ERP credentials renewed' } });
    expect(calls.slice(-2)).toEqual([`${d.workflowId}:erp:1`, `${d.workflowId}:erp:1`]);
    expect((await auditRows(id, 'retry')).filter((a) => a.success)).toHaveLength(1);
  });

  it('a stalled request can also be cancelled', async () => {
    const key = await publish(env, [{ kind: 'action', id: 'erp', name: 'Tell the ERP', action: 'webhook', args: { url: `${base}/erp` } } as never, approval('one', [env.id('pete')])]);
    answers.push(400);
    const id = await submit(env, key);
    await until(env, id, (x) => x.status === 'stalled');
    const res = await asAdmin(id, 'cancel', { reason: 'The ERP is gone for good' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('cancelled');
    expect(res.body.tasks).toEqual([]);
  });
});
