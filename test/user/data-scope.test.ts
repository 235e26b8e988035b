import { tokenFor, tenantWithTokens, useSuite } from '../harness/harness';
import { createRole, newUserBody } from './helpers';

const suite = useSuite();
const U = '/api/v1/users';

/**
 * Who sees which users. Seed: Head office (admin) > Engineering (carol) > Platform (pete, alice);
 * Head office > Finance (fiona); Head office > HR (harry). carol and pete are managers
 * (department_tree), alice an employee (self), harry HR (all).
 */
describe('data scopes on users', () => {
  let t: Awaited<ReturnType<typeof tenantWithTokens>>;
  beforeAll(async () => {
    t = await tenantWithTokens(suite.rt);
  });
  const visible = async (token: string) => {
    const res = await suite.api.get(`${U}?pageSize=100&sort=username`, token);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(res.body.items.length);
    return res.body.items.map((u: { username: string }) => u.username);
  };

  it('admin and HR (scope all) see everyone', async () => {
    const everyone = ['admin', 'alice', 'carol', 'fiona', 'harry', 'pete'];
    expect(await visible(t.tokens.admin)).toEqual(everyone);
    expect(await visible(t.tokens.harry)).toEqual(everyone);
  });

  it('a manager sees their department and everything below it, and nobody else', async () => {
    expect(await visible(t.tokens.carol)).toEqual(['alice', 'carol', 'pete']);
    expect(await visible(t.tokens.pete)).toEqual(['alice', 'pete']);
    expect((await suite.api.get(`${U}/${t.users.alice.id}`, t.tokens.carol)).status).toBe(200);
    // Outside the scope is indistinguishable from "does not exist".
    for (const id of [t.users.fiona.id, t.users.admin.id, t.users.harry.id]) {
      const res = await suite.api.get(`${U}/${id}`, t.tokens.carol);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('user_not_found');
    }
    expect((await suite.api.get(`${U}/${t.users.carol.id}`, t.tokens.pete)).status).toBe(404);
    expect((await suite.api.get(`${U}/${t.users.pete.id}/manager-chain`, t.tokens.pete)).status).toBe(200);
    expect((await suite.api.get(`${U}/${t.users.fiona.id}/manager-chain`, t.tokens.carol)).status).toBe(404);
    // Filters cannot widen the scope.
    expect((await suite.api.get(`${U}?departmentId=${t.departments.finance.id}`, t.tokens.carol)).body.total).toBe(0);
    // A user moved into the subtree becomes visible.
    const newcomer = await suite.api.post(U, newUserBody({ departmentId: t.departments.platform.id }), t.tokens.admin);
    expect((await suite.api.get(`${U}/${newcomer.body.id}`, t.tokens.carol)).status).toBe(200);
    expect(await visible(t.tokens.carol)).toHaveLength(4);
  });

  it('an employee (scope self) sees only themself', async () => {
    // Give alice user:read through a second role whose scope is self: the union is still self.
    await createRole(suite.rt, t.tenantId, { dataScope: 'self', permissions: ['user:read'], userIds: [t.users.alice.id] });
    const token = await tokenFor(suite.rt, t.users.alice);
    expect(await visible(token)).toEqual(['alice']);
    expect((await suite.api.get(`${U}/${t.users.alice.id}`, token)).status).toBe(200);
    expect((await suite.api.get(`${U}/${t.users.pete.id}`, token)).status).toBe(404);
  });

  it('a custom scope sees exactly its listed departments (not their subtrees) plus self', async () => {
    const { body: auditor } = await suite.api.post(U, newUserBody({ departmentId: t.departments.hr.id }), t.tokens.admin);
    const { body: engUser } = await suite.api.post(U, newUserBody({ departmentId: t.departments.eng.id }), t.tokens.admin);
    await createRole(suite.rt, t.tenantId, {
      dataScope: 'custom',
      permissions: ['user:read', 'user:update'],
      departmentIds: [t.departments.finance.id, t.departments.eng.id],
      userIds: [auditor.id],
    });
    const token = await tokenFor(suite.rt, { id: auditor.id, tenantId: t.tenantId });
    expect((await visible(token)).sort()).toEqual(['carol', 'fiona', auditor.username, engUser.username].sort());
    expect((await suite.api.get(`${U}/${t.users.pete.id}`, token)).status).toBe(404); // Platform is below Engineering: not listed
    expect((await suite.api.get(`${U}/${t.users.harry.id}`, token)).status).toBe(404); // same department as the auditor, but not listed
    // Writes honour the scope too.
    expect((await suite.api.patch(`${U}/${t.users.fiona.id}`, { phone: '42' }, token)).status).toBe(200);
    expect((await suite.api.patch(`${U}/${t.users.harry.id}`, { phone: '42' }, token)).status).toBe(404);
  });

  it('a department-scoped manager sees their own department only', async () => {
    const { body: lead } = await suite.api.post(U, newUserBody({ departmentId: t.departments.eng.id }), t.tokens.admin);
    await createRole(suite.rt, t.tenantId, { dataScope: 'department', permissions: ['user:read'], userIds: [lead.id] });
    const token = await tokenFor(suite.rt, { id: lead.id, tenantId: t.tenantId });
    const names = await visible(token);
    expect(names).toContain('carol');
    expect(names).not.toContain('pete');
    expect(names).not.toContain('alice');
  });
});
