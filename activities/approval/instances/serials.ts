/**
 * Business serial numbers of approval requests (`settings.serialRule` of a template, e.g.
 * `LEAVE-{yyyyMMdd}-{seq:4}`; tokens and the per-period reset in workflows/approval/dsl/serial.ts).
 *
 * Gap-free per tenant, template key and scope: a submit locks its counter row, takes the next
 * value, records it against the instance id and starts the workflow, all before the transaction
 * commits. A failed start rolls the value back (nobody else could take a later one meanwhile:
 * they wait on the lock), so a number is never burned; a retried submit (same Idempotency-Key,
 * hence the same instance id) finds its recorded number and gets it again.
 *
 * The price: submits of one template and period are serialised for one workflow start each
 * (a few milliseconds against a local server). Templates without a rule never take the lock.
 * The one case this cannot cover: the workflow started, then the commit itself failed (the
 * database went away in between). Nothing of the allocation was recorded, so that run carries
 * a number the counter hands out again to the next submission; a retry of the same submission
 * (same Idempotency-Key) reuses its running workflow, which keeps the first number. Finding such
 * a pair: two read-model rows of one template with the same `serial_number`.
 */
import { DeadlockException, LockMode, LockWaitTimeoutException, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import type { Runtime } from '../../runtime';
import { newId } from '../../../common/ids';
import { ApprovalSerial, ApprovalSerialCounter } from '../../../db/entities';
import { parseSerialRule, renderSerial, serialScope, type DateFields } from '../../../workflows/approval/dsl';

/** Year, month and day of an instant in a time zone (UTC when the zone is unknown). */
export function dateFieldsIn(at: Date, timeZone: string): DateFields {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(at);
  } catch {
    parts = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(at);
  }
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

export interface SerialRequest {
  tenantId: string;
  templateKey: string;
  rule: string;
  /** The tenant's time zone: date parts are the tenant's calendar day. */
  timeZone: string;
  instanceId: string;
  at: Date;
}

export class SerialNumbers {
  constructor(private readonly rt: Runtime) {}

  /** The number a submission already got (a retry of it), or null. */
  async of(tenantId: string, instanceId: string, em: EntityManager = this.rt.orm.em.fork() as EntityManager): Promise<string | null> {
    const row = await em.findOne(ApprovalSerial, { tenantId, id: instanceId });
    return row?.serialNumber ?? null;
  }

  /**
   * The submission's number: the one it already has, or the next of its counter. `start` runs
   * with the number while the counter is locked; its failure undoes the allocation.
   */
  async assign<T>(req: SerialRequest, start: (serialNumber: string) => Promise<T>): Promise<{ serialNumber: string; result: T }> {
    const known = await this.of(req.tenantId, req.instanceId);
    if (known) return { serialNumber: known, result: await start(known) };

    const parts = parseSerialRule(req.rule);
    const date = dateFieldsIn(req.at, req.timeZone);
    const scope = serialScope(parts, date);
    const counterKey = { tenantId: req.tenantId, templateKey: req.templateKey, scope };
    // The counter row exists before anyone locks it, created in its own statement: a locking
    // read of a missing row takes a gap lock on InnoDB, and racing first submits would deadlock.
    await (this.rt.orm.em.fork() as EntityManager)
      .createQueryBuilder(ApprovalSerialCounter)
      .insert({ id: newId(), ...counterKey, lastValue: 0, updatedAt: new Date() })
      .onConflict(['tenantId', 'templateKey', 'scope'])
      .ignore()
      .execute();

    const attempt = () =>
      (this.rt.orm.em.fork() as EntityManager).transactional(async (tx) => {
        const counter = await tx.findOneOrFail(ApprovalSerialCounter, counterKey, { lockMode: LockMode.PESSIMISTIC_WRITE });
        // A concurrent retry of the same submission may have taken its number while we waited.
        const raced = await this.of(req.tenantId, req.instanceId, tx);
        if (raced) return { serialNumber: raced, taken: false as const };
        const seq = counter.lastValue + 1;
        const serialNumber = renderSerial(parts, date, seq);
        counter.lastValue = seq;
        tx.create(ApprovalSerial, { id: req.instanceId, tenantId: req.tenantId, counterId: counter.id, seq, serialNumber });
        await tx.flush();
        return { serialNumber, taken: true as const, result: await start(serialNumber) };
      });
    for (let tries = 1; ; tries++) {
      try {
        const out = await attempt();
        return out.taken ? { serialNumber: out.serialNumber, result: out.result } : { serialNumber: out.serialNumber, result: await start(out.serialNumber) };
      } catch (err) {
        // The same submission recorded its number in a transaction that committed first.
        if (err instanceof UniqueConstraintViolationException) {
          const mine = await this.of(req.tenantId, req.instanceId);
          if (mine) return { serialNumber: mine, result: await start(mine) };
        }
        // Nothing was taken: trying again is safe.
        if ((err instanceof DeadlockException || err instanceof LockWaitTimeoutException) && tries < 4) continue;
        throw err;
      }
    }
  }
}
