/**
 * Brute-force protection in Redis, per account (tenant code + identifier) and per client IP.
 * Failures are counted in a fixed window; reaching the limit sets a lock key for
 * LOGIN_LOCK_SECONDS. While a lock exists the login is refused before any password check.
 * Counting runs as one Lua script, so concurrent failures are all counted and exactly the
 * attempt that reaches the limit sets the lock.
 */
import { createHash } from 'node:crypto';
import type { Runtime } from '../runtime';

export interface LoginSubject {
  tenantCode: string;
  identifier: string;
  ip: string;
}

export interface FailureOutcome {
  accountLocked: boolean;
  ipLocked: boolean;
}

/**
 * KEYS: account counter, account lock, ip counter, ip lock.
 * ARGV: window seconds, lock seconds, max per account, max per ip.
 * The counter is deleted when the lock is set, so counting starts afresh once the lock ends.
 */
const RECORD_FAILURE = `
local function bump(counter, lock, max)
  local n = redis.call('INCR', counter)
  if n == 1 then redis.call('EXPIRE', counter, ARGV[1]) end
  if n >= tonumber(max) then
    redis.call('SET', lock, '1', 'EX', ARGV[2])
    redis.call('DEL', counter)
    return 1
  end
  return 0
end
return { bump(KEYS[1], KEYS[2], ARGV[3]), bump(KEYS[3], KEYS[4], ARGV[4]) }
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

/** Normalised account id: the same person typing `ACME`/`Alice ` hits the same counter. */
export const accountOf = (s: Pick<LoginSubject, 'tenantCode' | 'identifier'>) =>
  createHash('sha256').update(`${s.tenantCode.trim().toLowerCase()}\n${s.identifier.trim().toLowerCase()}`).digest('hex').slice(0, 40);

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
    const [accountLocked, ipLocked] = (await this.rt.redis.eval(
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
    )) as [number, number];
    if (accountLocked || ipLocked) this.rt.log.warn({ tenantCode: s.tenantCode, ip: s.ip, accountLocked: !!accountLocked, ipLocked: !!ipLocked }, 'login locked');
    return { accountLocked: accountLocked === 1, ipLocked: ipLocked === 1 };
  }

  /**
   * A successful login clears the account's failures. The IP counter stays: otherwise one
   * valid account would let an attacker reset the IP limit between guesses at other accounts.
   */
  async recordSuccess(s: LoginSubject): Promise<void> {
    await this.rt.redis.del(loginGuardKeys.accountFailures(accountOf(s)));
  }
}
