/**
 * The audit log. Requests hand their entry to `record`, which only appends to an in-memory
 * buffer: the request never waits for the database. A timer writes the buffer in batches.
 * The buffer is bounded; when the database is slow or down, entries beyond the bound (and
 * batches whose insert fails) are dropped, counted and logged, because losing audit rows is
 * better than failing or stalling the calls they describe.
 */
import type { Runtime } from '../../runtime';
import type { Actor } from '../../../common/actor';
import { newId } from '../../../common/ids';
import { offsetOf, pageOf, type Page } from '../../../common/pagination';
import { AuditChange, AuditLog, LoginLog } from '../../../db/entities';
import { AUDIT_PURGE_BATCH } from '../../../workflows/maintenance/contract';
import { contains } from '../../../common/query';
import { toDate } from '../../../common/schema';
import { toAuditChangeView, toAuditLogView, type AuditChangeQuery, type AuditChangeView, type AuditLogQuery, type AuditLogView } from './schema';

export type AuditEntry = Omit<AuditLog, 'id'>;

/** Rows per INSERT statement. */
const BATCH_SIZE = 500;

export class AuditLogService {
  private buffer: AuditLog[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** The flush in progress; the next one starts after it, so batches never overlap. */
  private flushing: Promise<void> = Promise.resolve();
  /** Entries lost to a full buffer or a failed insert since start (for ops). */
  dropped = 0;

  constructor(private readonly rt: Runtime) {}

  /** Queue one entry. Synchronous and never throws: it runs in the request's finally block. */
  record(entry: AuditEntry): void {
    try {
      if (this.buffer.length >= this.rt.config.AUDIT_BUFFER_LIMIT) {
        this.dropped += 1;
        // Log the first drop of a burst and then every thousandth, not every request.
        if (this.dropped % 1000 === 1) this.rt.log.warn({ dropped: this.dropped, limit: this.rt.config.AUDIT_BUFFER_LIMIT }, 'audit buffer full: entries dropped');
        return;
      }
      this.buffer.push(Object.assign(new AuditLog(), { ...entry, id: newId() }));
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.rt.config.AUDIT_FLUSH_INTERVAL_MS).unref();
    } catch (err) {
      this.rt.log.warn({ err }, 'audit entry not recorded');
    }
  }

  /** How many entries wait to be written. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Write everything queued so far (tests and shutdown call this; the timer does otherwise). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeAll());
    return this.flushing;
  }

  private async writeAll(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.buffer.length) {
      const batch = this.buffer.splice(0, BATCH_SIZE);
      try {
        await this.rt.orm.em.fork().insertMany(AuditLog, batch);
      } catch (err) {
        this.dropped += batch.length;
        this.rt.log.error({ err: (err as Error).message, lost: batch.length, dropped: this.dropped }, 'audit batch not written: dropped');
      }
    }
  }

  /** The tenant's audit log, newest first, with filters. */
  async list(actor: Actor, q: AuditLogQuery): Promise<Page<AuditLogView>> {
    const where: Record<string, unknown>[] = [{ tenantId: actor.tenantId }];
    if (q.userId) where.push({ userId: q.userId });
    if (q.action) where.push(contains('action', q.action));
    if (q.target) where.push({ targetId: q.target });
    if (q.result) where.push({ success: q.result === 'success' });
    if (q.from) where.push({ createdAt: { $gte: toDate(q.from) } });
    if (q.to) where.push({ createdAt: { $lt: toDate(q.to) } });
    const [rows, total] = await this.rt.orm.em.findAndCount(AuditLog, { $and: where } as never, {
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      ...offsetOf(q),
    });
    return pageOf(rows.map(toAuditLogView), total, q);
  }

  /** What changed in the tenant, field by field, newest first, with filters. */
  async listChanges(actor: Actor, q: AuditChangeQuery): Promise<Page<AuditChangeView>> {
    const where: Record<string, unknown>[] = [{ tenantId: actor.tenantId }];
    if (q.entity) where.push({ entity: q.entity });
    if (q.entityId) where.push({ entityId: q.entityId });
    if (q.source) where.push({ source: q.source });
    if (q.userId) where.push({ userId: q.userId });
    if (q.from) where.push({ createdAt: { $gte: toDate(q.from) } });
    if (q.to) where.push({ createdAt: { $lt: toDate(q.to) } });
    const [rows, total] = await this.rt.orm.em.findAndCount(AuditChange, { $and: where } as never, {
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      ...offsetOf(q),
    });
    return pageOf(rows.map(toAuditChangeView), total, q);
  }

  /**
   * Retention, one batch: delete up to `limit` rows created before `cutoff`, across all tenants.
   * Ids first, then a delete by id: portable (SQLite has no DELETE … LIMIT) and short locks.
   */
  async purgeBatch(cutoff: Date, limit: number): Promise<number> {
    const em = this.rt.orm.em.fork();
    let deleted = 0;
    const calls = await em.find(AuditLog, { createdAt: { $lt: cutoff } }, { fields: ['id'], orderBy: { createdAt: 'asc' }, limit });
    if (calls.length) deleted += await em.nativeDelete(AuditLog, { id: { $in: calls.map((r) => r.id) } });
    // The change audit (audit_changes) follows the same retention.
    const changes = await em.find(AuditChange, { createdAt: { $lt: cutoff } }, { fields: ['id'], orderBy: { createdAt: 'asc' }, limit });
    if (changes.length) deleted += await em.nativeDelete(AuditChange, { id: { $in: changes.map((r) => r.id) } });
    // So does the login log: who signed in from where is audit data of the same kind.
    const logins = await em.find(LoginLog, { createdAt: { $lt: cutoff } }, { fields: ['id'], orderBy: { createdAt: 'asc' }, limit });
    if (logins.length) deleted += await em.nativeDelete(LoginLog, { id: { $in: logins.map((r) => r.id) } });
    return deleted;
  }

  /** The instant before which rows are past a retention of `days` days. */
  retentionCutoff(days: number = this.rt.config.AUDIT_RETENTION_DAYS, now: Date = new Date()): Date {
    if (!Number.isInteger(days) || days < 1) throw new RangeError(`days must be a positive integer, got ${days}`);
    return new Date(now.getTime() - days * 86_400_000);
  }

  /**
   * Retention in one call, batch after batch until nothing is left (the scheduled purge,
   * auditPurgeWorkflow, runs the same batches as activities). Returns how many rows went.
   */
  async purgeAuditLogsOlderThan(days: number = this.rt.config.AUDIT_RETENTION_DAYS, now: Date = new Date()): Promise<number> {
    const cutoff = this.retentionCutoff(days, now);
    let deleted = 0;
    for (;;) {
      const n = await this.purgeBatch(cutoff, AUDIT_PURGE_BATCH);
      deleted += n;
      if (n < AUDIT_PURGE_BATCH) break;
    }
    this.rt.log.info({ days, cutoff: cutoff.toISOString(), deleted }, 'audit log purged');
    return deleted;
  }
}
