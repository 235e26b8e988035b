/**
 * Brute-force protection in Redis, per account and per client IP. While a lock key exists the
 * login is refused (429 with Retry-After) before any password check.
 *
 * - **Account**: keyed by the resolved account (tenant + user id), so the username and the
 *   email of one person share one counter; an identifier that matches nobody is keyed by what
 *   was typed. After LOGIN_MAX_FAILURES_PER_ACCOUNT failures each further failure makes the
 *   account wait a **progressive delay**, LOGIN_DELAY_BASE_SECONDS doubling per failure up to
 *   LOGIN_DELAY_MAX_SECONDS. Not a long hard lock: someone guessing at a victim's account can
 *   slow the victim down by at most the maximum delay, never shut them out for a lock period,
 *   and gets one guess per maximum delay. The count fades LOGIN_FAILURE_WINDOW_SECONDS after
 *   the last failure, and a successful login clears it.
 * - **Client IP**: a hard lock of LOGIN_LOCK_SECONDS after LOGIN_MAX_FAILURES_PER_IP failures
 *   in the window (it only ever locks the guesser's own address).
 *
 * Counting runs as one Lua script, so concurrent failures are all counted and each sets the
 * delay its own count earns.
 */
import { createHash } from 'node:crypto';
import type { Runtime } from '../runtime';

export interface LoginSubject {
  tenantCode: string;
  identifier: string;
  ip: string;
  /** The account the identifier resolved to, when it did (username and email then count as one). */
  userId?: string | null;
}

export interface FailureOutcome {
  accountLocked: boolean;
  /** Seconds the account must now wait (0 while under the limit). */
  accountDelaySeconds: number;
  ipLocked: boolean;
}

/**
 * KEYS: account counter, account delay, ip counter, ip lock.
 * ARGV: window seconds, ip lock seconds, max per account, max per ip, delay base, delay max.
 * Account: the counter lives on (its window restarts with each failure) and every failure from
 * the limit on sets a delay of base * 2^(failures - limit), capped. IP: the counter is deleted
 * when the lock is set, so counting starts afresh once the lock ends.
 */
const RECORD_FAILURE = `
local n = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1])
local accountDelay = 0
if n >= tonumber(ARGV[3]) then
  local exponent = math.min(n - tonumber(ARGV[3]), 30)
  accountDelay = math.min(tonumber(ARGV[5]) * (2 ^ exponent), tonumber(ARGV[6]))
  redis.call('SET', KEYS[2], '1', 'EX', math.floor(accountDelay))
end
local m = redis.call('INCR', KEYS[3])
if m == 1 then redis.call('EXPIRE', KEYS[3], ARGV[1]) end
local ipLocked = 0
if m >= tonumber(ARGV[4]) then
  redis.call('SET', KEYS[4], '1', 'EX', ARGV[2])
  redis.call('DEL', KEYS[3])
  ipLocked = 1
end
return { math.floor(accountDelay), ipLocked }
`;

/**
 * Redis keys. The account part is hashed: identifiers are user input of any length and case,
 * and the key should not spell out who is being attacked.
 */
export const loginGuardKeys = {
  accountFailures: (account: string) => `login:fail:acct:${account}`,
  accountLock: (account: string) => `login:lock:acct:${account}`,
  ipFailures: (ip: string) => `login:fail:ip:${ip}`,
  ipLock: (ip: string) => `login:lock:ip:${ip}`,
};

/**
 * Normalised account id: a resolved account by its user id (username and email alike), else
 * the typed identifier, so the same person typing `ACME`/`Alice ` hits the same counter.
 */
export const accountOf = (s: Pick<LoginSubject, 'tenantCode' | 'identifier' | 'userId'>) =>
  createHash('sha256')
    .update(s.userId ? `${s.tenantCode.trim().toLowerCase()}\n#user:${s.userId}` : `${s.tenantCode.trim().toLowerCase()}\n${s.identifier.trim().toLowerCase()}`)
    .digest('hex')
    .slice(0, 40);

export class LoginGuard {
  constructor(private readonly rt: Runtime) {}

  /** Seconds until the account or IP may try again; 0 when neither is locked. */
  async lockedFor(s: LoginSubject): Promise<number> {
    const account = accountOf(s);
    const results = await this.rt.redis.multi().pttl(loginGuardKeys.accountLock(account)).pttl(loginGuardKeys.ipLock(s.ip)).exec();
    // PTTL: -2 = no key, -1 = no expiry (never set by us; treat as a full lock period).
    const ms = (results ?? []).map(([err, v]) => {
      if (err) throw err;
      const n = Number(v);
      return n === -1 ? this.rt.config.LOGIN_LOCK_SECONDS * 1000 : Math.max(n, 0);
    });
    const longest = Math.max(0, ...ms);
    return longest > 0 ? Math.ceil(longest / 1000) : 0;
  }

  /** Count a failed attempt against the account and the IP; reports which got locked by it. */
  async recordFailure(s: LoginSubject): Promise<FailureOutcome> {
    const c = this.rt.config;
    const account = accountOf(s);
    const [accountDelay, ipLocked] = (await this.rt.redis.eval(
      RECORD_FAILURE,
      4,
      loginGuardKeys.accountFailures(account),
      loginGuardKeys.accountLock(account),
      loginGuardKeys.ipFailures(s.ip),
      loginGuardKeys.ipLock(s.ip),
      c.LOGIN_FAILURE_WINDOW_SECONDS,
      c.LOGIN_LOCK_SECONDS,
      c.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      c.LOGIN_MAX_FAILURES_PER_IP,
      c.LOGIN_DELAY_BASE_SECONDS,
      c.LOGIN_DELAY_MAX_SECONDS,
    )) as [number, number];
    if (accountDelay || ipLocked) this.rt.log.warn({ tenantCode: s.tenantCode, ip: s.ip, accountDelaySeconds: accountDelay, ipLocked: !!ipLocked }, 'login locked');
    return { accountLocked: accountDelay > 0, accountDelaySeconds: accountDelay, ipLocked: ipLocked === 1 };
  }

  /**
   * A successful login clears the account's failures. The IP counter stays: otherwise one
   * valid account would let an attacker reset the IP limit between guesses at other accounts.
   */
  async recordSuccess(s: LoginSubject): Promise<void> {
    await this.rt.redis.del(loginGuardKeys.accountFailures(accountOf(s)));
  }
}
