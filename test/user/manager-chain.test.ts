import { inContext, tenantWithTokens, useSuite } from '../harness/harness';
import { systemActor } from '../../common/actor';

const suite = useSuite();
const U = '/api/v1/users';

describe('manager chain and org-chart queries', () => {
  let t: Awaited<ReturnType<typeof tenantWithTokens>>;
  beforeAll(async () => {
    t = await tenantWithTokens(suite.rt);
  });
  const chain = async (userId: string, query = '') => {
    const res = await suite.api.get(`${U}/${userId}/manager-chain${query}`, t.tokens.admin);
    expect(res.status).toBe(200);
    return res.body.items as { level: number; userId: string; departmentId: string }[];
  };

  it('walks department heads up the tree: alice → pete → carol → admin', async () => {
    const { users: u, departments: d } = t;
    expect(await chain(u.alice.id)).toEqual([
      { level: 1, userId: u.pete.id, departmentId: d.platform.id },
      { level: 2, userId: u.carol.id, departmentId: d.eng.id },
      { level: 3, userId: u.admin.id, departmentId: d.head.id },
    ]);
  });

  it('skips the user when they head their own department', async () => {
    const { users: u } = t;
    expect((await chain(u.pete.id)).map((e) => e.userId)).toEqual([u.carol.id, u.admin.id]);
    expect((await chain(u.carol.id)).map((e) => e.userId)).toEqual([u.admin.id]);
    expect(await chain(u.admin.id)).toEqual([]);
  });

  it('stops at maxLevels or at the first holder of a role', async () => {
    const { users: u } = t;
    expect((await chain(u.alice.id, '?maxLevels=2')).map((e) => e.userId)).toEqual([u.pete.id, u.carol.id]);
    expect((await chain(u.alice.id, '?maxLevels=1')).map((e) => e.userId)).toEqual([u.pete.id]);
    expect((await chain(u.alice.id, '?stopAtRoleCode=manager')).map((e) => e.userId)).toEqual([u.pete.id]);
    expect((await chain(u.alice.id, '?stopAtRoleCode=tenant_admin')).map((e) => e.userId)).toEqual([u.pete.id, u.carol.id, u.admin.id]);
    expect((await chain(u.alice.id, '?stopAtRoleCode=tenant_admin&maxLevels=2')).map((e) => e.userId)).toEqual([u.pete.id, u.carol.id]);
    const unknown = await suite.api.get(`${U}/${u.alice.id}/manager-chain?stopAtRoleCode=nope`, t.tokens.admin);
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].path).toBe('query.stopAtRoleCode');
    expect((await suite.api.get(`${U}/${u.alice.id}/manager-chain?maxLevels=0`, t.tokens.admin)).status).toBe(422);
  });

  it('skips departments without a usable head and lists a repeated head once', async () => {
    const own = await tenantWithTokens(suite.rt); // this test edits the org chart
    const { users: u, departments: d, tokens } = own;
    const patch = (id: string, body: object) => suite.api.patch(`/api/v1/departments/${id}`, body, tokens.admin);
    const ids = async () => {
      const res = await suite.api.get(`${U}/${u.alice.id}/manager-chain`, tokens.admin);
      return res.body.items.map((e: { level: number; userId: string }) => [e.level, e.userId]);
    };
    expect((await patch(d.platform.id, { headUserId: null })).status).toBe(200);
    expect(await ids()).toEqual([[1, u.carol.id], [2, u.admin.id]]);
    expect((await patch(d.platform.id, { headUserId: u.carol.id })).status).toBe(200);
    expect(await ids()).toEqual([[1, u.carol.id], [2, u.admin.id]]); // carol heads two levels: once
    await suite.api.post(`${U}/${u.carol.id}/disable`, undefined, tokens.admin);
    expect(await ids()).toEqual([[1, u.admin.id]]); // a disabled head cannot approve
    await suite.api.post(`${U}/${u.carol.id}/enable`, undefined, tokens.admin);
    await suite.api.patch(`${U}/${u.alice.id}`, { departmentId: null }, tokens.admin);
    expect(await ids()).toEqual([]);
  });

  it('answers the approval engine through the service with a system actor', async () => {
    const actor = systemActor(t.tenantId);
    const svc = suite.rt.services.orgChart;
    const result = await inContext(suite.rt, async () => ({
      chain: await svc.managerChain(actor, t.users.alice.id, { stopAtRoleCode: 'tenant_admin' }),
      head: await svc.departmentHead(actor, t.departments.eng.id),
      members: await svc.membersOf(actor, t.departments.eng.id),
      tree: await svc.membersOf(actor, t.departments.eng.id, true),
    }));
    expect(result.chain.map((e) => e.level)).toEqual([1, 2, 3]);
    expect(result.head).toMatchObject({ id: t.users.carol.id, username: 'carol' });
    expect(result.head).not.toHaveProperty('passwordHash');
    expect(result.members.map((m) => m.username)).toEqual(['carol']);
    expect(result.tree.map((m) => m.username)).toEqual(['alice', 'carol', 'pete']);

    const other = await tenantWithTokens(suite.rt);
    const foreign = systemActor(other.tenantId);
    await expect(inContext(suite.rt, () => svc.managerChain(foreign, t.users.alice.id))).rejects.toMatchObject({ status: 404 });
    await expect(inContext(suite.rt, () => svc.departmentHead(foreign, t.departments.eng.id))).rejects.toMatchObject({ status: 404 });
    await expect(inContext(suite.rt, () => svc.membersOf(foreign, t.departments.eng.id))).rejects.toMatchObject({ status: 404 });
  });
});
