/** Payload-encryption settings are validated at start with the rest of the configuration. */
import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../../../common/config';

const key = () => randomBytes(32).toString('base64');
const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};

describe('payload codec configuration', () => {
  it('requires the keys in production', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toContain('TEMPORAL_CODEC_KEYS (missing): is required when NODE_ENV=production');
  });

  it('is optional elsewhere (npm start and the tests generate or set one)', () => {
    expect(problemsOf({})).toEqual([]);
  });

  it('reports a bad key readably, never echoing it', () => {
    const short = randomBytes(8).toString('base64');
    const problems = problemsOf({ TEMPORAL_CODEC_KEYS: `k1:${short}` });
    expect(problems).toEqual(['TEMPORAL_CODEC_KEYS (set): key "k1" must be 32 random bytes in base64 (openssl rand -base64 32)']);
    expect(problems.join()).not.toContain(short);
  });

  it('wants the current key id among the keys, and keys for a current key id', () => {
    expect(problemsOf({ TEMPORAL_CODEC_KEYS: `a:${key()},b:${key()}`, TEMPORAL_CODEC_CURRENT_KEY: 'c' })).toEqual([
      'TEMPORAL_CODEC_KEYS (set): TEMPORAL_CODEC_CURRENT_KEY "c" is not one of the listed key ids',
    ]);
    expect(problemsOf({ TEMPORAL_CODEC_CURRENT_KEY: 'a' })).toEqual(['TEMPORAL_CODEC_CURRENT_KEY (set): needs TEMPORAL_CODEC_KEYS']);
    expect(problemsOf({ TEMPORAL_CODEC_KEYS: `a:${key()},b:${key()}`, TEMPORAL_CODEC_CURRENT_KEY: 'b' })).toEqual([]);
  });

  it('takes operators as tenantCode/username lists', () => {
    expect(problemsOf({ TEMPORAL_CODEC_OPERATORS: 'acme/admin, ops/jane.doe' })).toEqual([]);
    expect(problemsOf({ TEMPORAL_CODEC_OPERATORS: 'admin' })[0]).toMatch(/^TEMPORAL_CODEC_OPERATORS \("admin"\): must be a comma list of tenantCode\/username/);
  });
});
