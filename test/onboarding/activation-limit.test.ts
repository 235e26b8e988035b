/**
 * The public activation endpoint is limited per client address: every attempt costs a scrypt
 * hash, so a flood is refused with 429 `rate_limited` and a Retry-After before any work.
 */
import { uniqueCode, useSuite } from '../harness/harness';
import { ONB } from './helpers';
import { makeActivationToken } from '../../activities/onboarding/activities';

describe('activation rate limit', () => {
  // Its own key space: other suites' activations from 127.0.0.1 do not count here.
  const suite = useSuite({ REDIS_KEY_PREFIX: `${uniqueCode('rl-')}:`, ACTIVATION_MAX_PER_IP: '3', ACTIVATION_WINDOW_SECONDS: '60' });

  it('answers the first attempts, then 429 with Retry-After until the window ends', async () => {
    // Well-formed but unknown: each one is looked up (404); malformed bodies fail validation first.
    const token = makeActivationToken('onboarding:nobody:nobody').token;
    const attempt = () => suite.api.post(`${ONB}/activate`, { token, password: 'Correct-horse-9-battery' });
    const first = await Promise.all([attempt(), attempt(), attempt()]);
    expect(first.map((r) => r.status)).toEqual([404, 404, 404]);
    const refused = await attempt();
    expect([refused.status, refused.body.code]).toEqual([429, 'rate_limited']);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    // Counted in Redis under this runtime's prefix, with the window as its lifetime.
    const keys = await suite.rt.redis.keys(`${suite.rt.config.REDIS_KEY_PREFIX}ratelimit:activate:*`);
    expect(keys).toHaveLength(1);
  });
});
