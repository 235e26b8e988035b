/**
 * Quota enforcement: what each quota counts, and the check every write that adds to one makes.
 *
 * Race safety: the check runs inside the writer's transaction after `lockTenant` (the tenant row
 * lock of activities/user/tenant-lock.ts), so concurrent writes of one tenant count one after
 * another and cannot all take the last place; assigning a package takes the same lock, so a
 * write is checked against the package in force. Approval requests are written by their
 * workflow a moment after the start: a start holds its place with a claim (QuotaClaim) until then.
 */
import { raw, type EntityManager } from '@mikro-orm/knex';
import { ConflictError } from '../../common/errors';
import { newId } from '../../common/ids';
import { ApprovalInstance, ApprovalTemplate, Package, QuotaClaim, StoredFile, User, type Tenant } from '../../db/entities';
import { lockTenant } from '../user/tenant-lock';
import { limitOf, type CountedQuota } from './schema';

/** Requests that are not finished hold a place in `runningApprovals`. */
export const UNFINISHED_STATUSES = ['running', 'returned', 'stalled'] as const;

/**
 * How long a start's claim holds its place without the request's row: longer than a start and
 * its first projection take, short enough that a start that died half-way frees its place soon.
 */
export const CLAIM_SECONDS = 15 * 60;

export class QuotaExceededError extends ConflictError {
  constructor(
    readonly quota: CountedQuota,
    readonly limit: number,
    readonly usage: number,
  ) {
    super('quota_exceeded', `The tenant's package allows ${limit} ${describe(quota)}; ${usage} in use`, { quota, limit, usage });
  }
}

const describe = (quota: CountedQuota) =>
  ({ users: 'users', templates: 'approval templates', storageBytes: 'bytes of attachments', runningApprovals: 'unfinished approval requests' })[quota];

export async function packageOf(em: EntityManager, tenant: Pick<Tenant, 'packageId'>): Promise<Package> {
  return em.findOneOrFail(Package, { id: tenant.packageId });
}

/** Claims still holding a place: not expired, and their request not written yet. */
async function liveClaims(em: EntityManager, tenantId: string): Promise<QuotaClaim[]> {
  const claims = await em.find(QuotaClaim, { tenantId, quota: 'runningApprovals', expiresAt: { $gt: new Date() } });
  if (!claims.length) return [];
  const written = new Set((await em.find(ApprovalInstance, { tenantId, id: { $in: claims.map((c) => c.refId) } }, { fields: ['id'] })).map((i) => i.id));
  return claims.filter((c) => !written.has(c.refId));
}

/** What the tenant uses of a quota now. */
export async function usageOf(em: EntityManager, tenantId: string, quota: CountedQuota): Promise<number> {
  switch (quota) {
    case 'users':
      return em.count(User, { tenantId, deletedAt: null });
    case 'templates':
      return em.count(ApprovalTemplate, { tenantId });
    case 'storageBytes': {
      // In the caller's transaction (the query builder of a transactional fork runs inside it).
      const row = await em.createQueryBuilder(StoredFile).select(raw('coalesce(sum(size), 0) as total')).where({ tenantId }).execute<{ total: number | string | null }>('get');
      return Number(row?.total ?? 0);
    }
    case 'runningApprovals':
      return (await em.count(ApprovalInstance, { tenantId, status: { $in: [...UNFINISHED_STATUSES] } })) + (await liveClaims(em, tenantId)).length;
  }
}

/** Refuse (409 `quota_exceeded`) when `adding` more would go over the package's limit. */
export async function checkQuota(em: EntityManager, tenant: Pick<Tenant, 'id' | 'packageId'>, quota: CountedQuota, adding = 1): Promise<void> {
  const limit = limitOf(await packageOf(em, tenant), quota);
  if (limit === null) return;
  const usage = await usageOf(em, tenant.id, quota);
  if (usage + adding > limit) throw new QuotaExceededError(quota, limit, usage);
}

/**
 * The check for a write in transaction `tx`: lock the tenant row, then check. Call it before the
 * write, in the same transaction, so nothing is written when it refuses.
 */
export async function admitQuota(tx: EntityManager, tenantId: string, quota: CountedQuota, adding = 1): Promise<Tenant> {
  const tenant = await lockTenant(tx, tenantId);
  await checkQuota(tx, tenant, quota, adding);
  return tenant;
}

/**
 * Hold a place in `runningApprovals` for the request `instanceId` about to start. A retried start
 * of the same request (its row or claim exists) is let through without taking a second place.
 * Returns whether this call made the claim (only then may its caller release it).
 */
export async function claimRunningApproval(em: EntityManager, tenantId: string, instanceId: string): Promise<boolean> {
  return em.fork().transactional(async (tx) => {
    const tenant = await lockTenant(tx, tenantId);
    if (await tx.count(ApprovalInstance, { tenantId, id: instanceId })) return false;
    if (await tx.count(QuotaClaim, { tenantId, quota: 'runningApprovals', refId: instanceId, expiresAt: { $gt: new Date() } })) return false;
    // Tidy up while the lock is held: expired claims, and claims whose request is written.
    await tx.nativeDelete(QuotaClaim, { tenantId, quota: 'runningApprovals', expiresAt: { $lte: new Date() } });
    const limit = limitOf(await packageOf(tx, tenant), 'runningApprovals');
    if (limit === null) return false;
    const usage = await usageOf(tx, tenantId, 'runningApprovals');
    if (usage + 1 > limit) throw new QuotaExceededError('runningApprovals', limit, usage);
    tx.create(QuotaClaim, { id: newId(), tenantId, quota: 'runningApprovals', refId: instanceId, expiresAt: new Date(Date.now() + CLAIM_SECONDS * 1000) });
    await tx.flush();
    return true;
  });
}

/** Give back a claim whose start did not happen. */
export async function releaseRunningApproval(em: EntityManager, tenantId: string, instanceId: string): Promise<void> {
  await em.fork().nativeDelete(QuotaClaim, { tenantId, quota: 'runningApprovals', refId: instanceId });
}
