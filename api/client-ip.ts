/**
 * The one answer to "which address is calling", used by everything that keys on it: login
 * lockout, the login log, activation and request limits, the audit log.
 *
 * Koa computes `ctx.ip` from the socket, or, only when the app trusts proxies (TRUST_PROXY,
 * set on the app in api/app.ts), from the last TRUST_PROXY_HOPS entries of X-Forwarded-For.
 * With TRUST_PROXY off a client cannot pick its own address by sending that header.
 */
import type { Context } from 'koa';

/** The caller's address, IPv4-mapped IPv6 (`::ffff:1.2.3.4`) written as plain IPv4. */
export function clientIp(ctx: Pick<Context, 'ip'>): string | null {
  const ip = ctx.ip?.trim();
  if (!ip) return null;
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip) ? ip.slice(7) : ip;
}
