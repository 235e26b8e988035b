/**
 * The SSRF filter of approval webhooks (issue 8, item 7), one address class at a time, and the
 * connect-time check of the real HTTP client against a loopback listener: a name that resolves
 * to loopback is refused at connection (no second resolution), unless explicitly allowed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostExplicitlyAllowed, isInternalAddress, literalInternalHost, webhookHostAllowed } from '../../../activities/approval/instances/webhook-target';
import { sendWebhook } from '../../../activities/approval/instances/webhook-client';

describe('isInternalAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['169.254.169.254', 'link-local (metadata)'],
    ['224.0.0.251', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'IPv6 loopback'],
    ['::', 'IPv6 unspecified'],
    ['fe80::1', 'IPv6 link-local'],
    ['fc00::1', 'IPv6 unique-local'],
    ['fd00:ec2::254', 'IPv6 unique-local (metadata)'],
    ['ff02::1', 'IPv6 multicast'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['64:ff9b::7f00:1', 'NAT64'],
    ['2002:7f00:1::', '6to4'],
  ])('%s (%s) is internal', (address) => {
    expect(isInternalAddress(address)).toBe(true);
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('%s is public', (address) => {
    expect(isInternalAddress(address)).toBe(false);
  });
});

describe('WEBHOOK_ALLOWED_HOSTS', () => {
  it('unset: any host name, but no literal internal address', () => {
    expect(webhookHostAllowed(undefined, 'https://hooks.example.com/x')).toBe(true);
    expect(literalInternalHost(undefined, 'https://hooks.example.com/x')).toBe(false);
    expect(literalInternalHost(undefined, 'http://127.0.0.1:7233/')).toBe(true);
    expect(literalInternalHost(undefined, 'http://[::ffff:7f00:1]/')).toBe(true);
    expect(literalInternalHost(undefined, 'http://api.localhost/')).toBe(true);
  });

  it('set: only the listed hosts, and a listed internal host is allowed on purpose', () => {
    const allowed = 'erp.internal, *.example.com, 10.0.0.5, [fd00::5]';
    expect(webhookHostAllowed(allowed, 'https://a.example.com/')).toBe(true);
    expect(webhookHostAllowed(allowed, 'https://example.org/')).toBe(false);
    expect(literalInternalHost(allowed, 'http://10.0.0.5/')).toBe(false);
    expect(literalInternalHost(allowed, 'http://[fd00::5]/')).toBe(false);
    expect(hostExplicitlyAllowed(allowed, 'http://erp.internal/')).toBe(true);
    expect(hostExplicitlyAllowed(allowed, 'http://10.0.0.6/')).toBe(false);
  });
});

describe('sendWebhook (connect-time filter)', () => {
  let server: Server;
  let port: number;
  let calls = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      calls += 1;
      res.writeHead(204).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  const send = (host: string, allowedHosts?: string) =>
    sendWebhook({ url: `http://${host}:${port}/hook`, method: 'POST', headers: {}, body: '{}', timeoutMs: 5000, allowedHosts });

  it('refuses a name resolving to loopback, and a literal loopback address, before connecting', async () => {
    expect(await send('localhost')).toMatchObject({ kind: 'blocked' });
    expect(await send('127.0.0.1')).toMatchObject({ kind: 'blocked' });
    expect(calls).toBe(0);
  });

  it('connects when the host is explicitly allowed', async () => {
    expect(await send('localhost', 'localhost')).toEqual({ kind: 'answered', status: 204 });
    expect(await send('127.0.0.1', '127.0.0.1')).toEqual({ kind: 'answered', status: 204 });
    expect(calls).toBe(2);
  });
});
