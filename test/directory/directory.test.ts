import { User } from '../../db/entities';
import { tenantWithTokens, useSuite, type TenantWithTokens } from '../harness/harness';

const suite = useSuite();
const D = '/api/v1/directory';

/**
 * The directory lets any employee find colleagues (for transfer, delegate, add-sign, user fields)
 * without `user:read`, within their tenant only, and shows contact details only to those who may
 * already read users. Seed: Head office (admin) > Engineering (carol) > Platform (pete, alice);
 * Head office > Finance (fiona); Head office > HR (harry). alice is a plain employee (scope self).
 */
describe('people directory', () => {
  let t: TenantWithTokens;
  let other: TenantWithTokens;
  beforeAll(async () => {
    t = await tenantWithTokens(suite.rt);
    other = await tenantWithTokens(suite.rt);
  });
  const names = (res: { body: { items: { username: string }[] } }) => res.body.items.map((p) => p.username).sort();

  it('an employee without user:read finds every active colleague, without contact details', async () => {
    expect((await suite.api.get('/api/v1/users', t.tokens.alice)).status).toBe(403);
    const res = await suite.api.get(`${D}/people?pageSize=100`, t.tokens.alice);
    expect(res.status).toBe(200);
    expect(names(res)).toEqual(['admin', 'alice', 'carol', 'fiona', 'harry', 'pete']);
    expect(res.body.total).toBe(6);
    const fiona = res.body.items.find((p: { username: string }) => p.username === 'fiona');
    expect(fiona).toMatchObject({ departmentName: 'Finance', positionName: expect.any(String), displayName: expect.stringContaining('Fiona') });
    expect(fiona).not.toHaveProperty('email');
    expect(fiona).not.toHaveProperty('phone');
  });

  it('callers who may read users also see email and phone', async () => {
    const res = await suite.api.get(`${D}/people?q=fiona`, t.tokens.harry);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0].email).toBe('fiona@acme.example');
  });

  it('searches by name or username, by department with or without its subtree, and paginates', async () => {
    expect(names(await suite.api.get(`${D}/people?q=PETE`, t.tokens.alice))).toEqual(['pete']);
    // `%` is a literal, not a wildcard.
    expect((await suite.api.get(`${D}/people?q=%25`, t.tokens.alice)).body.total).toBe(0);
    const eng = t.departments.eng.id;
    expect(names(await suite.api.get(`${D}/people?departmentId=${eng}`, t.tokens.alice))).toEqual(['carol']);
    expect(names(await suite.api.get(`${D}/people?departmentId=${eng}&includeSubtree=true`, t.tokens.alice))).toEqual(['alice', 'carol', 'pete']);
    const page1 = await suite.api.get(`${D}/people?pageSize=4&page=1`, t.tokens.alice);
    const page2 = await suite.api.get(`${D}/people?pageSize=4&page=2`, t.tokens.alice);
    expect(page1.body.items).toHaveLength(4);
    expect(page2.body.items).toHaveLength(2);
    expect(new Set([...names(page1), ...names(page2)]).size).toBe(6);
    const bad = await suite.api.get(`${D}/people?pageSize=1000`, t.tokens.alice);
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
  });

  it('leaves out disabled and deleted people', async () => {
    const t2 = await tenantWithTokens(suite.rt);
    const em = suite.rt.orm.em.fork();
    await em.nativeUpdate(User, { id: t2.users.fiona.id }, { status: 'disabled' });
    await em.nativeUpdate(User, { id: t2.users.harry.id }, { deletedAt: new Date() });
    expect(names(await suite.api.get(`${D}/people?pageSize=100`, t2.tokens.alice))).toEqual(['admin', 'alice', 'carol', 'pete']);
    expect((await suite.api.get(`${D}/people/${t2.users.fiona.id}`, t2.tokens.alice)).status).toBe(404);
    expect((await suite.api.get(`${D}/people/${t2.users.pete.id}`, t2.tokens.alice)).body.username).toBe('pete');
  });

  it('never shows people or departments of another tenant', async () => {
    const res = await suite.api.get(`${D}/people?pageSize=100`, other.tokens.alice);
    expect(res.body.items.map((p: { id: string }) => p.id)).not.toContain(t.users.fiona.id);
    const one = await suite.api.get(`${D}/people/${t.users.fiona.id}`, other.tokens.alice);
    expect(one.status).toBe(404);
    expect(one.body.code).toBe('user_not_found');
    // Another tenant's department id filters to nobody.
    expect((await suite.api.get(`${D}/people?departmentId=${t.departments.eng.id}`, other.tokens.alice)).body.total).toBe(0);
    const tree = await suite.api.get(`${D}/departments`, other.tokens.alice);
    const ids = JSON.stringify(tree.body);
    expect(ids).not.toContain(t.departments.eng.id);
  });

  it('needs a signed-in caller', async () => {
    expect((await suite.api.get(`${D}/people`)).status).toBe(401);
    expect((await suite.api.get(`${D}/departments`)).status).toBe(401);
  });
});

describe('department tree for pickers', () => {
  it('gives names only, nested, to any employee', async () => {
    const t = await tenantWithTokens(suite.rt);
    const res = await suite.api.get(`${D}/departments`, t.tokens.alice);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    const head = res.body[0];
    expect(Object.keys(head).sort()).toEqual(['children', 'id', 'name', 'parentId']);
    expect(head.children.map((c: { name: string }) => c.name).sort()).toEqual(['Engineering', 'Finance', 'Human resources']);
    const eng = head.children.find((c: { name: string }) => c.name === 'Engineering');
    expect(eng.children.map((c: { name: string }) => c.name)).toEqual(['Platform']);
  });
});
