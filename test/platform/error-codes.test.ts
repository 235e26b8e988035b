import { randomUUID } from 'node:crypto';
import { useSuite, tenantWithTokens, type HttpResponse, type TenantWithTokens } from '../harness/harness';
import { ERROR_CODES, isErrorCode } from '../../common/error-codes';

describe('GET /api/v1/errors', () => {
  const s = useSuite();
  let t: TenantWithTokens;
  beforeAll(async () => {
    t = await tenantWithTokens(s.rt);
  });

  it('lists every catalogued code with its status and description, without login, on one page', async () => {
    const res = await s.api.get('/api/v1/errors');
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(Object.keys(ERROR_CODES).length);
    expect(res.body.items).toHaveLength(res.body.total);
    const byCode = new Map<string, { status: number; description: string }>(res.body.items.map((e: { code: string; status: number; description: string }) => [e.code, e]));
    expect(byCode.get('validation_failed')?.status).toBe(422);
    expect(byCode.get('task_not_open')?.status).toBe(409);
    expect(byCode.get('template_not_startable')?.status).toBe(403);
    expect(byCode.get('route_not_found')?.status).toBe(404);
    expect(byCode.get('approval_not_found')?.status).toBe(404);
    expect(res.body.items.find((e: { code: string }) => e.code === 'account_disabled').alsoStatus).toEqual([403]);
    for (const e of byCode.values()) expect(e.description.length).toBeGreaterThan(10);
  });

  it('paginates and filters by status like other listings', async () => {
    const page = await s.api.get('/api/v1/errors?page=2&pageSize=10');
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ page: 2, pageSize: 10, total: Object.keys(ERROR_CODES).length });
    expect(page.body.items).toHaveLength(10);
    const first = await s.api.get('/api/v1/errors?pageSize=10');
    expect(first.body.items.map((e: { code: string }) => e.code)).not.toContain(page.body.items[0].code);
    const conflicts = await s.api.get('/api/v1/errors?status=409');
    expect(conflicts.body.items.length).toBeGreaterThan(10);
    expect(conflicts.body.items.every((e: { status: number }) => e.status === 409)).toBe(true);
    const bad = await s.api.get('/api/v1/errors?pageSize=100000');
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('validation_failed');
  });

  it('is linked from the OpenAPI document: the Problem code is the catalogue', async () => {
    const doc = await s.api.get('/openapi.json');
    const code = doc.body.components.schemas.Problem.properties.code;
    expect(code.enum).toEqual(Object.keys(ERROR_CODES).sort());
    expect(code.description).toContain('/api/v1/errors');
    expect(doc.body.paths['/api/v1/errors'].get.security ?? []).toEqual([]);
  });

  /** A real error response: its code is catalogued and answered with the catalogued status. */
  const expectCatalogued = (res: HttpResponse, code: string) => {
    expect(res.body.code).toBe(code);
    expect(isErrorCode(res.body.code)).toBe(true);
    const entry: { status: number; alsoStatus?: readonly number[] } = ERROR_CODES[res.body.code as keyof typeof ERROR_CODES];
    expect([entry.status, ...(entry.alsoStatus ?? [])]).toContain(res.status);
    expect(res.body.status).toBe(res.status);
  };

  it("real error responses carry a catalogued code with the catalogue's status", async () => {
    expectCatalogued(await s.api.get('/api/v1/no-such-thing'), 'route_not_found');
    expectCatalogued(await s.api.get('/api/v1/me'), 'unauthorized');
    expectCatalogued(await s.api.get('/api/v1/me', 'not-a-token'), 'token_invalid');
    expectCatalogued(await s.api.request('POST', '/api/v1/auth/login', { raw: '{"tenantCode": ' }), 'malformed_json');
    expectCatalogued(await s.api.post('/api/v1/auth/login', { tenantCode: t.tenantCode, identifier: 'alice', password: 'wrong-password-1' }), 'invalid_credentials');
    expectCatalogued(await s.api.get('/api/v1/auth/login-logs?success=maybe', t.tokens.admin), 'validation_failed');
    expectCatalogued(await s.api.get('/api/v1/auth/login-logs', t.tokens.alice), 'permission_denied');
    expectCatalogued(await s.api.get(`/api/v1/users/${randomUUID()}`, t.tokens.admin), 'user_not_found');
    expectCatalogued(await s.api.get(`/api/v1/approvals/${randomUUID()}`, t.tokens.alice), 'approval_not_found');
  });
});
