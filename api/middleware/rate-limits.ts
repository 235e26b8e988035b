/**
 * Request limits in tiers, counted in Redis (rate-limiter-flexible) so every API process shares
 * the same counters: per client address (every `/api` call, before authentication too), and
 * once the caller is known per user (access tokens), per API key, and per tenant. The limits
 * and window come from RATE_LIMIT_* (common/config.ts); 0 turns a tier off. The tenant tier's
 * limit is the tenant's package's (`apiRequestsPerMinute`), RATE_LIMIT_PER_TENANT when the
 * package sets none.
 *
 * Over a limit: 429 `rate_limited` with Retry-After. Every limited response carries
 * RateLimit-Limit / -Remaining / -Reset of the tier closest to its limit.
 *
 * Redis down: the limits fail OPEN (the call goes through, a warning is logged at most once a
 * minute). Availability of the product outweighs the limit; authentication itself does not
 * depend on this and stays fail-closed.
 */
import type { Context, Middleware } from 'koa';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Runtime } from '../../activities/runtime';
import type { Actor } from '../../common/actor';
import { TooManyRequestsError } from '../../common/errors';
import { countRateLimitRefusal, type Metrics } from '../../common/metrics';
import type { Logger } from '../../common/logger';
import { clientIp } from '../client-ip';

export type Tier = 'ip' | 'user' | 'tenant' | 'apiKey';

interface Hit {
  tier: Tier;
  limit: number;
  res: RateLimiterRes;
}

interface Entry {
  limiter: RateLimiterRedis;
  limit: number;
}

export class RateLimits {
  private readonly limiters = new Map<Tier, Entry>();
  /** The tenant tier by limit: tenants on different packages count in the same keys, against their own limit. */
  private readonly tenantLimiters = new Map<number, Entry>();
  private lastWarning = 0;

  /**
   * `tenantLimit`: the tenant tier's points per window for a tenant (its package's, else
   * RATE_LIMIT_PER_TENANT; 0: none). Without it every tenant has RATE_LIMIT_PER_TENANT.
   */
  constructor(
    private readonly redis: Redis,
    private readonly config: Runtime['config'],
    private readonly log: Logger,
    private readonly metrics?: Pick<Metrics, 'rateLimitRefusals'>,
    private readonly tenantLimit?: (tenantId: string) => Promise<number>,
  ) {
    const limits: Record<Tier, number> = {
      ip: config.RATE_LIMIT_PER_IP,
      user: config.RATE_LIMIT_PER_USER,
      tenant: config.RATE_LIMIT_PER_TENANT,
      apiKey: config.RATE_LIMIT_PER_API_KEY,
    };
    for (const [tier, limit] of Object.entries(limits) as [Tier, number][]) {
      if (limit > 0) this.limiters.set(tier, this.limiter(tier, limit));
    }
  }

  private limiter(tier: Tier, limit: number): Entry {
    const limiter = new RateLimiterRedis({
      storeClient: this.redis,
      // The tenant tier's key is also read by the usage view (activities/package/service.ts, tenantRequestCounterKey).
      keyPrefix: `ratelimit:${tier}`,
      points: limit,
      duration: this.config.RATE_LIMIT_WINDOW_SECONDS,
      // Not connected: answer at once (and fail open) instead of queueing behind reconnects.
      rejectIfRedisNotReady: true,
    });
    return { limiter, limit };
  }

  /** The limiter that counts `key` of this tier, or none when the tier is off (for this tenant). */
  private async entryFor(tier: Tier, key: string): Promise<Entry | undefined> {
    if (tier !== 'tenant' || !this.tenantLimit) return this.limiters.get(tier);
    const limit = await this.tenantLimit(key);
    if (limit <= 0) return undefined;
    let entry = this.tenantLimiters.get(limit);
    if (!entry) this.tenantLimiters.set(limit, (entry = this.limiter('tenant', limit)));
    return entry;
  }

  /**
   * Count `points` against each tier given (all of them, even when one is over, so a burst
   * cannot dodge a tier by being refused by another). Throws the 429 when any is over.
   */
  async consume(ctx: Context, keys: Partial<Record<Tier, string>>, points = 1): Promise<void> {
    const hits: Hit[] = [];
    let refused: Hit | undefined;
    await Promise.all(
      (Object.entries(keys) as [Tier, string][]).map(async ([tier, key]) => {
        const entry = await this.entryFor(tier, key);
        if (!entry) return;
        try {
          hits.push({ tier, limit: entry.limit, res: await entry.limiter.consume(key, points) });
        } catch (err) {
          if (err instanceof RateLimiterRes) {
            const hit = { tier, limit: entry.limit, res: err };
            hits.push(hit);
            if (!refused || hit.res.msBeforeNext > refused.res.msBeforeNext) refused = hit;
          } else {
            this.warn(err);
          }
        }
      }),
    );
    // The address tier counted first (middleware), the caller's tiers later: show the tightest of all.
    const earlier = ctx.state.rateLimitShown as Hit | undefined;
    const shown = refused ?? [...hits, ...(earlier ? [earlier] : [])].sort((a, b) => ratio(a) - ratio(b))[0];
    if (shown) {
      ctx.state.rateLimitShown = shown;
      setHeaders(ctx, shown);
    }
    if (refused) {
      if (this.metrics) countRateLimitRefusal(this.metrics, refused.tier);
      const seconds = Math.max(1, Math.ceil(refused.res.msBeforeNext / 1000));
      throw new TooManyRequestsError('rate_limited', `Too many requests; try again in ${seconds} s`, seconds);
    }
  }

  /** The caller's tiers once authenticated: API keys count per key, people per user; both per tenant. */
  consumeFor(ctx: Context, actor: Actor, points = 1): Promise<void> {
    if (actor.via === 'system') return Promise.resolve();
    const keys: Partial<Record<Tier, string>> = { tenant: actor.tenantId };
    if (actor.via === 'api_key' && actor.apiKeyId) keys.apiKey = actor.apiKeyId;
    else keys.user = actor.userId;
    return this.consume(ctx, keys, points);
  }

  private warn(err: unknown) {
    const now = Date.now();
    if (now - this.lastWarning < 60_000) return;
    this.lastWarning = now;
    this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'rate limits unavailable (Redis): requests let through');
  }
}

const ratio = (hit: Hit) => Math.max(0, hit.res.remainingPoints) / hit.limit;

function setHeaders(ctx: Context, hit: Hit) {
  ctx.set('RateLimit-Limit', String(hit.limit));
  ctx.set('RateLimit-Remaining', String(Math.max(0, hit.res.remainingPoints)));
  ctx.set('RateLimit-Reset', String(Math.max(0, Math.ceil(hit.res.msBeforeNext / 1000))));
}

/** One set of limiters per runtime (each test runtime has its own config). */
const byRuntime = new WeakMap<Runtime, RateLimits>();
export function rateLimitsOf(rt: Runtime): RateLimits {
  let limits = byRuntime.get(rt);
  if (!limits) byRuntime.set(rt, (limits = new RateLimits(rt.redis, rt.config, rt.log, rt.metrics, (tenantId) => rt.services.packages.tenantRequestLimit(tenantId))));
  return limits;
}

/** The per-address tier on every API call, before the body is read or the caller authenticated. */
export function limitByAddress(rt: Runtime): Middleware {
  const limits = rateLimitsOf(rt);
  return async (ctx, next) => {
    if (ctx.path === '/api' || ctx.path.startsWith('/api/')) await limits.consume(ctx, { ip: clientIp(ctx) ?? 'unknown' });
    await next();
  };
}

/** The caller's tiers, for `points` units of work (batch approve: one per item). */
export function limitCaller(ctx: Context, rt: Runtime, actor: Actor, points = 1): Promise<void> {
  return rateLimitsOf(rt).consumeFor(ctx, actor, points);
}
