/**
 * Mail over SMTP (nodemailer), or to .eml files when SMTP is not configured.
 *
 * Every mail goes through the MailDelivery ledger, keyed by a caller-chosen dedupe key
 * (`<workflowId>:<step>`). Activities are delivered at least once; the ledger turns that into
 * "sent once": a retry that finds its row already `sent` returns it without talking to SMTP.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import { createTransport, type Transporter } from 'nodemailer';
import type { Runtime } from '../../runtime';
import { ConflictError } from '../../../common/errors';
import { newId } from '../../../common/ids';
import { MailDelivery, Tenant } from '../../../db/entities';
import { inSpan } from '../../../common/tracing';

export interface MailInput {
  tenantId: string;
  /** Idempotency key, unique platform-wide: the same key never sends a second mail. */
  dedupeKey: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface MailOutcome {
  delivery: MailDelivery;
  /** False when an earlier attempt had already sent this mail (nothing was sent now). */
  sentNow: boolean;
}

/** What one transport attempt reports back. */
interface TransportResult {
  messageId: string;
}

/** A sender as nodemailer takes it: it quotes and encodes the display name. */
export interface Sender {
  name: string;
  address: string;
}

/**
 * Each tenant's mail comes from "<tenant name> (Signoff)" at the platform's address: recipients
 * see whose mail it is, while SPF/DKIM stay those of the one configured sending domain.
 */
export function tenantSender(mailFrom: string, tenantName: string | null): Sender {
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(mailFrom);
  const platform = m ? { name: m[1].trim(), address: m[2].trim() } : { name: '', address: mailFrom.trim() };
  if (!tenantName) return platform;
  return { name: `${tenantName} (${platform.name || 'Signoff'})`, address: platform.address };
}

type Send = (mail: { from: Sender; to: string; subject: string; text: string; html?: string; messageId: string }) => Promise<TransportResult>;

/** Ledger columns have fixed lengths: keep what we store within them. */
const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

export class Mailer {
  private sender?: Send;

  constructor(private readonly rt: Runtime) {}

  /**
   * Send a mail once per dedupe key. The ledger row is written *before* the transport is
   * called, so a crash mid-send leaves a `pending`/`failed` row to retry, never a lost
   * intention. On transport failure the attempt is recorded and the error rethrown, so
   * Temporal's retry policy decides what happens next.
   *
   * The one window we cannot close: SMTP accepted the mail but marking the row `sent` failed.
   * The retry then sends again; the Message-ID is derived from the ledger row so receiving
   * systems can still recognise the duplicate.
   */
  async send(input: MailInput): Promise<MailOutcome> {
    const delivery = await this.claim(input);
    if (delivery.status === 'sent') return { delivery, sentNow: false };

    const em = this.rt.orm.em.fork();
    const row = await em.findOneOrFail(MailDelivery, { id: delivery.id, tenantId: input.tenantId });
    row.attempts += 1;
    await em.flush();
    const tenant = await em.findOne(Tenant, { id: input.tenantId }, { fields: ['name'] });
    try {
      await this.transmit(row, input, tenant?.name ?? null);
    } finally {
      await em.flush();
    }
    return { delivery: row, sentNow: true };
  }

  /**
   * A new ledger row for a key nobody used yet, added to the caller's unit of work with its first
   * attempt counted, so the caller writes it in the same transaction as its own row (the
   * notification fan-out). The unique key still refuses a second row for the key when it flushes.
   */
  stageClaim(em: EntityManager, input: MailInput): MailDelivery {
    return em.create(MailDelivery, {
      id: newId(),
      tenantId: input.tenantId,
      dedupeKey: input.dedupeKey,
      toAddress: clip(input.to, 254),
      subject: clip(input.subject, 255),
      attempts: 1,
    });
  }

  /**
   * Hand the mail of a claimed row (its attempt already counted) to the transport and record the
   * outcome on the row, which the caller flushes: `sent`, or `failed` with the error rethrown.
   */
  async transmit(row: MailDelivery, mail: Pick<MailInput, 'to' | 'subject' | 'text' | 'html'>, tenantName: string | null): Promise<void> {
    try {
      const { messageId } = await inSpan('mail send', { 'mail.recipients': 1 }, () =>
        this.transport()({
          from: tenantSender(this.rt.config.MAIL_FROM, tenantName),
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId: `<${row.id}@signoff>`,
        }),
      );
      Object.assign(row, { status: 'sent', transportMessageId: clip(messageId, 255), sentAt: new Date(), lastError: null });
      this.rt.log.info({ deliveryId: row.id, dedupeKey: row.dedupeKey, to: row.toAddress, attempts: row.attempts }, 'mail sent');
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      Object.assign(row, { status: 'failed', lastError: clip(message, 4000) });
      this.rt.log.warn({ deliveryId: row.id, dedupeKey: row.dedupeKey, attempts: row.attempts, err: message }, 'mail not sent');
      throw err;
    }
  }

  /** The ledger row for a key, created `pending` if it does not exist yet. */
  private async claim(input: MailInput): Promise<MailDelivery> {
    const existing = await this.find(input.dedupeKey);
    if (existing) return this.checkTenant(existing, input);
    const em = this.rt.orm.em.fork();
    try {
      const row = em.create(MailDelivery, {
        id: newId(),
        tenantId: input.tenantId,
        dedupeKey: input.dedupeKey,
        toAddress: clip(input.to, 254),
        subject: clip(input.subject, 255),
      });
      await em.flush();
      return row;
    } catch (err) {
      // A concurrent attempt inserted the same key first: use its row.
      if (!(err instanceof UniqueConstraintViolationException)) throw err;
      const raced = await this.find(input.dedupeKey);
      if (!raced) throw err;
      return this.checkTenant(raced, input);
    }
  }

  private find(dedupeKey: string) {
    return this.rt.orm.em.fork().findOne(MailDelivery, { dedupeKey });
  }

  /** Dedupe keys are global; one tenant's key must never reveal or suppress another tenant's mail. */
  private checkTenant(row: MailDelivery, input: MailInput): MailDelivery {
    if (row.tenantId !== input.tenantId) throw new ConflictError('dedupe_key_conflict', 'This dedupe key is already used');
    return row;
  }

  /** SMTP when configured; otherwise .eml files under DATA_DIR/mail so nothing is lost offline. */
  private transport(): Send {
    if (this.sender) return this.sender;
    const { config } = this.rt;
    if (config.SMTP_HOST) {
      const smtp: Transporter = createTransport({
        host: config.SMTP_HOST,
        port: config.SMTP_PORT,
        secure: config.SMTP_SECURE,
        auth: config.SMTP_USER ? { user: config.SMTP_USER, pass: config.SMTP_PASSWORD } : undefined,
        // Fail well inside the activity's start-to-close timeout, so the attempt is recorded.
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      });
      this.sender = async (mail) => ({ messageId: (await smtp.sendMail(mail)).messageId as string });
    } else {
      const dir = join(config.dataDir, 'mail');
      const stream = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
      this.sender = async (mail) => {
        const info = await stream.sendMail(mail);
        await mkdir(dir, { recursive: true });
        const file = join(dir, `${mail.messageId.replace(/[<>]/g, '').replace(/[^\w.@-]/g, '_')}.eml`);
        await writeFile(file, info.message as Buffer);
        this.rt.log.info({ file, to: mail.to, subject: mail.subject }, 'SMTP_HOST is not set: mail written to a file');
        return { messageId: info.messageId as string };
      };
    }
    return this.sender;
  }
}
