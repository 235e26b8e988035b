/**
 * The console served by the API: cache headers, gzip, the SPA fallback, and the API's own paths
 * never shadowed by it. A fake build in a temp folder keeps this independent of `npm run build`;
 * the real app proves the reserved paths and the public console configuration.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import Router from '@koa/router';
import pino from 'pino';
import { serveConsole, API_PATHS } from '../../api/console';
import { useSuite } from '../harness/harness';

const INDEX = '<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head><body><div id="app"></div></body></html>';
const BUNDLE = `console.log(${JSON.stringify('x'.repeat(5000))});`;

function fakeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'signoff-console-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), BUNDLE);
  writeFileSync(join(dir, 'robots.txt'), 'User-agent: *\n');
  return dir;
}

async function serve(dir: string | null) {
  const app = new Koa();
  const router = new Router();
  router.get('/api/v1/thing', (ctx) => {
    ctx.body = { api: true };
  });
  router.get('/docs/assets/:file', (ctx) => {
    ctx.body = { docs: ctx.params.file };
  });
  app.use(serveConsole(pino({ level: 'silent' }), dir));
  app.use(router.routes());
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('console static serving', () => {
  let s: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    s = await serve(fakeBuild());
  });
  afterAll(() => s.close());

  it('serves index.html at / and revalidates it on every load', async () => {
    const res = await fetch(`${s.base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toBe(INDEX);
  });

  it('hashed assets are immutable for a year and gzipped when accepted', async () => {
    // node:http, not fetch: fetch would decompress and hide what went over the wire.
    const raw = await new Promise<{ headers: Record<string, unknown>; body: Buffer; status?: number }>((resolve, reject) => {
      get(`${s.base}/assets/index-abc123.js`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks), status: res.statusCode }));
      }).on('error', reject);
    });
    expect(raw.status).toBe(200);
    expect(raw.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(raw.headers['content-type']).toMatch(/javascript/);
    expect(raw.headers['content-encoding']).toBe('gzip');
    expect(raw.body.length).toBeLessThan(BUNDLE.length / 10);
    expect(gunzipSync(raw.body).toString()).toBe(BUNDLE);
    const plain = await fetch(`${s.base}/assets/index-abc123.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(BUNDLE);
  });

  it('answers 304 to a matching ETag', async () => {
    const first = await fetch(`${s.base}/robots.txt`);
    const etag = first.headers.get('etag')!;
    expect(etag).toBeTruthy();
    const again = await fetch(`${s.base}/robots.txt`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('falls back to index.html for console routes (deep links, reloads)', async () => {
    for (const path of ['/approvals/inbox', '/approvals/requests/0190a5f2-7b6c-7cde-8f00-123456789abc', '/workspace/messages?x=1']) {
      const res = await fetch(`${s.base}${path}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(INDEX);
    }
  });

  it('a missing file with an extension is a 404, not index.html (a stale chunk must fail loudly)', async () => {
    expect((await fetch(`${s.base}/assets/gone-123.js`)).status).toBe(404);
  });

  it('never answers the API paths: they reach their routes or their 404', async () => {
    expect(await (await fetch(`${s.base}/api/v1/thing`)).json()).toEqual({ api: true });
    expect(await (await fetch(`${s.base}/docs/assets/x.css`)).json()).toEqual({ docs: 'x.css' });
    for (const p of API_PATHS) {
      const res = await fetch(`${s.base}${p}/unknown`);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('<div id="app">');
    }
  });

  it('does not serve files outside the build, whatever the path says', async () => {
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json']) {
      const res = await fetch(`${s.base}${path}`);
      expect(await res.text()).not.toContain('"name"');
    }
  });

  it('leaves other methods to the routes', async () => {
    expect((await fetch(`${s.base}/approvals/inbox`, { method: 'POST' })).status).toBe(404);
  });

  it('without a build, / says how to build the console', async () => {
    const bare = await serve(null);
    try {
      const res = await fetch(`${bare.base}/`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('npm run build');
      expect(await (await fetch(`${bare.base}/api/v1/thing`)).json()).toEqual({ api: true });
    } finally {
      await bare.close();
    }
  });
});

describe('the real app around the console', () => {
  const suite = useSuite({ TEMPORAL_UI_URL: 'http://temporal-ui.example:8233/' });

  it('GET /api/v1/console-config is public and tells where the Temporal UI is (nothing tenant-specific)', async () => {
    const res = await suite.api.get('/api/v1/console-config');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ temporalUiUrl: 'http://temporal-ui.example:8233', temporalNamespace: 'default', version: expect.any(String) });
  });

  it('API, docs, health, readiness and OpenAPI keep their own answers', async () => {
    const api404 = await suite.api.get('/api/v1/no-such-thing');
    expect(api404.status).toBe(404);
    expect(api404.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await suite.api.get('/health')).body).toEqual({ status: 'ok' });
    expect((await suite.api.get('/openapi.json')).body.openapi).toBe('3.1.0');
    expect((await suite.api.get('/docs')).headers.get('content-type')).toMatch(/text\/html/);
    expect(String((await suite.api.get('/docs')).body)).toContain('swagger');
    expect((await suite.api.get('/api/v1/me')).status).toBe(401);
  });
});
