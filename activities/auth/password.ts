/**
 * Password hashing with scrypt from node:crypto (no native addon). The parameters are stored in
 * the hash, so raising the cost later keeps old hashes verifiable.
 * Format: `scrypt$<logN>$<r>$<p>$<salt base64>$<hash base64>`.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_LENGTH = 64;
const SALT_BYTES = 16;
export const DEFAULT_SCRYPT = { logN: 17, r: 8, p: 1 } as const;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** scrypt needs 128 * N * r bytes; Node's default cap (32 MiB) is below N=2^17, r=8. */
const maxmemFor = (N: number, r: number) => 128 * N * r * 2;

export async function hashPassword(password: string, logN: number = DEFAULT_SCRYPT.logN): Promise<string> {
  const { r, p } = DEFAULT_SCRYPT;
  const N = 2 ** logN;
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(password, salt, { N, r, p, maxmem: maxmemFor(N, r) });
  return ['scrypt', logN, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Constant-time comparison; a malformed stored hash never verifies. */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  if (!stored) return false;
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [logN, r, p] = parts.slice(1, 4).map(Number);
  if (![logN, r, p].every(Number.isInteger) || logN < 10 || logN > 20) return false;
  const salt = Buffer.from(parts[4], 'base64');
  const expected = Buffer.from(parts[5], 'base64');
  const N = 2 ** logN;
  const actual = await scrypt(password, salt, { N, r, p, maxmem: maxmemFor(N, r) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Whether a stored hash uses weaker parameters than configured (rehash after a successful login). */
export function needsRehash(stored: string, logN: number): boolean {
  const parts = stored.split('$');
  return parts[0] !== 'scrypt' || Number(parts[1]) < logN;
}

/** Rules every new password must meet; returns the problems (empty = fine). */
export function passwordProblems(password: string): string[] {
  const problems: string[] = [];
  if (password.length < 10) problems.push('must be at least 10 characters');
  if (password.length > 256) problems.push('must be at most 256 characters');
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) problems.push('must contain letters and digits');
  return problems;
}
