import { createTestRuntime, startTestApi, type TestApi } from '../harness/harness';
import type { Runtime } from '../../activities/runtime';

describe('HTTP platform behaviour', () => {
  let rt: Runtime;
  let api: TestApi;
  beforeAll(async () => {
    rt = await createTestRuntime({ BODY_LIMIT: '2kb' });
    api = await startTestApi(rt);
  });
  afterAll(async () => {
    await api.close();
    await rt.close();
  });

  it('serves an OpenAPI 3.1 document generated from the route schemas', async () => {
    const res = await api.get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.components.schemas.Problem.required).toContain('code');
    expect(Object.keys(res.body.paths).length).toBeGreaterThan(20);
    // Every reference must resolve inside the document (recursive trees included).
    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === '$ref') refs.push(v as string);
          else walk(v);
        }
      }
    };
    walk(res.body);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(res.body.components.schemas[ref.split('/').pop()!]).toBeDefined();
    }
    // Protected operations name the permission they need.
    expect(res.body.paths['/api/v1/roles'].post['x-permission']).toBe('role:write');
  });

  it('serves human-readable docs that work offline', async () => {
    const page = await api.request('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.body).toContain('/openapi.json');
    const asset = await fetch(`${api.baseUrl}/docs/assets/swagger-ui-bundle.js`);
    expect(asset.status).toBe(200);
    expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    expect((await api.request('GET', '/docs/assets/..%2Fpackage.json')).status).toBe(404);
  });

  it('answers malformed JSON and oversized bodies with problem+json', async () => {
    const bad = await api.request('POST', '/api/v1/auth/login', { raw: '{"tenantCode": ' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.code).toBe('malformed_json');
    const big = await api.request('POST', '/api/v1/auth/login', { body: { tenantCode: 'x'.repeat(5000) } });
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('payload_too_large');
  });

  it('requires authentication on protected routes with a stable code', async () => {
    const res = await api.get('/api/v1/me');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'unauthorized', status: 401, type: 'https://signoff.dev/problems/unauthorized' });
    const forged = await api.get('/api/v1/me', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.');
    expect(forged.status).toBe(401);
    expect(forged.body.code).toBe('token_invalid');
  });

  it('echoes a sane X-Request-Id and replaces an unsafe one', async () => {
    const ok = await api.request('GET', '/health', { headers: { 'x-request-id': 'abc-123' } });
    expect(ok.headers.get('x-request-id')).toBe('abc-123');
    const unsafe = await api.request('GET', '/health', { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(unsafe.headers.get('x-request-id')).not.toContain(' ');
  });
});
