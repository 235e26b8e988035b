/**
 * Password hashing with scrypt from node:crypto (no native addon). The parameters are stored in
 * the hash, so raising the cost later keeps old hashes verifiable.
 * Format: `scrypt$<logN>$<r>$<p>$<salt base64>$<hash base64>`.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { DEFAULT_PASSWORD_POLICY, type PasswordClass, type PasswordPolicy } from '../parameters/definitions';

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

const CLASS_TESTS: Record<PasswordClass, { test: RegExp; name: string }> = {
  lower: { test: /\p{Ll}/u, name: 'lowercase letters' },
  upper: { test: /\p{Lu}/u, name: 'uppercase letters' },
  letter: { test: /\p{L}/u, name: 'letters' },
  digit: { test: /\p{Nd}/u, name: 'digits' },
  symbol: { test: /[^\p{L}\p{Nd}\s]/u, name: 'symbols' },
};

const listed = (names: string[]) => (names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`);

/**
 * Rules every new password must meet, by the tenant's password policy (tenant parameter
 * `passwordPolicy`; the default is the product's original rule); returns the problems (empty = fine).
 */
export function passwordProblems(password: string, policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY): string[] {
  const problems: string[] = [];
  if (password.length < policy.minLength) problems.push(`must be at least ${policy.minLength} characters`);
  if (password.length > 256) problems.push('must be at most 256 characters');
  const classes = policy.requiredClasses;
  if (classes.some((c) => !CLASS_TESTS[c].test.test(password))) problems.push(`must contain ${listed(classes.map((c) => CLASS_TESTS[c].name))}`);
  return problems;
}
