import { createTestRuntime, startTestApi, createTenant, tokenFor, type TestApi } from './harness/harness';
import type { Runtime } from '../activities/runtime';

describe('platform smoke', () => {
  let rt: Runtime;
  let api: TestApi;
  beforeAll(async () => {
    rt = await createTestRuntime();
    api = await startTestApi(rt);
  });
  afterAll(async () => {
    await api.close();
    await rt.close();
  });

  it('is alive and ready against real MariaDB, Redis and Temporal', async () => {
    expect((await api.get('/health')).body).toEqual({ status: 'ok' });
    const ready = await api.get('/ready');
    expect(ready.body.checks).toEqual({ database: { ok: true }, redis: { ok: true }, temporal: { ok: true } });
    expect(ready.status).toBe(200);
  });

  it('answers unknown routes and missing auth with problem+json', async () => {
    const res = await api.get('/api/v1/nowhere');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ code: 'route_not_found', status: 404 });
    expect(res.body.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('authenticates a minted access token', async () => {
    const t = await createTenant(rt);
    const token = await tokenFor(rt, t.users.admin);
    const actor = await inContextAuth(rt, token);
    expect(actor.tenantId).toBe(t.tenantId);
    expect(actor.permissions.has('user:create')).toBe(true);
  });
});

import { inContext } from './harness/harness';
const inContextAuth = (rt: Runtime, token: string) => inContext(rt, () => rt.services.auth.authenticateAccessToken(token));
