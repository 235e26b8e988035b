/**
 * Support module: the mail ledger (idempotent sends against a real SMTP listener, failures
 * recorded, file fallback) and idempotent system messages.
 */
import { createServer, type AddressInfo } from 'node:net';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Runtime } from '../../activities/runtime';
import { Mailer } from '../../activities/support/notifications/mailer';
import { MessageService } from '../../activities/support/messages/service';
import { ConflictError, NotFoundError } from '../../common/errors';
import { InAppMessage, MailDelivery } from '../../db/entities';
import { createTenant, createTestRuntime, uniqueCode, type TenantFixture } from '../harness/harness';
import { startSmtpListener, type SmtpListener } from '../harness/smtp';

/** A port nothing listens on (bound once, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** The same runtime with other mail settings (the Mailer reads config when it first sends). */
const withConfig = (rt: Runtime, config: Partial<Runtime['config']>): Runtime => ({ ...rt, config: { ...rt.config, ...config } });

describe('mailer with delivery ledger', () => {
  let rt: Runtime;
  let smtp: SmtpListener;
  let t: TenantFixture;

  beforeAll(async () => {
    smtp = await startSmtpListener();
    rt = await createTestRuntime(smtp.env);
    t = await createTenant(rt);
  });
  afterAll(async () => {
    await rt?.close();
    await smtp?.close();
  });

  const mail = (dedupeKey: string, tenantId = t.tenantId) => ({
    tenantId,
    dedupeKey,
    to: `${dedupeKey.replace(/[^a-z0-9]/g, '')}@example.test`,
    subject: `Subject ${dedupeKey}`,
    text: 'Hello there\nSecond line with ünïcödé',
    html: '<p>Hello there</p>',
  });
  const received = (key: string) => smtp.messages.filter((m) => m.subject === `Subject ${key}`);
  const ledger = (dedupeKey: string) => rt.orm.em.fork().findOneOrFail(MailDelivery, { dedupeKey });

  it('sends once per dedupe key: a repeated call sends nothing and returns the sent row', async () => {
    const key = uniqueCode('mail-');
    const first = await rt.services.mailer.send(mail(key));
    expect(first.sentNow).toBe(true);
    const again = await rt.services.mailer.send(mail(key));
    expect(again).toMatchObject({ sentNow: false, delivery: { id: first.delivery.id, status: 'sent' } });

    expect(received(key)).toHaveLength(1);
    const [m] = received(key);
    expect(m.from).toBe('no-reply@signoff.local');
    expect(m.to).toEqual([mail(key).to]);
    expect(m.text).toBe('Hello there\nSecond line with ünïcödé');
    expect(m.messageId).toBe(`<${first.delivery.id}@signoff>`);
    expect(await ledger(key)).toMatchObject({ status: 'sent', attempts: 1, lastError: null, transportMessageId: `<${first.delivery.id}@signoff>`, sentAt: expect.any(Date) });
  });

  it('records a failed attempt and rethrows; the retry sends and marks the row sent', async () => {
    const key = uniqueCode('mail-');
    const broken = new Mailer(withConfig(rt, { SMTP_HOST: '127.0.0.1', SMTP_PORT: await closedPort() }));
    await expect(broken.send(mail(key))).rejects.toThrow(/ECONNREFUSED|connect/i);
    expect(await ledger(key)).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringMatching(/ECONNREFUSED|connect/i), sentAt: null });
    expect(received(key)).toHaveLength(0);

    const retried = await rt.services.mailer.send(mail(key));
    expect(retried.sentNow).toBe(true);
    expect(await ledger(key)).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
    expect(received(key)).toHaveLength(1);
  });

  it('never lets another tenant reuse (and so suppress) a dedupe key', async () => {
    const key = uniqueCode('mail-');
    await rt.services.mailer.send(mail(key));
    const other = await createTenant(rt);
    await expect(rt.services.mailer.send(mail(key, other.tenantId))).rejects.toBeInstanceOf(ConflictError);
    expect(received(key)).toHaveLength(1);
  });

  it('writes .eml files under DATA_DIR/mail when SMTP is not configured', async () => {
    const key = uniqueCode('mail-');
    const offline = new Mailer(withConfig(rt, { SMTP_HOST: undefined }));
    const { delivery, sentNow } = await offline.send(mail(key));
    expect(sentNow).toBe(true);
    const dir = join(rt.config.dataDir, 'mail');
    const file = (await readdir(dir)).find((f) => f.startsWith(delivery.id));
    expect(file).toBeDefined();
    const eml = await readFile(join(dir, file!), 'utf8');
    expect(eml).toContain(`Subject: Subject ${key}`);
    expect(eml).toContain(`Message-ID: <${delivery.id}@signoff>`);
    expect(received(key)).toHaveLength(0);
    expect((await offline.send(mail(key))).sentNow).toBe(false);
  });
});

describe('system messages', () => {
  let rt: Runtime;
  let t: TenantFixture;
  let messages: MessageService;

  beforeAll(async () => {
    rt = await createTestRuntime();
    t = await createTenant(rt);
    messages = rt.services.messages;
  });
  afterAll(async () => rt?.close());

  const input = (dedupeKey: string) => ({ tenantId: t.tenantId, userId: t.users.alice.id, title: 'Hi', body: 'Welcome', category: 'welcome', dedupeKey });

  it('creates a message once per dedupe key and deletes it by key', async () => {
    const key = uniqueCode('msg-');
    const a = await messages.createSystemMessage(input(key));
    const b = await messages.createSystemMessage(input(key));
    expect(b.id).toBe(a.id);
    // Concurrent attempts converge on one row as well.
    const raced = await Promise.all([1, 2, 3].map(() => messages.createSystemMessage(input(`${key}-race`))));
    expect(new Set(raced.map((m) => m.id)).size).toBe(1);
    expect(await rt.orm.em.fork().count(InAppMessage, { dedupeKey: { $in: [key, `${key}-race`] } })).toBe(2);

    expect(await messages.deleteByDedupeKey(t.tenantId, key)).toBe(1);
    expect(await messages.deleteByDedupeKey(t.tenantId, key)).toBe(0);
  });

  it('is tenant-scoped: no message for a user of another tenant, no deleting another tenant’s message', async () => {
    const other = await createTenant(rt);
    await expect(messages.createSystemMessage({ ...input(uniqueCode('msg-')), userId: other.users.alice.id })).rejects.toBeInstanceOf(NotFoundError);

    const key = uniqueCode('msg-');
    await messages.createSystemMessage(input(key));
    expect(await messages.deleteByDedupeKey(other.tenantId, key)).toBe(0);
    await expect(messages.createSystemMessage({ ...input(key), tenantId: other.tenantId, userId: other.users.alice.id })).rejects.toBeInstanceOf(ConflictError);
  });
});
