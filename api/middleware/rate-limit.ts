/**
 * A fixed-window request limit per client IP in Redis, for public endpoints whose every call
 * costs real work (the activation hashes a password with scrypt at 128 MiB). INCR and EXPIRE
 * run as one script, so concurrent calls are all counted and the window always ends.
 */
import type { Context } from 'koa';
import type { Runtime } from '../../activities/runtime';
import { TooManyRequestsError } from '../../common/errors';
import { clientIp } from '../client-ip';
import { countRateLimitRefusal } from '../../common/metrics';

const COUNT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('TTL', KEYS[1])}
`;

export async function limitPerIp(rt: Runtime, ctx: Context, bucket: string, max: number, windowSeconds: number): Promise<void> {
  const key = `ratelimit:${bucket}:${clientIp(ctx) ?? 'unknown'}`;
  const [count, ttl] = (await rt.redis.eval(COUNT, 1, key, windowSeconds)) as [number, number];
  if (count > max) {
    countRateLimitRefusal(rt.metrics, bucket);
    throw new TooManyRequestsError('rate_limited', `Too many attempts from this address; try again in ${Math.max(ttl, 1)} s`, Math.max(ttl, 1));
  }
}
