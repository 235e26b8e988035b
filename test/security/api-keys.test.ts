/**
 * API-key attacks (issue 8, item 6) through the real API and MariaDB: a key calls only what its
 * scopes cover; routes without a permission code need an explicit key scope; a key cannot mint
 * keys without `apikey:delegate`; keys expire; revoking a key revokes the keys made with it.
 * Each refusal is checked by its answer and by the database being unchanged.
 */
import { randomUUID } from 'node:crypto';
import { ApiKey, ApprovalInstance, Todo } from '../../db/entities';
import { startApiEnv, tenantWithTokens, type ApiEnv } from '../harness/harness';

type T = Awaited<ReturnType<typeof tenantWithTokens>>;
const DAY = 86_400_000;

describe('API-key attacks', () => {
  let env: ApiEnv;
  let t: T;
  const em = () => env.rt.orm.em.fork();
  const createKey = (body: Record<string, unknown>, token = t.tokens.admin) => env.api.post('/api/v1/api-keys', body, token);
  const asKey = (key: string, method: string, path: string, body?: unknown) => env.api.request(method, path, { token: `ApiKey ${key}`, body });

  beforeAll(async () => {
    env = await startApiEnv();
    t = await tenantWithTokens(env.rt);
  });
  afterAll(() => env?.close());

  it('a reporting key cannot approve, start requests, or touch to-dos and messages in its owner\'s name', async () => {
    const { key } = (await createKey({ name: 'reporting', scopes: ['user:read', 'loginlog:read'] })).body;
    const [todos, instances] = [await em().count(Todo, { tenantId: t.tenantId }), await em().count(ApprovalInstance, { tenantId: t.tenantId })];
    const attempts = [
      await asKey(key, 'POST', `/api/v1/approvals/${randomUUID()}/tasks/${randomUUID()}/approve`, {}),
      await asKey(key, 'POST', '/api/v1/approvals/batch-approve', { items: [] }),
      await asKey(key, 'POST', '/api/v1/approvals', { templateKey: 'leave', form: {} }),
      await asKey(key, 'GET', '/api/v1/approvals/inbox'),
      await asKey(key, 'POST', '/api/v1/todos', { title: 'planted' }),
      await asKey(key, 'GET', '/api/v1/messages'),
      await asKey(key, 'POST', '/api/v1/auth/logout', {}),
    ];
    expect(attempts.map((r) => [r.status, r.body.code])).toEqual(Array(attempts.length).fill([403, 'api_key_not_allowed']));
    expect([await em().count(Todo, { tenantId: t.tenantId }), await em().count(ApprovalInstance, { tenantId: t.tenantId })]).toEqual([todos, instances]);
    // Its permission-coded routes still work.
    expect((await asKey(key, 'GET', '/api/v1/users')).status).toBe(200);
  });

  it('an explicit key scope opens exactly its routes', async () => {
    const { key } = (await createKey({ name: 'todo bot', scopes: ['workspace:write'] })).body;
    const created = await asKey(key, 'POST', '/api/v1/todos', { title: 'from the bot' });
    expect(created.status).toBe(201);
    // workspace:write does not include reading, nor approving.
    expect((await asKey(key, 'GET', '/api/v1/todos')).body.code).toBe('api_key_not_allowed');
    expect((await asKey(key, 'POST', `/api/v1/approvals/${randomUUID()}/tasks/${randomUUID()}/approve`, {})).body.code).toBe('api_key_not_allowed');
  });

  it('a key cannot create keys, even with apikey:manage; nothing is written', async () => {
    const { key } = (await createKey({ name: 'manager', scopes: ['apikey:manage', 'user:read'] })).body;
    const before = await em().count(ApiKey, { tenantId: t.tenantId });
    const res = await asKey(key, 'POST', '/api/v1/api-keys', { name: 'child', scopes: ['user:read'] });
    expect([res.status, res.body.code]).toEqual([403, 'api_key_not_allowed']);
    expect(await em().count(ApiKey, { tenantId: t.tenantId })).toBe(before);
  });

  it('with apikey:delegate a child key stays within its parent and dies with it', async () => {
    const parent = (await createKey({ name: 'parent', scopes: ['apikey:manage', 'apikey:delegate', 'user:read', 'workspace:read'], expiresAt: new Date(Date.now() + 10 * DAY).toISOString() })).body;
    // A key scope the parent lacks is refused; so is a permission scope it lacks.
    const wider = await asKey(parent.key, 'POST', '/api/v1/api-keys', { name: 'wider', scopes: ['workspace:write', 'user:update'] });
    expect(wider.status).toBe(422);
    expect(wider.body.errors.map((e: { code: string }) => e.code)).toEqual(['scope_not_held', 'scope_not_held']);

    const child = await asKey(parent.key, 'POST', '/api/v1/api-keys', { name: 'child', scopes: ['user:read', 'workspace:read'], expiresAt: new Date(Date.now() + 60 * DAY).toISOString() });
    expect(child.status).toBe(201);
    expect(child.body.parentKeyId).toBe(parent.id);
    // Never outlives its parent.
    expect(Date.parse(child.body.expiresAt)).toBe(Date.parse(parent.expiresAt));
    expect((await asKey(child.body.key, 'GET', '/api/v1/users')).status).toBe(200);

    expect((await env.api.delete(`/api/v1/api-keys/${parent.id}`, t.tokens.admin)).status).toBe(204);
    expect((await em().findOneOrFail(ApiKey, { id: child.body.id })).revokedAt).not.toBeNull();
    const after = await asKey(child.body.key, 'GET', '/api/v1/users');
    expect([after.status, after.body.code]).toEqual([401, 'api_key_revoked']);
  });

  it('expiry is capped at API_KEY_MAX_TTL_DAYS, and a key from before expiry existed stops after that many days', async () => {
    const far = (await createKey({ name: 'forever', scopes: ['user:read'], expiresAt: new Date(Date.now() + 1000 * DAY).toISOString() })).body;
    expect(Math.round((Date.parse(far.expiresAt) - Date.parse(far.createdAt)) / DAY)).toBe(90);

    const legacy = (await createKey({ name: 'legacy', scopes: ['user:read'] })).body;
    await em().nativeUpdate(ApiKey, { id: legacy.id }, { expiresAt: null, createdAt: new Date(Date.now() - 91 * DAY) });
    const res = await asKey(legacy.key, 'GET', '/api/v1/users');
    expect([res.status, res.body.code]).toEqual([401, 'api_key_expired']);
  });
});
