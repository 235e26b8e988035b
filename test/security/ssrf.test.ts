/**
 * SSRF through approval webhooks (issue 8, item 7), against the real API, worker and Temporal.
 *  - publish time: a webhook to a literal internal address, in every class and spelling, is
 *    refused (422 template_invalid) and no version is published;
 *  - call time: a host NAME that resolves to loopback (this machine's own name) passes the
 *    publish check, but the worker refuses to connect: the request fails with a generic reason
 *    (no URL, address or answer), and the receiver never sees a call;
 *  - WEBHOOK_ALLOWED_HOSTS opens that one internal host on purpose.
 * The address classes themselves are covered one by one in test/unit/security/webhook-target.test.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { lookup } from 'node:dns/promises';
import { ApprovalTemplateVersion } from '../../db/entities';
import { isInternalAddress } from '../../activities/approval/instances/webhook-target';
import { tenantWithTokens, uniqueCode, useSuite, type TenantWithTokens } from '../harness/harness';
import { act, approval, openTaskOf, publish, startRuntimeEnv, submit, until, type RuntimeEnv } from '../approval-runtime/helpers';

const webhookStep = (url: string) => ({ kind: 'action', id: 'hook', name: 'Tell the ERP', action: 'webhook', args: { url } }) as any;

/** A receiver on every interface, counting the calls it gets. */
async function receiver(): Promise<{ server: Server; port: number; calls: string[] }> {
  const calls: string[] = [];
  const server = createServer((req, res) => {
    calls.push(req.url!);
    res.writeHead(200).end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '0.0.0.0', () => r()));
  return { server, port: (server.address() as AddressInfo).port, calls };
}

describe('publishing a webhook to a literal internal address', () => {
  const suite = useSuite();
  let t: TenantWithTokens;
  beforeAll(async () => {
    t = await tenantWithTokens(suite.rt);
  });

  it.each([
    ['Temporal frontend on loopback', 'http://127.0.0.1:7233/'],
    ['cloud metadata (link-local)', 'http://169.254.169.254/latest/meta-data/'],
    ['private 10/8', 'http://10.0.0.5/'],
    ['private 172.16/12', 'https://172.16.3.4/'],
    ['private 192.168/16', 'http://192.168.1.1:8080/admin'],
    ['unspecified', 'http://0.0.0.0:3000/'],
    ['multicast', 'http://224.0.0.1/'],
    ['loopback, decimal spelling', 'http://2130706433/'],
    ['loopback, hex spelling', 'http://0x7f.1/'],
    ['localhost', 'http://localhost:6379/'],
    ['IPv6 loopback', 'http://[::1]:7233/'],
    ['IPv6 link-local', 'http://[fe80::1]/'],
    ['IPv6 unique-local', 'http://[fd12:3456::1]/'],
    ['IPv6 multicast', 'http://[ff02::1]/'],
    ['IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.1]/'],
    ['IPv4-mapped IPv6 metadata', 'http://[::ffff:a9fe:a9fe]/'],
  ])('%s (%s) is refused and nothing is published', async (_what, url) => {
    const created = await suite.api.post(
      '/api/v1/approval-templates',
      {
        key: uniqueCode('ssrf-'),
        name: 'SSRF',
        category: 'general',
        formSchema: { fields: [{ id: 'amount', label: 'Amount', type: 'number', required: true }] },
        flow: [approval('one', [t.users.pete.id]), webhookStep(url)],
      },
      t.tokens.admin,
    );
    expect(created.status).toBe(201);
    const published = await suite.api.post(`/api/v1/approval-templates/${created.body.id}/publish`, undefined, t.tokens.admin);
    expect(published.status).toBe(422);
    expect(published.body.code).toBe('template_invalid');
    expect(published.body.errors).toEqual([expect.objectContaining({ path: 'flow[1].args.url', code: 'webhook_host_not_allowed' })]);
    expect(await suite.rt.orm.em.fork().count(ApprovalTemplateVersion, { tenantId: t.tenantId, templateId: created.body.id })).toBe(0);
  });
});

describe('calling a webhook whose host name resolves to an internal address', () => {
  const name = hostname().toLowerCase();
  let target: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    target = await receiver();
    // The premise: this machine's name resolves (/etc/hosts) to an internal address.
    const { address } = await lookup(name);
    expect(isInternalAddress(address)).toBe(true);
  });
  afterAll(async () => {
    await new Promise((r) => target.server.close(r));
  });

  async function runOnce(env: RuntimeEnv, path: string) {
    const key = await publish(env, [approval('one', [env.id('pete')]), webhookStep(`http://${name}:${target.port}${path}`)]);
    const id = await submit(env, key);
    const d = await until(env, id, (x) => x.tasks.some((t: any) => t.status === 'open'));
    expect((await act(env, 'pete', id, openTaskOf(d, env.id('pete')), 'approve')).status).toBe(200);
    return until(env, id, (x) => x.status !== 'running', 'alice', 30_000);
  }

  describe('deny by default', () => {
    let env: RuntimeEnv;
    beforeAll(async () => {
      env = await startRuntimeEnv();
    });
    afterAll(async () => {
      await env?.close();
    });

    it('the worker refuses to connect; the request stalls (for an administrator) with a generic reason; the receiver sees nothing', async () => {
      const done = await runOnce(env, '/denied');
      expect(done.status).toBe('stalled');
      const reason: string = done.timeline.find((e: any) => e.type === 'step_stalled').data.reason;
      expect(reason).toMatch(/the webhook failed: the webhook's address is not allowed/);
      expect(reason).not.toContain(name);
      expect(reason).not.toContain(String(target.port));
      expect(reason).not.toMatch(/127\.0\.0\.1|::1/);
      expect(target.calls).not.toContain('/denied');
    });
  });

  describe('with the host in WEBHOOK_ALLOWED_HOSTS', () => {
    let env: RuntimeEnv;
    beforeAll(async () => {
      env = await startRuntimeEnv({ WEBHOOK_ALLOWED_HOSTS: name });
    });
    afterAll(async () => {
      await env?.close();
    });

    it('the call goes through', async () => {
      const done = await runOnce(env, '/allowed');
      expect(done.status).toBe('approved');
      expect(target.calls).toEqual(['/allowed']);
    });
  });
});
