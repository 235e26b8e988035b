/**
 * Response headers and the readiness probe (issue 8, item 14), against the real API:
 *  - every answer (API, docs, health, problems) carries nosniff and a CSP that allows only our
 *    own scripts and forbids framing; the docs page has no inline script for that CSP to block;
 *  - HSTS only over TLS as said by a trusted proxy, never because a client claims https;
 *  - token and password answers are not cacheable;
 *  - /ready tells an anonymous caller which dependency is down, not where it is or why.
 */
import { loadConfig } from '../../common/config';
import { tenantWithTokens, uniqueCode, useSuite, type TenantWithTokens } from '../harness/harness';
import { DEMO } from '../../db/seed';

const expectHardened = (headers: Headers) => {
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  const csp = headers.get('content-security-policy') ?? '';
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  expect(headers.get('x-frame-options')).toBe('SAMEORIGIN');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
};

describe('security headers (no trusted proxy: the default)', () => {
  const suite = useSuite();
  let t: TenantWithTokens;
  beforeAll(async () => {
    t = await tenantWithTokens(suite.rt);
  });

  it('are on every kind of answer, including problems and the docs', async () => {
    for (const res of [
      await suite.api.get('/health'),
      await suite.api.get('/docs'),
      await suite.api.get('/openapi.json'),
      await suite.api.get('/api/v1/me', t.tokens.alice),
      await suite.api.get('/api/v1/me'), // 401 problem
      await suite.api.get('/api/v1/nothing-here', t.tokens.alice), // 404 problem
    ]) {
      expectHardened(res.headers);
    }
  });

  it('the docs page runs no inline script (the CSP would block it) and its assets load', async () => {
    const page = await suite.api.get('/docs');
    const scripts = [...String(page.body).matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, inline] of scripts) {
      expect(attrs).toMatch(/src="\/docs\/assets\//);
      expect(inline.trim()).toBe('');
    }
    const init = await suite.api.get('/docs/assets/init.js');
    expect(init.status).toBe(200);
    expect(init.headers.get('content-type')).toMatch(/javascript/);
  });

  it('no HSTS over plain http, even when the client claims https in X-Forwarded-Proto', async () => {
    const res = await suite.api.request('GET', '/health', { headers: { 'x-forwarded-proto': 'https' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });

  it('token and password answers are not cacheable', async () => {
    const login = await suite.api.post('/api/v1/auth/login', { tenantCode: t.tenantCode, identifier: 'alice', password: DEMO.userPassword });
    expect(login.status).toBe(200);
    expect(login.headers.get('cache-control')).toBe('no-store');
    const refresh = await suite.api.post('/api/v1/auth/refresh', { refreshToken: login.body.refreshToken });
    expect(refresh.status).toBe(200);
    expect(refresh.headers.get('cache-control')).toBe('no-store');
    const failed = await suite.api.post('/api/v1/auth/login', { tenantCode: t.tenantCode, identifier: 'alice', password: 'wrong-password-1' });
    expect(failed.status).toBe(401);
    expect(failed.headers.get('cache-control')).toBe('no-store');
  });
});

describe('security headers behind a trusted TLS-terminating proxy', () => {
  const suite = useSuite({ TRUST_PROXY: 'true' });

  it('sends HSTS when the proxy says the request came over https, not otherwise', async () => {
    const tls = await suite.api.request('GET', '/health', { headers: { 'x-forwarded-proto': 'https' } });
    expect(tls.headers.get('strict-transport-security')).toMatch(/^max-age=\d{7,}/);
    const plain = await suite.api.get('/health');
    expect(plain.headers.get('strict-transport-security')).toBeNull();
  });
});

describe('/ready with a dependency down', () => {
  // Nothing listens on port 1: the Temporal check fails with a connection error naming the address.
  const suite = useSuite({ TEMPORAL_ADDRESS: '127.0.0.1:1', REDIS_KEY_PREFIX: `sec-ready:${uniqueCode()}:` });

  it('says which check failed, but no host, port or error text', async () => {
    const res = await suite.api.get('/ready');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'not_ready', checks: { database: { ok: true }, redis: { ok: true }, temporal: { ok: false } } });
    expect(JSON.stringify(res.body)).not.toMatch(/127\.0\.0\.1|:1\b|refused|error|timed out/i);
    expectHardened(res.headers);
  });
});

it('TRUST_PROXY is off unless configured', () => {
  const config = loadConfig({});
  expect(config.TRUST_PROXY).toBe(false);
  expect(config.TRUST_PROXY_HOPS).toBe(1);
});
