/** The login log: one row per login attempt, readable by the tenant's auditors. */
import type { Runtime } from '../runtime';
import type { Actor } from '../../common/actor';
import { newId } from '../../common/ids';
import { offsetOf, pageOf, type Page, type PageQuery } from '../../common/pagination';
import { LoginLog } from '../../db/entities';
import type { FilterQuery } from '@mikro-orm/core';

/** Why an attempt ended as it did. Stored as text; part of the audit contract. */
export type LoginReason = 'ok' | 'bad_credentials' | 'locked' | 'disabled' | 'unknown_tenant' | 'tenant_disabled';

export interface LoginAttempt {
  tenantId: string | null;
  tenantCode: string;
  identifier: string;
  userId: string | null;
  reason: LoginReason;
  ip: string | null;
  userAgent: string | null;
}

export interface LoginLogFilter extends PageQuery {
  userId?: string;
  success?: boolean;
  from?: Date;
  to?: Date;
}

const clip = (s: string | null, max: number) => (s === null ? null : s.slice(0, max));

export class LoginLogStore {
  constructor(private readonly rt: Runtime) {}

  /** Write one attempt in its own unit of work: it must be kept even when the login fails. */
  async record(a: LoginAttempt): Promise<void> {
    const em = this.rt.orm.em.fork();
    em.create(LoginLog, {
      id: newId(),
      tenantId: a.tenantId,
      tenantCode: a.tenantCode.slice(0, 64),
      identifier: a.identifier.slice(0, 254),
      userId: a.userId,
      success: a.reason === 'ok',
      reason: a.reason,
      ip: clip(a.ip, 64),
      userAgent: clip(a.userAgent, 500),
    });
    await em.flush();
  }

  /** The actor's tenant's attempts, newest first. Attempts against unknown tenants belong to no tenant. */
  async list(actor: Actor, q: LoginLogFilter): Promise<Page<LoginLog>> {
    const where: FilterQuery<LoginLog> = { tenantId: actor.tenantId };
    if (q.userId) where.userId = q.userId;
    if (q.success !== undefined) where.success = q.success;
    if (q.from || q.to) where.createdAt = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lt: q.to } : {}) };
    const [items, total] = await this.rt.orm.em.findAndCount(LoginLog, where, { orderBy: { createdAt: 'desc', id: 'asc' }, ...offsetOf(q) });
    return pageOf(items, total, q);
  }
}
