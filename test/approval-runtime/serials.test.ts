/**
 * Business serial numbers (issue 9 §2 A) on the real services: API → counter row lock in
 * MariaDB → workflow start → read model, visibility and mail. Gap-free under concurrent submits,
 * the same number for a retried submit, findable by the oversight filter, the free-text search
 * and Temporal visibility; a bad rule is refused at publish.
 */
import { randomUUID } from 'node:crypto';
import { ApprovalSerial, ApprovalSerialCounter, Tenant } from '../../db/entities';
import { SerialNumbers } from '../../activities/approval/instances/serials';
import { SA } from '../../workflows/search-attributes';
import { startSmtpListener, type SmtpListener } from '../harness/smtp';
import { APPROVALS, approval, inbox, publish, startRuntimeEnv, submit, until, type RuntimeEnv } from './helpers';

async function eventually<T>(probe: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The tenant's calendar day as the rule renders it. */
function dayIn(timeZone: string, at = new Date()): string {
  const p = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  const get = (t: string) => p.find((x) => x.type === t)!.value;
  return `${get('year')}${get('month')}${get('day')}`;
}

describe('approval serial numbers', () => {
  let env: RuntimeEnv;
  let smtp: SmtpListener;

  beforeAll(async () => {
    smtp = await startSmtpListener();
    env = await startRuntimeEnv({ ...smtp.env });
    // A zone far from UTC: the date part is the tenant's day, not the server's.
    await env.rt.orm.em.fork().nativeUpdate(Tenant, { id: env.t.tenantId }, { timeZone: 'Pacific/Kiritimati' });
  });
  afterAll(async () => {
    await env?.close();
    await smtp?.close();
  });

  const post = (body: unknown, headers: Record<string, string> = {}) => env.api.request('POST', APPROVALS, { body, token: env.tokens.alice, headers });

  it('gives 20 concurrent submits of one template the numbers 1..20, each once', async () => {
    const key = await publish(env, [approval('a', [env.id('carol')])], { settings: { serialRule: 'LEAVE-{yyyyMMdd}-{seq:4}' } });
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => post({ templateKey: key, form: { amount: i + 1 } })));
    const elapsed = Date.now() - started;
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(202));
    const day = dayIn('Pacific/Kiritimati');
    const numbers = results.map((r) => r.body.serialNumber as string);
    expect(new Set(numbers).size).toBe(20);
    const seqs = numbers.map((n) => {
      const m = new RegExp(`^LEAVE-${day}-(\\d{4})$`).exec(n);
      expect(m).not.toBeNull();
      return Number(m![1]);
    });
    expect(seqs.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const counter = await env.rt.orm.em.fork().findOneOrFail(ApprovalSerialCounter, { tenantId: env.t.tenantId, templateKey: key });
    expect(counter.lastValue).toBe(20);
    expect(counter.scope).toBe(`LEAVE-${day}-{seq}`);
    console.log(`20 concurrent numbered submits took ${elapsed} ms`);

    // The read model keeps the number the workflow input carried.
    const one = results[7].body;
    const detail = await until(env, one.instanceId, (d) => d.serialNumber !== undefined && d.currentSteps.length === 1);
    expect(detail.serialNumber).toBe(one.serialNumber);
    const todo = await inbox(env, 'carol', 'todo', `&templateKey=${key}`);
    expect(todo.find((i) => i.instanceId === one.instanceId)?.serialNumber).toBe(one.serialNumber);
  });

  it('gives a retried submit (same Idempotency-Key) the same number, and takes no other', async () => {
    const key = await publish(env, [approval('a', [env.id('carol')])], { settings: { serialRule: 'EXP-{yy}-{seq:3}' } });
    const idem = { 'Idempotency-Key': randomUUID() };
    const first = await post({ templateKey: key, form: { amount: 5 } }, idem);
    const again = await post({ templateKey: key, form: { amount: 5 } }, idem);
    const [third, fourth] = await Promise.all([post({ templateKey: key, form: { amount: 5 } }, idem), post({ templateKey: key, form: { amount: 6 } })]);
    expect([first.status, again.status, third.status, fourth.status]).toEqual([202, 202, 202, 202]);
    const yy = dayIn('Pacific/Kiritimati').slice(2, 4);
    expect(first.body.serialNumber).toBe(`EXP-${yy}-001`);
    expect(again.body).toEqual(first.body);
    expect(third.body).toEqual(first.body);
    expect(fourth.body.serialNumber).toBe(`EXP-${yy}-002`);
    expect(await env.rt.orm.em.fork().count(ApprovalSerial, { tenantId: env.t.tenantId, serialNumber: { $like: `EXP-${yy}-%` } })).toBe(2);
  });

  it('is found by the oversight filter, the free-text search, in the CSV, in visibility and in the mail subject', async () => {
    const rule = `Q${Date.now() % 100000}-{seq:2}`;
    const key = await publish(env, [approval('a', [env.id('carol')])], { settings: { serialRule: rule } });
    const res = await post({ templateKey: key, form: { amount: 1 } });
    const serial: string = res.body.serialNumber;
    expect(serial).toBe(rule.replace('{seq:2}', '01'));
    await until(env, res.body.instanceId, (d) => d.serialNumber === serial && d.currentSteps.length === 1);

    const filtered = await env.api.get(`${APPROVALS}/oversight?serialNumber=${encodeURIComponent(serial)}`, env.tokens.admin);
    expect(filtered.status).toBe(200);
    expect(filtered.body.items.map((i: any) => [i.instanceId, i.serialNumber])).toEqual([[res.body.instanceId, serial]]);
    const none = await env.api.get(`${APPROVALS}/oversight?serialNumber=${encodeURIComponent(serial)}9`, env.tokens.admin);
    expect(none.body.items).toEqual([]);
    const searched = await env.api.get(`${APPROVALS}/oversight?q=${encodeURIComponent(serial.toLowerCase())}`, env.tokens.admin);
    expect(searched.body.items.map((i: any) => i.instanceId)).toEqual([res.body.instanceId]);
    const started = await inbox(env, 'alice', 'started', `&q=${encodeURIComponent(serial)}`);
    expect(started.map((i) => i.serialNumber)).toEqual([serial]);
    const csv = await env.api.request('GET', `${APPROVALS}/oversight/export.csv?serialNumber=${encodeURIComponent(serial)}`, { token: env.tokens.admin });
    expect(csv.status).toBe(200);
    const lines = String(csv.body).trim().split('\r\n');
    expect(lines[0].split(',').slice(0, 2)).toEqual(['instanceId', 'serialNumber']);
    expect(lines[1].split(',').slice(0, 2)).toEqual([res.body.instanceId, serial]);

    const client = await env.rt.temporal();
    const query = `SignoffSerialNumber = '${serial}'`;
    const listed = await eventually(async () => {
      for await (const wf of client.workflow.list({ query })) return wf;
      return undefined;
    }, 15_000, 'visible by SignoffSerialNumber');
    expect(listed.workflowId).toBe(res.body.workflowId);
    expect(listed.typedSearchAttributes.get(SA.serialNumber)).toBe(serial);
    expect(await (await client.workflow.getHandle(res.body.workflowId).describe()).staticSummary()).toContain(serial);

    const mail = await eventually(async () => smtp.messages.find((m) => m.to.includes(env.t.users.carol.email) && m.subject.includes(serial)), 15_000, 'assignment mail');
    expect(mail.subject).toMatch(new RegExp(`^To approve: ${serial} "`));
  });

  it('takes no number when the workflow start fails (the allocation rolls back)', async () => {
    const serials = new SerialNumbers(env.rt);
    const req = { tenantId: env.t.tenantId, templateKey: `burn-${randomUUID().slice(0, 8)}`, rule: 'B-{seq}', timeZone: 'UTC', instanceId: randomUUID(), at: new Date() };
    await expect(serials.assign(req, async () => Promise.reject(new Error('temporal unavailable')))).rejects.toThrow('temporal unavailable');
    expect(await serials.of(env.t.tenantId, req.instanceId)).toBeNull();
    const next = await serials.assign({ ...req, instanceId: randomUUID() }, async (n) => n);
    expect(next).toEqual({ serialNumber: 'B-1', result: 'B-1' });
  });

  it('gives no number to a template without a rule', async () => {
    const key = await publish(env, [approval('a', [env.id('carol')])]);
    const id = await submit(env, key);
    const d = await until(env, id, (x) => x.currentSteps.length === 1);
    expect(d.serialNumber).toBeNull();
  });

  it('refuses to publish a bad rule (422 at settings.serialRule), and saves it as a draft', async () => {
    for (const [serialRule, message] of [
      ['LEAVE-{yyyyMMdd}', /needs a sequence/],
      ['A-{seq}-{seq:2}', /more than one/],
      ['A-{hh}-{seq}', /unknown token/],
      ['A B-{seq}', /literal text/],
      ['A-{seq:13}', /1\.\.12/],
      ['A-{seq', /not closed/],
    ] as const) {
      const key = `bad-${randomUUID().slice(0, 8)}`;
      const created = await env.api.post('/api/v1/approval-templates', { key, name: key, category: 'general', flow: [approval('a', [env.id('carol')])], settings: { serialRule } }, env.tokens.admin);
      expect(created.status).toBe(201);
      const published = await env.api.post(`/api/v1/approval-templates/${created.body.id}/publish`, undefined, env.tokens.admin);
      expect(published.status).toBe(422);
      expect(published.body.code).toBe('template_invalid');
      expect(published.body.errors).toEqual([expect.objectContaining({ path: 'settings.serialRule', code: 'serial_rule_invalid', message: expect.stringMatching(message) })]);
    }
  });
});
