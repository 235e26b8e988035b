import { Tenant } from '../../db/entities';
import { tenantWithTokens, useSuite } from '../harness/harness';

const suite = useSuite();
const T = '/api/v1/tenant';

describe('tenant settings', () => {
  let t: Awaited<ReturnType<typeof tenantWithTokens>>;
  beforeAll(async () => {
    t = await tenantWithTokens(suite.rt);
  });

  it('shows the current tenant with its quota and user count', async () => {
    const res = await suite.api.get(T, t.tokens.admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: t.tenantId, code: t.tenantCode, userQuota: 500, package: { code: 'standard', name: 'Standard' }, usersCount: 6, timeZone: 'UTC', status: 'active' });
    expect((await suite.api.get(T, t.tokens.alice)).status).toBe(403);
  });

  it('changes name and time zone, storing the canonical zone name', async () => {
    const res = await suite.api.patch(T, { name: 'Renamed Inc', timeZone: 'europe/paris' }, t.tokens.admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Renamed Inc', timeZone: 'Europe/Paris' });
    expect((await suite.api.patch(T, { timeZone: 'UTC' }, t.tokens.admin)).body.timeZone).toBe('UTC');

    for (const timeZone of ['Mars/Olympus_Mons', '+01:00', '']) {
      const bad = await suite.api.patch(T, { timeZone }, t.tokens.admin);
      expect(bad.status).toBe(422);
      expect(bad.body.errors[0].path).toBe('body.timeZone');
    }
    expect((await suite.api.patch(T, {}, t.tokens.admin)).status).toBe(422);
    expect((await suite.api.patch(T, { code: 'steal' }, t.tokens.admin)).status).toBe(422);
    expect((await suite.api.patch(T, { name: 'x' }, t.tokens.carol)).status).toBe(403);
    const row = await suite.rt.orm.em.fork().findOneOrFail(Tenant, { id: t.tenantId });
    expect(row).toMatchObject({ name: 'Renamed Inc', timeZone: 'UTC', code: t.tenantCode });
  });

  it("refuses a user quota in PATCH: the quota is the package's (a platform operator's to change)", async () => {
    const raise = await suite.api.patch(T, { userQuota: 1_000_000 }, t.tokens.admin);
    expect(raise.status).toBe(422);
    expect(raise.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.userQuota']);
    expect(raise.body.errors[0].message).toContain('package');
    // Not half-applied either: a name sent along is not saved.
    expect((await suite.api.patch(T, { name: 'Sneaky', userQuota: 9 }, t.tokens.admin)).status).toBe(422);
    expect((await suite.api.get(T, t.tokens.admin)).body).toMatchObject({ userQuota: 500, package: { code: 'standard' }, name: 'Renamed Inc' });
  });

  it('documents every user-module route, with its permission, in OpenAPI', async () => {
    const { body } = await suite.api.get('/openapi.json');
    const ops = (path: string) => body.paths[path] ?? {};
    expect(ops('/api/v1/tenant').patch['x-permission']).toBe('tenant:update');
    expect(Object.keys(ops('/api/v1/departments')).sort()).toEqual(['get', 'post']);
    expect(ops('/api/v1/departments/{id}/move').post['x-permission']).toBe('department:write');
    expect(ops('/api/v1/departments/{id}/members').get.parameters.map((p: { name: string }) => p.name)).toContain('includeSubtree');
    expect(Object.keys(ops('/api/v1/positions/{id}')).sort()).toEqual(['delete', 'get', 'patch']);
    expect(Object.keys(ops('/api/v1/users/{id}')).sort()).toEqual(['delete', 'get', 'patch']);
    expect(ops('/api/v1/users/{id}/reset-password').post['x-permission']).toBe('user:reset-password');
    expect(ops('/api/v1/users/{id}/manager-chain').get['x-permission']).toBe('user:read');
  });
});
