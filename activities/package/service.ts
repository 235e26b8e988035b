/**
 * Packages (platform operators: `platform:package:*`) and usage (tenant admins: their own
 * tenant; operators: any tenant). A tenant reads its quotas but never changes them: the only
 * writers of a package or of `tenants.package_id` are the platform routes here.
 */
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import type { Runtime } from '../runtime';
import type { Actor } from '../../common/actor';
import { ConflictError, NotFoundError, ValidationError } from '../../common/errors';
import { newId } from '../../common/ids';
import { offsetOf, pageOf, type Page } from '../../common/pagination';
import { contains } from '../../common/query';
import { parseInput } from '../../common/schema';
import { Package, Tenant } from '../../db/entities';
import { packageOf, usageOf } from './quotas';
import {
  AssignPackageInput,
  COUNTED_QUOTAS,
  CreatePackageInput,
  QUOTA_COLUMNS,
  UpdatePackageInput,
  limitOf,
  toPackageView,
  type CountedQuota,
  type PackageListQuery,
  type PackageView,
  type Quota,
  type UsageView,
} from './schema';

/**
 * How long a process keeps a tenant's request limit before reading its package again. A package
 * change is applied at once by the process that made it and within this time by the others.
 */
export const REQUEST_LIMIT_CACHE_MS = 30_000;

/**
 * The Redis key under which the rate limiter (api/middleware/rate-limits.ts, rate-limiter-flexible
 * with key prefix `ratelimit:tenant`) counts a tenant's requests of the current window.
 */
export const tenantRequestCounterKey = (tenantId: string) => `ratelimit:tenant:${tenantId}`;

const codeTaken = (code: string) => new ConflictError('package_code_taken', `The package code ${code} is already taken`);

/** The package columns to write for the quotas sent. */
function columnsOf(quotas: Partial<Record<Quota, number | null | undefined>>): Partial<Package> {
  const out: Partial<Record<string, number | null>> = {};
  for (const [quota, value] of Object.entries(quotas) as [Quota, number | null | undefined][]) {
    if (value !== undefined) out[QUOTA_COLUMNS[quota]] = value;
  }
  return out as Partial<Package>;
}

export class PackageService {
  private readonly requestLimits = new Map<string, { points: number; until: number }>();

  constructor(private readonly rt: Runtime) {}

  private get em() {
    return this.rt.orm.em;
  }

  // ─────────────────────────────────────────── packages (platform)

  async list(q: PackageListQuery): Promise<Page<PackageView>> {
    const em = this.em.fork();
    const [rows, total] = await em.findAndCount(Package, q.q ? contains(['code', 'name'], q.q) : {}, { orderBy: { code: 'asc' }, ...offsetOf(q) });
    return pageOf(await Promise.all(rows.map(async (p) => toPackageView(p, await em.count(Tenant, { packageId: p.id })))), total, q);
  }

  async get(code: string): Promise<PackageView> {
    const em = this.em.fork();
    const pkg = await this.find(em, code);
    return toPackageView(pkg, await em.count(Tenant, { packageId: pkg.id }));
  }

  private async find(em: EntityManager, code: string, lock = false): Promise<Package> {
    const pkg = await em.findOne(Package, { code }, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
    if (!pkg) throw new NotFoundError('package', code);
    return pkg;
  }

  async create(raw: CreatePackageInput): Promise<PackageView> {
    const input = parseInput(CreatePackageInput, raw, 'The package cannot be created');
    const em = this.em.fork();
    if (await em.count(Package, { code: input.code })) throw codeTaken(input.code);
    const pkg = em.create(Package, { id: newId(), code: input.code, name: input.name, description: input.description ?? '', ...columnsOf(input.quotas) });
    try {
      await em.flush();
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) throw codeTaken(input.code);
      throw err;
    }
    return toPackageView(pkg, 0);
  }

  /**
   * Change a package. A quota lowered below what a tenant on it already uses is refused (409
   * `quota_below_usage`, naming the tenant), exactly like assigning it would be. The tenants on
   * it are locked (in id order) while they are counted, so no write slips in between.
   */
  async update(code: string, raw: UpdatePackageInput): Promise<PackageView> {
    const input = parseInput(UpdatePackageInput, raw, 'The package cannot be changed');
    const { view, tenantIds } = await this.em.fork().transactional(async (tx) => {
      const pkg = await this.find(tx, code, true);
      const next = { ...pkg, ...columnsOf(input.quotas ?? {}) } as Package;
      const lowered = COUNTED_QUOTAS.filter((q) => {
        const limit = limitOf(next, q);
        const before = limitOf(pkg, q);
        return limit !== null && (before === null || limit < before);
      });
      // Locked only when a limit goes down (rows in id order, as every tenant lock is one row).
      const tenants = await tx.find(Tenant, { packageId: pkg.id }, { orderBy: { id: 'asc' }, ...(lowered.length ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {}) });
      for (const tenant of lowered.length ? tenants : []) await assertFits(tx, tenant, next, lowered);
      if (input.name !== undefined) pkg.name = input.name;
      if (input.description !== undefined) pkg.description = input.description;
      tx.assign(pkg, columnsOf(input.quotas ?? {}));
      await tx.flush();
      return { view: toPackageView(pkg, tenants.length), tenantIds: tenants.map((t) => t.id) };
    });
    for (const id of tenantIds) this.forget(id);
    return view;
  }

  // ─────────────────────────────────────────── tenants (platform)

  private async tenantByCode(em: EntityManager, code: string): Promise<Tenant> {
    const tenant = await em.findOne(Tenant, { code });
    if (!tenant) throw new NotFoundError('tenant', code);
    return tenant;
  }

  /**
   * Put a tenant on a package. Refused (409 `quota_below_usage`, naming the quota) when the tenant
   * already uses more than the package allows: it would be over its quota from the first minute.
   */
  async assign(tenantCode: string, raw: AssignPackageInput): Promise<UsageView> {
    const input = parseInput(AssignPackageInput, raw, 'The package cannot be assigned');
    const tenantId = await this.em.fork().transactional(async (tx) => {
      const tenant = await tx.findOne(Tenant, { code: tenantCode }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!tenant) throw new NotFoundError('tenant', tenantCode);
      const pkg = await tx.findOne(Package, { code: input.packageCode });
      if (!pkg) throw new ValidationError('The package cannot be assigned', [{ path: 'packageCode', message: 'no such package', code: 'not_found' }]);
      await assertFits(tx, tenant, pkg, COUNTED_QUOTAS);
      tenant.packageId = pkg.id;
      await tx.flush();
      return tenant.id;
    });
    this.forget(tenantId);
    return this.usage(tenantId);
  }

  async tenantUsage(tenantCode: string): Promise<UsageView> {
    return this.usage((await this.tenantByCode(this.em.fork(), tenantCode)).id);
  }

  // ─────────────────────────────────────────── usage

  /** The caller's own tenant (no way to name another one). */
  mine(actor: Actor): Promise<UsageView> {
    return this.usage(actor.tenantId);
  }

  private async usage(tenantId: string): Promise<UsageView> {
    const em = this.em.fork();
    const tenant = await em.findOne(Tenant, { id: tenantId });
    if (!tenant) throw new NotFoundError('tenant', tenantId);
    const pkg = await packageOf(em, tenant);
    const quotas = {} as UsageView['quotas'];
    for (const q of COUNTED_QUOTAS) quotas[q] = { limit: limitOf(pkg, q), usage: await usageOf(em, tenantId, q) };
    const requestLimit = this.requestLimitOf(pkg);
    // The limiter's own counter of the current window; Redis down: unknown, shown as 0.
    const counted = await this.rt.redis.get(tenantRequestCounterKey(tenantId)).catch(() => null);
    quotas.apiRequestsPerMinute = { limit: requestLimit > 0 ? requestLimit : null, usage: Number(counted ?? 0) || 0 };
    return { tenant: { id: tenant.id, code: tenant.code, name: tenant.name }, package: { code: pkg.code, name: pkg.name }, quotas };
  }

  // ─────────────────────────────────────────── request limit (rate-limit tier)

  /** The package's requests per window, else the platform default; 0: no tenant limit. */
  private requestLimitOf(pkg: Package): number {
    const { RATE_LIMIT_PER_TENANT, RATE_LIMIT_WINDOW_SECONDS } = this.rt.config;
    if (pkg.apiRequestsPerMinute === null) return RATE_LIMIT_PER_TENANT;
    // The package says per minute; the limiter counts per RATE_LIMIT_WINDOW_SECONDS.
    return Math.max(1, Math.round((pkg.apiRequestsPerMinute * RATE_LIMIT_WINDOW_SECONDS) / 60));
  }

  /**
   * The tenant tier's points per window, from the tenant's package (cached per process for
   * REQUEST_LIMIT_CACHE_MS). Should the database not answer, the platform default applies.
   */
  async tenantRequestLimit(tenantId: string): Promise<number> {
    const cached = this.requestLimits.get(tenantId);
    if (cached && cached.until > Date.now()) return cached.points;
    let points = this.rt.config.RATE_LIMIT_PER_TENANT;
    try {
      const em = this.em.fork();
      const tenant = await em.findOne(Tenant, { id: tenantId }, { fields: ['packageId'] });
      if (tenant) points = this.requestLimitOf(await packageOf(em, tenant));
    } catch (err) {
      this.rt.log.warn({ err, tenantId }, "tenant's package not readable: the platform request limit applies");
      return points;
    }
    if (this.requestLimits.size > 10_000) this.requestLimits.clear();
    this.requestLimits.set(tenantId, { points, until: Date.now() + REQUEST_LIMIT_CACHE_MS });
    return points;
  }

  /** Drop this process's cached request limit of a tenant (its package changed). */
  forget(tenantId: string): void {
    this.requestLimits.delete(tenantId);
  }
}

/** Refuse a package whose limits are below what the tenant uses (the first such quota is named). */
async function assertFits(tx: EntityManager, tenant: Tenant, pkg: Package, quotas: readonly CountedQuota[]): Promise<void> {
  for (const quota of quotas) {
    const limit = limitOf(pkg, quota);
    if (limit === null) continue;
    const usage = await usageOf(tx, tenant.id, quota);
    if (usage > limit) {
      throw new ConflictError('quota_below_usage', `Tenant ${tenant.code} uses ${usage} of ${quota}; the package allows ${limit}`, { tenant: tenant.code, quota, limit, usage });
    }
  }
}
