/** Unit tests of the scrypt password hashing (no services needed). */
import { hashPassword, needsRehash, passwordProblems, verifyPassword } from '../../activities/auth/password';

const LOG_N = 12; // cheap for most cases; one test uses the production cost

describe('password hashing', () => {
  it('stores its parameters in a self-describing format', async () => {
    const hash = await hashPassword('correct horse 1', LOG_N);
    const parts = hash.split('$');
    expect(parts).toHaveLength(6);
    expect(parts.slice(0, 4)).toEqual(['scrypt', String(LOG_N), '8', '1']);
    expect(Buffer.from(parts[4], 'base64')).toHaveLength(16);
    expect(Buffer.from(parts[5], 'base64')).toHaveLength(64);
  });

  it('salts: the same password hashes differently every time, and both verify', async () => {
    const [a, b] = await Promise.all([hashPassword('same-password-1', LOG_N), hashPassword('same-password-1', LOG_N)]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same-password-1', a)).toBe(true);
    expect(await verifyPassword('same-password-1', b)).toBe(true);
  });

  it('rejects a wrong password, an empty one, and a missing hash', async () => {
    const hash = await hashPassword('Right-password-9', LOG_N);
    expect(await verifyPassword('Right-password-8', hash)).toBe(false);
    expect(await verifyPassword('right-password-9', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
    expect(await verifyPassword('Right-password-9', null)).toBe(false);
    expect(await verifyPassword('Right-password-9', undefined)).toBe(false);
  });

  it('treats Unicode-equivalent spellings of a password as the same password (NFKC)', async () => {
    const composed = 'Caf\u00e9-secret-1';
    const decomposed = 'Cafe\u0301-secret-1';
    expect(await verifyPassword(decomposed, await hashPassword(composed, LOG_N))).toBe(true);
  });

  it('never verifies a tampered or malformed hash', async () => {
    const password = 'Tamper-proof-1';
    const hash = await hashPassword(password, LOG_N);
    const parts = hash.split('$');
    const flip = (b64: string) => {
      const buf = Buffer.from(b64, 'base64');
      buf[0] ^= 0x01;
      return buf.toString('base64');
    };
    const variants = [
      [...parts.slice(0, 5), flip(parts[5])], // digest changed
      [...parts.slice(0, 4), flip(parts[4]), parts[5]], // salt changed
      [parts[0], String(LOG_N + 1), ...parts.slice(2)], // cost changed
      [parts[0], parts[1], '4', ...parts.slice(3)], // block size changed
      [...parts.slice(0, 5), Buffer.from(parts[5], 'base64').subarray(0, 32).toString('base64')], // truncated digest
      ['bcrypt', ...parts.slice(1)], // other scheme
      [parts[0], '40', ...parts.slice(2)], // absurd cost is refused, not attempted
      parts.slice(0, 5), // missing part
    ].map((p) => p.join('$'));
    for (const v of variants) expect(await verifyPassword(password, v)).toBe(false);
    expect(await verifyPassword(password, 'not a hash at all')).toBe(false);
    expect(await verifyPassword(password, hash)).toBe(true); // the original still does
  });

  it('asks for a rehash only when the stored cost is below the configured one', async () => {
    const weak = await hashPassword('Rehash-me-please-1', 11);
    expect(needsRehash(weak, 12)).toBe(true);
    expect(needsRehash(weak, 11)).toBe(false);
    expect(needsRehash(weak, 10)).toBe(false);
    expect(needsRehash('legacy$whatever', 12)).toBe(true);
  });

  it('hashes and verifies at the production cost (logN = 17, 128 MiB)', async () => {
    const hash = await hashPassword('Production-cost-1', 17);
    expect(hash.startsWith('scrypt$17$8$1$')).toBe(true);
    expect(await verifyPassword('Production-cost-1', hash)).toBe(true);
    expect(await verifyPassword('Production-cost-2', hash)).toBe(false);
    expect(needsRehash(hash, 17)).toBe(false);
  });

  it('states the rules a new password breaks', () => {
    expect(passwordProblems('Sh0rt')).toContain('must be at least 10 characters');
    expect(passwordProblems('onlyletters-here')).toContain('must contain letters and digits');
    expect(passwordProblems('1234567890123')).toContain('must contain letters and digits');
    expect(passwordProblems('x1'.repeat(200))).toContain('must be at most 256 characters');
    expect(passwordProblems('Good-enough-42')).toEqual([]);
  });
});
