/**
 * Which addresses an approval webhook may reach (SSRF). Template admins choose the URL, the
 * worker calls it from inside the network: without a filter a template could call the Temporal
 * frontend, the cloud metadata service (169.254.169.254) or any internal host.
 *
 * Deny by default: only public unicast addresses. Loopback, private, link-local, unique-local,
 * multicast, unspecified, broadcast, reserved and the IPv6 forms that embed IPv4
 * (`::ffff:127.0.0.1`, NAT64, 6to4, Teredo) are refused. WEBHOOK_ALLOWED_HOSTS lists the hosts a
 * template may call at all (unset: any), and a host named there explicitly may also sit on an
 * internal address: that is how an operator opens one internal service on purpose.
 *
 * Checked twice: at publish time for literal addresses (validate-template.ts), and at call time
 * on the resolved address of the very connection that is made (webhook-client.ts), so a name
 * that resolves differently later (DNS rebinding) gains nothing.
 */
import ipaddr from 'ipaddr.js';

/** WEBHOOK_ALLOWED_HOSTS as a list: `erp.internal`, `*.example.com`, `10.0.0.5`, `[fd00::5]`. */
export function allowedHostList(allowed: string | undefined): string[] {
  return (allowed ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1'))
    .filter(Boolean);
}

/** The URL's host without IPv6 brackets, lower case. */
export const hostOf = (url: string): string => new URL(url).hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');

const matches = (pattern: string, host: string) => (pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : host === pattern);

/** Webhook hosts a template may call: WEBHOOK_ALLOWED_HOSTS, or any when it is unset. */
export function webhookHostAllowed(allowed: string | undefined, url: string): boolean {
  const list = allowedHostList(allowed);
  if (!list.length) return true;
  const host = hostOf(url);
  return list.some((h) => matches(h, host));
}

/** Named in WEBHOOK_ALLOWED_HOSTS: its internal addresses are allowed on purpose. */
export function hostExplicitlyAllowed(allowed: string | undefined, url: string): boolean {
  const host = hostOf(url);
  return allowedHostList(allowed).some((h) => matches(h, host));
}

/** True when the address is not a public unicast one (see the module comment). */
export function isInternalAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() !== 'unicast';
}

/**
 * Publish-time check of a literal host: an IP address (in any spelling the URL parser
 * normalises: `0x7f.1`, `2130706433`, `[::ffff:7f00:1]`) or `localhost` that is internal and not
 * explicitly allowed. Host names are checked when called (their address can change).
 */
export function literalInternalHost(allowed: string | undefined, url: string): boolean {
  if (hostExplicitlyAllowed(allowed, url)) return false;
  const host = hostOf(url);
  return host === 'localhost' || host.endsWith('.localhost') || isInternalAddress(host);
}
