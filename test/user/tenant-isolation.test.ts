import { Department, Position, Tenant, User } from '../../db/entities';
import { newUserBody } from './helpers';
import { tenantWithTokens, useSuite } from '../harness/harness';

const suite = useSuite();

/**
 * Tenant B's administrator (every permission, data scope "all") aims every endpoint of the
 * user module at tenant A's ids. Each must answer 404 (never 403, never the row), and tenant A
 * must be byte-for-byte unchanged afterwards.
 */
describe('tenant isolation of the user module', () => {
  let a: Awaited<ReturnType<typeof tenantWithTokens>>;
  let b: Awaited<ReturnType<typeof tenantWithTokens>>;
  beforeAll(async () => {
    a = await tenantWithTokens(suite.rt);
    b = await tenantWithTokens(suite.rt);
  });

  const snapshot = async () => {
    const em = suite.rt.orm.em.fork();
    const tenantId = a.tenantId;
    return JSON.stringify({
      tenant: await em.findOne(Tenant, { id: tenantId }),
      departments: await em.find(Department, { tenantId }, { orderBy: { id: 'asc' } }),
      positions: await em.find(Position, { tenantId }, { orderBy: { id: 'asc' } }),
      users: (await em.find(User, { tenantId }, { orderBy: { id: 'asc' } })).map((u) => ({ ...u, passwordHash: u.passwordHash })),
    });
  };

  it('answers 404 for every tenant-A id on every endpoint', async () => {
    const dept = a.departments.platform.id;
    const pos = a.positions.engineer.id;
    const user = a.users.alice.id;
    const matrix: [method: 'get' | 'patch' | 'post' | 'delete', path: string, body?: unknown][] = [
      ['get', `/api/v1/departments/${dept}`],
      ['patch', `/api/v1/departments/${dept}`, { name: 'Hijacked' }],
      ['post', `/api/v1/departments/${dept}/move`, { parentId: null }],
      ['get', `/api/v1/departments/${dept}/subtree`],
      ['get', `/api/v1/departments/${dept}/members`],
      ['get', `/api/v1/departments/${dept}/members?includeSubtree=true`],
      ['delete', `/api/v1/departments/${a.departments.hr.id}`],
      ['get', `/api/v1/positions/${pos}`],
      ['patch', `/api/v1/positions/${pos}`, { name: 'Hijacked' }],
      ['delete', `/api/v1/positions/${a.positions.ceo.id}`],
      ['get', `/api/v1/users/${user}`],
      ['patch', `/api/v1/users/${user}`, { displayName: 'Hijacked' }],
      ['post', `/api/v1/users/${user}/disable`],
      ['post', `/api/v1/users/${a.users.fiona.id}/enable`],
      ['post', `/api/v1/users/${user}/reset-password`, { newPassword: 'Hijacked-pass-1' }],
      ['post', `/api/v1/users/${user}/reset-password`],
      ['get', `/api/v1/users/${user}/manager-chain`],
      ['delete', `/api/v1/users/${user}`],
    ];
    const before = await snapshot();
    const results = [];
    for (const [method, path, body] of matrix) {
      const res = await suite.api.request(method.toUpperCase(), path, { body, token: b.tokens.admin });
      results.push([method, path, res.status, res.body?.code]);
      expect(JSON.stringify(res.body)).not.toContain('Alice');
    }
    expect(results.filter(([, , status]) => status !== 404)).toEqual([]);
    expect(await snapshot()).toBe(before);
    // The matrix is not vacuous: tenant A's own admin reaches the same rows.
    expect((await suite.api.get(`/api/v1/users/${user}`, a.tokens.admin)).status).toBe(200);
    expect((await suite.api.get(`/api/v1/departments/${dept}/subtree`, a.tokens.admin)).status).toBe(200);
  });

  it('treats tenant-A ids in bodies and filters as unknown', async () => {
    const before = await snapshot();
    const admin = b.tokens.admin;
    const refs = [
      await suite.api.post('/api/v1/departments', { name: 'x', parentId: a.departments.eng.id }, admin),
      await suite.api.post('/api/v1/departments', { name: 'x', headUserId: a.users.carol.id }, admin),
      await suite.api.post(`/api/v1/departments/${b.departments.hr.id}/move`, { parentId: a.departments.eng.id }, admin),
      await suite.api.patch(`/api/v1/departments/${b.departments.hr.id}`, { headUserId: a.users.carol.id }, admin),
      await suite.api.post('/api/v1/users', newUserBody({ departmentId: a.departments.eng.id }), admin),
      await suite.api.post('/api/v1/users', newUserBody({ positionId: a.positions.ceo.id }), admin),
      await suite.api.post('/api/v1/users', newUserBody({ roleIds: [a.roles.tenant_admin.id] }), admin),
      await suite.api.patch(`/api/v1/users/${b.users.alice.id}`, { departmentId: a.departments.eng.id }, admin),
    ];
    expect(refs.map((r) => r.status)).toEqual(Array(refs.length).fill(422));
    const lists = [
      await suite.api.get(`/api/v1/departments?parentId=${a.departments.head.id}`, admin),
      await suite.api.get(`/api/v1/users?departmentId=${a.departments.eng.id}&includeSubtree=true`, admin),
      await suite.api.get(`/api/v1/users?positionId=${a.positions.engineer.id}`, admin),
      await suite.api.get(`/api/v1/users?roleId=${a.roles.employee.id}`, admin),
    ];
    expect(lists.map((r) => [r.status, r.body.total])).toEqual(Array(lists.length).fill([200, 0]));
    const tenant = await suite.api.get('/api/v1/tenant', admin);
    expect(tenant.body.id).toBe(b.tenantId);
    const tree = await suite.api.get('/api/v1/departments/tree', admin);
    expect(JSON.stringify(tree.body)).not.toContain(a.departments.head.id);
    expect(await snapshot()).toBe(before);
  });
});
