/**
 * Data at rest in Temporal (security issue 8, item 13), against the real dev server:
 *  - what Temporal stores, read by a client WITHOUT the codec, holds no form value, title, name
 *    or email, and every payload in it is encrypted (search attributes and headers excepted);
 *  - a key rotation in the middle of a running approval: it finishes, its history holds both keys;
 *  - the codec endpoint decodes for platform operators only (tenant admins of any tenant, API
 *    keys and other users are refused), audits, and serves the Temporal UI (CORS, cookie session);
 *  - the committed histories from before encryption still replay through the codec, and one
 *    encrypted history (recorded under a fixture key) replays too.
 *
 * Regenerate the encrypted history (only for an intended, compatible change):
 *   RECORD_HISTORIES=1 TEST_DB_NAME=signoff_test_codec npx jest test/security/codec
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { parseCodecKeys } from '../../common/config';
import { createDataConverter } from '../../temporal/data-converter';
import { ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../temporal/encryption-codec';
import type { Runtime } from '../../activities/runtime';
import { createTenant, createTestRuntime, startTestApi, startTestWorker, tokenFor, uniqueCode, type TestApi, type TestWorker } from '../harness/harness';
import { startSmtpListener, type SmtpListener } from '../harness/smtp';
import { exportHistory, itReplaysCommittedHistory, replayOptions } from '../harness/replay';
import { loadHistory } from '../harness/history';
import { APPROVALS, PEOPLE, act, approval, openTaskOf, publish, until, type RuntimeEnv, type Who } from '../approval-runtime/helpers';

/**
 * Test-only key: the committed encrypted history below was recorded under it. It protects
 * nothing (the history's data is made up), which is why it may live in git; real keys never do.
 */
const FIXTURE_KEY = 'history-fixture:eyFkLnouipUScomAyQmctO2dxn864XOj36jji5sSgkc=';
const ENCRYPTED_HISTORY = join(__dirname, 'histories', 'approval-encrypted.json');
const CODEC = '/api/v1/temporal-codec';
const UI = 'http://127.0.0.1:8233';
const EVIL = 'http://127.0.0.1:9999';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const utf8 = (b?: Uint8Array | null) => Buffer.from(b ?? new Uint8Array()).toString('utf8');
const fixtureConverter = () => createDataConverter(parseCodecKeys(FIXTURE_KEY).keyring!);
const runKey = (id: string) => process.env.TEMPORAL_CODEC_KEYS!.split(',').find((k) => k.startsWith(`${id}:`))!;

type History = Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>;

/** What Temporal stores, as any holder of the cluster (or its database, or its UI) sees it. */
async function rawHistory(rt: Runtime, workflowId: string): Promise<History> {
  const connection = await Connection.connect({ address: rt.config.TEMPORAL_ADDRESS! });
  try {
    return await new Client({ connection, namespace: rt.config.TEMPORAL_NAMESPACE }).workflow.getHandle(workflowId).fetchHistory();
  } finally {
    await connection.close();
  }
}

const historyBytes = (h: History) => Buffer.from(temporal.api.history.v1.History.encode(h).finish());

/** Every payload in a history, with where it sits. */
function payloadsOf(node: unknown, path = '', out: { path: string; payload: Payload }[] = []) {
  if (!node || typeof node !== 'object' || ArrayBuffer.isView(node)) return out;
  const maybe = node as Payload;
  if (maybe.metadata && typeof maybe.metadata === 'object' && 'encoding' in maybe.metadata) {
    out.push({ path, payload: maybe });
    return out;
  }
  for (const [k, v] of Object.entries(node)) payloadsOf(v, path ? `${path}.${k}` : k, out);
  return out;
}

/**
 * Payloads that are clear by design: search attributes (the server indexes them; they hold ids
 * and codes only), headers (tracing context), and the marker details Temporal's core writes
 * itself: `patch-data` (patch id) and a local activity's `data` (seq, type, times; its `result`
 * is the activity's own payload and is encrypted).
 */
const clearByDesign = (path: string) => /searchAttributes|\.header\.|markerRecordedEventAttributes\.details\.(patch-data|data)\./.test(path);
const encodingOf = (p: Payload) => utf8(p.metadata?.encoding);
const keyIdsOf = (h: History) => new Set(payloadsOf(h).filter((x) => encodingOf(x.payload) === ENCRYPTED_ENCODING).map((x) => utf8(x.payload.metadata![KEY_ID_METADATA])));

const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

interface CodecEnv extends RuntimeEnv {
  smtp: SmtpListener;
  other: { tokens: { admin: string } };
}

async function startCodecEnv(): Promise<CodecEnv> {
  const opsCode = uniqueCode('ops');
  const taskQueue = uniqueCode('tq-codec-');
  const smtp = await startSmtpListener();
  const rt = await createTestRuntime({
    TEMPORAL_TASK_QUEUE: taskQueue,
    ...smtp.env,
    // The run's keys plus the fixture key, which encrypts here (so the recorded history replays with it alone).
    TEMPORAL_CODEC_KEYS: `${process.env.TEMPORAL_CODEC_KEYS},${FIXTURE_KEY}`,
    TEMPORAL_CODEC_CURRENT_KEY: 'history-fixture',
    TEMPORAL_CODEC_OPERATORS: `${opsCode}/admin`,
    TEMPORAL_UI_URL: UI,
  });
  const api = await startTestApi(rt);
  const worker = await startTestWorker(rt, taskQueue);
  const t = await createTenant(rt, opsCode);
  const other = await createTenant(rt);
  const tokens = Object.fromEntries(await Promise.all(PEOPLE.map(async (p) => [p, await tokenFor(rt, t.users[p])]))) as Record<Who, string>;
  return {
    rt,
    api,
    worker,
    t,
    tokens,
    smtp,
    other: { tokens: { admin: await tokenFor(rt, other.users.admin) } },
    id: (who) => t.users[who].id,
    async close() {
      await worker.stop();
      await api.close();
      await rt.close();
      await smtp.close();
    },
  };
}

describe('data at rest in Temporal', () => {
  let env: CodecEnv;
  const secret = `Codec-secret-${randomBytes(4).toString('hex')}`;
  const title = `Trip to the clinic ${randomBytes(4).toString('hex')}`;
  let approvalWorkflowId = '';
  let history: History;

  beforeAll(async () => {
    env = await startCodecEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  describe('what Temporal stores', () => {
    it('an approval: no form value, title or name in the raw history; every payload encrypted', async () => {
      const key = await publish(env, [approval('one', [env.id('pete')])]);
      const started = await env.api.post(APPROVALS, { templateKey: key, form: { amount: 4242, note: secret }, title }, env.tokens.alice);
      expect(started.status).toBe(202);
      const id = started.body.instanceId as string;
      const d = await until(env, id, (x) => x.tasks.some((t: any) => t.status === 'open'));
      await act(env, 'pete', id, openTaskOf(d, env.id('pete')), 'approve', `ok ${secret}`);
      const done = await until(env, id, (x) => x.status === 'approved');
      approvalWorkflowId = done.workflowId;
      // The product itself still reads everything (through the codec).
      expect(done.form.note).toBe(secret);
      expect(done.title).toBe(title);

      history = await rawHistory(env.rt, approvalWorkflowId);
      const bytes = historyBytes(history);
      const alice = env.t.users.alice as { displayName?: string };
      expect([secret, title, 'Amount', alice.displayName ?? 'Alice'].filter((clear) => bytes.includes(clear))).toEqual([]);
      const payloads = payloadsOf(history);
      expect(payloads.filter((p) => encodingOf(p.payload) === ENCRYPTED_ENCODING).length).toBeGreaterThan(5);
      expect(payloads.filter((p) => encodingOf(p.payload) !== ENCRYPTED_ENCODING && !clearByDesign(p.path)).map((p) => p.path)).toEqual([]);
      expect([...keyIdsOf(history)]).toEqual(['history-fixture']);

      // Summaries and details are payloads too: encrypted at rest, and without personal data once decoded.
      const desc = await (await env.rt.temporal()).workflow.getHandle(approvalWorkflowId).describe();
      expect(await desc.staticSummary()).toMatch(/^Request tpl-\w+ — request [0-9a-f-]{36}$/);
      expect(await desc.staticDetails()).not.toContain(title);

      if (process.env.RECORD_HISTORIES) exportHistory(env.rt.config, approvalWorkflowId, undefined, ENCRYPTED_HISTORY);
    });

    it("an onboarding: the new hire's name and email are neither in the raw history nor in what the UI shows", async () => {
      const username = `zq${randomBytes(3).toString('hex')}`;
      const displayName = `Zora Quintana ${randomBytes(3).toString('hex')}`;
      const email = `zora.${randomBytes(3).toString('hex')}@example.test`;
      const reason = `Offer withdrawn ${secret}`;
      const res = await env.api.post(
        '/api/v1/onboarding',
        {
          username,
          email,
          displayName,
          departmentId: env.t.departments.platform.id,
          roleIds: [env.t.roles.employee.id],
          managerId: env.id('pete'),
          startDate: new Date(Date.now() + 600_000).toISOString(),
          timing: { reminderIntervalMs: 600_000, activationDeadlineMs: 600_000, checkInOffsetsMs: [1000] },
        },
        env.tokens.admin,
      );
      expect(res.status).toBe(202);
      const id = res.body.id as string;
      const client = await env.rt.temporal();
      // Wait until it provisioned the account (a child workflow) and sent the welcome mail.
      await env.smtp.waitFor((m) => m.to.includes(email), 30_000);
      const cancelled = await env.api.post(`/api/v1/onboarding/${encodeURIComponent(id)}/cancel`, { reason }, env.tokens.admin);
      expect(cancelled.status).toBe(202);
      await client.workflow.getHandle(id).result().catch(() => undefined);

      const histories = [await rawHistory(env.rt, id)];
      const child = histories[0].events!.find((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)?.startChildWorkflowExecutionInitiatedEventAttributes;
      expect(child?.workflowId).toBeTruthy();
      histories.push(await rawHistory(env.rt, child!.workflowId!));
      for (const h of histories) {
        const bytes = historyBytes(h);
        for (const clear of [displayName, email, reason, 'Zora']) expect(bytes.includes(clear)).toBe(false);
        expect(payloadsOf(h).filter((p) => encodingOf(p.payload) !== ENCRYPTED_ENCODING && !clearByDesign(p.path)).map((p) => p.path)).toEqual([]);
      }
      const handle = client.workflow.getHandle(id);
      const desc = await handle.describe();
      expect(await desc.staticSummary()).toBe(`Onboard ${username} in ${env.t.tenantCode}`);
      const meta = (await handle.query('__temporal_workflow_metadata')) as { currentDetails?: string };
      expect(meta.currentDetails).toContain(username);
      for (const shown of [await desc.staticDetails(), meta.currentDetails]) {
        for (const clear of [displayName, email, reason]) expect(shown ?? '').not.toContain(clear);
      }
    });

    it('a key rotation in the middle of a running approval: it finishes, its history holds both keys', async () => {
      const taskQueue = uniqueCode('tq-rotate-');
      const under = async (keys: string, current: string) => {
        const rt = await createTestRuntime({ TEMPORAL_TASK_QUEUE: taskQueue, TEMPORAL_CODEC_KEYS: keys, TEMPORAL_CODEC_CURRENT_KEY: current });
        const api: TestApi = await startTestApi(rt);
        const worker: TestWorker = await startTestWorker(rt, taskQueue);
        const e: RuntimeEnv = { ...env, rt, api, worker, close: async () => (await worker.stop(), await api.close(), await rt.close()) };
        return e;
      };
      // Before: only the old key exists.
      const before = await under(runKey('test-old'), 'test-old');
      let id: string;
      let taskId: string;
      try {
        const key = await publish(before, [approval('one', [env.id('pete')]), approval('two', [env.id('fiona')])]);
        id = (await before.api.post(APPROVALS, { templateKey: key, form: { amount: 7 } }, env.tokens.alice)).body.instanceId;
        const d = await until(before, id, (x) => x.tasks.some((t: any) => t.status === 'open'));
        taskId = openTaskOf(d, env.id('pete'));
      } finally {
        await before.close();
      }
      // After: the new key encrypts, the old one still decrypts what the running workflow holds.
      const after = await under(process.env.TEMPORAL_CODEC_KEYS!, 'test-new');
      try {
        const d = (await act(after, 'pete', id, taskId, 'approve')).body;
        await act(after, 'fiona', id, openTaskOf(d, env.id('fiona')), 'approve');
        const done = await until(after, id, (x) => x.status === 'approved');
        expect([...keyIdsOf(await rawHistory(after.rt, done.workflowId))].sort()).toEqual(['test-new', 'test-old']);
      } finally {
        await after.close();
      }
    });
  });

  describe('the codec endpoint', () => {
    const decode = (body: unknown, token?: string, headers: Record<string, string> = {}) => env.api.request('POST', `${CODEC}/decode`, { body, token, headers });
    const startInput = () => history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads![0];

    it('decodes for a platform operator (the encrypted input of the approval above)', async () => {
      const res = await decode({ payloads: [toJson(startInput())] }, env.tokens.admin, { 'x-namespace': env.rt.config.TEMPORAL_NAMESPACE });
      expect(res.status).toBe(200);
      const [payload] = res.body.payloads;
      expect(Buffer.from(payload.metadata.encoding, 'base64').toString()).toBe('json/plain');
      expect(Buffer.from(payload.data, 'base64').toString()).toContain(secret);
    });

    it('refuses without authentication (401)', async () => {
      const res = await decode({ payloads: [toJson(startInput())] });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('unauthorized');
    });

    it("refuses another tenant's administrator, though same username and every tenant permission (403)", async () => {
      const res = await decode({ payloads: [toJson(startInput())] }, env.other.tokens.admin);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('codec_operator_only');
      expect(JSON.stringify(res.body)).not.toContain(b64(secret).slice(0, 12));
    });

    it("refuses other users of the operator's tenant, and the operator's own API key (403)", async () => {
      expect((await decode({ payloads: [toJson(startInput())] }, env.tokens.carol)).body.code).toBe('codec_operator_only');
      const created = await env.api.post('/api/v1/api-keys', { name: 'ops automation', scopes: ['audit:read'] }, env.tokens.admin);
      expect(created.status).toBe(201);
      const res = await decode({ payloads: [toJson(startInput())] }, `ApiKey ${created.body.key}`);
      expect(res.status).toBe(403);
      // The codec routes name no API-key scope, so keys are refused before the operator check (issue 8, item 6).
      expect(res.body.code).toBe('api_key_not_allowed');
    });

    it('encodes with the current key, and decodes what it encoded', async () => {
      const clear = { metadata: { encoding: b64('json/plain') }, data: b64('{"hello":"world"}') };
      const enc = await env.api.post(`${CODEC}/encode`, { payloads: [clear] }, env.tokens.admin);
      expect(enc.status).toBe(200);
      const [encrypted] = enc.body.payloads;
      expect(Buffer.from(encrypted.metadata.encoding, 'base64').toString()).toBe(ENCRYPTED_ENCODING);
      expect(Buffer.from(encrypted.metadata[KEY_ID_METADATA], 'base64').toString()).toBe('history-fixture');
      const dec = await decode({ payloads: [encrypted, clear] }, env.tokens.admin);
      expect(dec.body.payloads).toEqual([clear, clear]);
    });

    it('answers an altered payload, a foreign namespace and a malformed body with a problem', async () => {
      const tampered = toJson(startInput());
      const bytes = Buffer.from(tampered.data, 'base64');
      bytes[bytes.length - 1] ^= 1;
      const bad = await decode({ payloads: [{ ...tampered, data: bytes.toString('base64') }] }, env.tokens.admin);
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('payload_decode_failed');
      const foreign = await decode({ payloads: [] }, env.tokens.admin, { 'x-namespace': 'someone-else' });
      expect(foreign.status).toBe(400);
      expect(foreign.body.code).toBe('codec_unknown_namespace');
      const malformed = await decode({ payloads: [{ data: 'not base64!' }] }, env.tokens.admin);
      expect(malformed.status).toBe(422);
      expect(malformed.body.errors[0].path).toBe('body.payloads.0.data');
    });

    it("is audited in the operator's tenant", async () => {
      await env.rt.services.audit.flush();
      const res = await env.api.get('/api/v1/audit-logs?action=temporal-codec&limit=100', env.tokens.admin);
      expect(res.status).toBe(200);
      const actions = res.body.items.map((i: any) => `${i.action} ${i.success ? 'ok' : i.errorCode}`);
      expect(actions).toContain('POST /api/v1/temporal-codec/decode ok');
      expect(actions).toContain('POST /api/v1/temporal-codec/decode payload_decode_failed');
    });
  });

  describe('the Temporal UI in a browser', () => {
    const preflight = (origin: string) =>
      env.api.request('OPTIONS', `${CODEC}/decode`, { headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' } });
    const payload = () => ({ payloads: [toJson(history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads![0])] });
    const withCookie = (cookie: string, origin: string) =>
      env.api.request('POST', `${CODEC}/decode`, { body: payload(), headers: { cookie, origin, 'x-namespace': 'default' } });

    it("answers the UI's preflight with credentials allowed, and nobody else's", async () => {
      const ok = await preflight(UI);
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe(UI);
      expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
      expect(ok.headers.get('access-control-allow-headers')).toContain('x-namespace');
      expect((await preflight('http://localhost:8233')).headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
      const evil = await preflight(EVIL);
      expect(evil.headers.get('access-control-allow-origin')).toBeNull();
      expect(evil.headers.get('access-control-allow-credentials')).toBeNull();
    });

    it('an operator opens a cookie session that the UI sends; ending it revokes it', async () => {
      const opened = await env.api.post(`${CODEC}/session`, undefined, env.tokens.admin);
      expect(opened.status).toBe(201);
      const setCookie = opened.headers.getSetCookie().find((c) => c.startsWith('signoff_codec='))!;
      expect(setCookie).toMatch(/; path=\/api\/v1\/temporal-codec/);
      expect(setCookie).toMatch(/; samesite=strict/);
      expect(setCookie).toMatch(/; httponly/);
      const cookie = setCookie.split(';')[0];

      const fromUi = await withCookie(cookie, UI);
      expect(fromUi.status).toBe(200);
      expect(fromUi.headers.get('access-control-allow-origin')).toBe(UI);
      expect(Buffer.from(fromUi.body.payloads[0].data, 'base64').toString()).toContain(secret);
      // A page on another origin cannot ride on the cookie.
      expect((await withCookie(cookie, EVIL)).status).toBe(401);

      const ended = await env.api.request('DELETE', `${CODEC}/session`, { headers: { cookie } });
      expect(ended.status).toBe(204);
      expect(ended.headers.getSetCookie().find((c) => c.startsWith('signoff_codec='))).toMatch(/expires=Thu, 01 Jan 1970/);
      const after = await withCookie(cookie, UI);
      expect(after.status).toBe(401);
      expect(after.body.code).toBe('token_revoked');
    });

    it('nobody else gets a session', async () => {
      for (const token of [env.tokens.carol, env.other.tokens.admin]) {
        const res = await env.api.post(`${CODEC}/session`, undefined, token);
        expect(res.status).toBe(403);
        expect(res.headers.getSetCookie()).toEqual([]);
      }
      expect((await env.api.post(`${CODEC}/session`)).status).toBe(401);
    });

    it('serves the sign-in page under a strict content policy', async () => {
      const page = await env.api.request('GET', '/temporal-codec', { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(String(page.body)).toContain('/temporal-codec/page.js');
      const script = await env.api.request('GET', '/temporal-codec/page.js');
      expect(script.status).toBe(200);
      expect(String(script.body)).toContain(`${CODEC}/session`);
    });
  });
});

describe('replay through the codec', () => {
  const committed = readdirSync(join(__dirname, '..'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'security' && existsSync(join(__dirname, '..', d.name, 'histories')))
    .flatMap((d) => readdirSync(join(__dirname, '..', d.name, 'histories')).map((f) => join(__dirname, '..', d.name, 'histories', f)));

  it.each(committed.map((f) => [f.split('/test/')[1], f]))('%s, written before encryption, is clear and replays with the codec on', async (_name, file) => {
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(b64('json/plain'));
    expect(text).not.toContain(b64(ENCRYPTED_ENCODING));
    await Worker.runReplayHistory(replayOptions(), loadHistory(file));
  });

  describe('an encrypted approval history', () => {
    it('is encrypted under the fixture key and holds no clear form', () => {
      const h = loadHistory(ENCRYPTED_HISTORY);
      expect([...keyIdsOf(h)]).toEqual(['history-fixture']);
      expect(payloadsOf(h).filter((p) => encodingOf(p.payload) !== ENCRYPTED_ENCODING && !clearByDesign(p.path)).map((p) => p.path)).toEqual([]);
      expect(readFileSync(ENCRYPTED_HISTORY, 'utf8')).not.toMatch(/Codec-secret|Trip to the clinic/);
    });

    itReplaysCommittedHistory(ENCRYPTED_HISTORY, { dataConverter: fixtureConverter() });

    it('cannot be replayed without its key', async () => {
      await expect(Worker.runReplayHistory(replayOptions(), loadHistory(ENCRYPTED_HISTORY))).rejects.toThrow(/history-fixture/);
    });
  });
});
