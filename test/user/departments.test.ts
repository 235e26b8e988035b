import { Department } from '../../db/entities';
import { inContext, tenantWithTokens, useSuite } from '../harness/harness';
import { countQueries, newUserBody } from './helpers';
import { MAX_DEPARTMENT_DEPTH } from '../../activities/user/schema';

const suite = useSuite();
const D = '/api/v1/departments';

/** Every row's path and depth agree with its parent's (the invariant move must keep). */
async function expectTreeConsistent(tenantId: string) {
  const rows = await suite.rt.orm.em.fork().find(Department, { tenantId });
  const byId = new Map(rows.map((d) => [d.id, d]));
  for (const d of rows) {
    const parent = d.parentId ? byId.get(d.parentId) : undefined;
    if (d.parentId) expect(parent).toBeDefined();
    expect(d.path).toBe(`${parent?.path ?? '/'}${d.id}/`);
    expect(d.depth).toBe(parent ? parent.depth + 1 : 0);
  }
}

describe('departments', () => {
  let t: Awaited<ReturnType<typeof tenantWithTokens>>;
  let admin: string;
  beforeAll(async () => {
    t = await tenantWithTokens(suite.rt);
    admin = t.tokens.admin;
  });

  it('creates departments with generated D-codes, depth and a validated parent and head', async () => {
    const res = await suite.api.post(D, { name: 'Legal', parentId: t.departments.head.id, headUserId: t.users.fiona.id, sortOrder: 3 }, admin);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Legal', parentId: t.departments.head.id, depth: 1, headUserId: t.users.fiona.id, sortOrder: 3 });
    expect(res.body.code).toMatch(/^D\d{4}$/);
    expect(res.body.code).toBe('D0006'); // the seed used D0001..D0005
    expect(res.body).not.toHaveProperty('path');

    const bad = await suite.api.post(D, { name: 'X', parentId: '00000000-0000-4000-8000-000000000000', headUserId: '00000000-0000-4000-8000-000000000001' }, admin);
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.headUserId', 'body.parentId']);

    const empty = await suite.api.post(D, { name: '  ' }, admin);
    expect(empty.status).toBe(422);
    expect(empty.body.errors[0].path).toBe('body.name');

    const forbidden = await suite.api.post(D, { name: 'Nope' }, t.tokens.alice);
    expect(forbidden.status).toBe(403);
    await expectTreeConsistent(t.tenantId);
  });

  it('gives unique, consecutive codes under concurrent creation', async () => {
    const before = await suite.rt.orm.em.fork().count(Department, { tenantId: t.tenantId });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => suite.api.post(D, { name: `Parallel ${i}` }, admin)));
    expect(results.map((r) => r.status)).toEqual(Array(12).fill(201));
    const codes = results.map((r) => r.body.code as string).sort();
    expect(new Set(codes).size).toBe(12);
    const numbers = codes.map((c) => Number(c.slice(1)));
    expect(numbers[11] - numbers[0]).toBe(11); // no gaps: each one took the next number
    expect(await suite.rt.orm.em.fork().count(Department, { tenantId: t.tenantId })).toBe(before + 12);
  });

  it('updates name, head and sort order, but not the parent', async () => {
    const { body: d } = await suite.api.post(D, { name: 'Ops' }, admin);
    const res = await suite.api.patch(`${D}/${d.id}`, { name: 'Operations', headUserId: t.users.harry.id, sortOrder: 7 }, admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Operations', headUserId: t.users.harry.id, sortOrder: 7, code: d.code });
    expect((await suite.api.patch(`${D}/${d.id}`, { headUserId: null }, admin)).body.headUserId).toBeNull();

    const withParent = await suite.api.patch(`${D}/${d.id}`, { parentId: t.departments.eng.id }, admin);
    expect(withParent.status).toBe(422);
    const ghostHead = await suite.api.patch(`${D}/${d.id}`, { headUserId: '00000000-0000-4000-8000-000000000000' }, admin);
    expect(ghostHead.status).toBe(422);
    expect(ghostHead.body.errors[0]).toMatchObject({ path: 'body.headUserId', code: 'not_found' });
    expect((await suite.api.get(`${D}/${d.id}`, admin)).body).toMatchObject({ name: 'Operations', headUserId: null, parentId: null });
  });

  describe('a deep tree', () => {
    /** chain[0] is a root, chain[i] is the child of chain[i-1]; depth 12 at the bottom. */
    const chain: { id: string; depth: number }[] = [];
    beforeAll(async () => {
      let parentId: string | null = null;
      for (let depth = 0; depth <= 12; depth++) {
        const res: { status: number; body: { id: string; depth: number } } = await suite.api.post(D, { name: `Level ${depth}`, parentId }, admin);
        expect(res.status).toBe(201);
        expect(res.body.depth).toBe(depth);
        chain.push(res.body);
        parentId = res.body.id;
      }
    });

    it('returns a subtree with one indexed query, whatever the depth', async () => {
      const res = await suite.api.get(`${D}/${chain[4].id}/subtree`, admin);
      expect(res.status).toBe(200);
      expect(res.body.rootId).toBe(chain[4].id);
      expect(res.body.items.map((d: { id: string }) => d.id)).toEqual(chain.slice(4).map((d) => d.id));

      const root = await suite.rt.orm.em.fork().findOneOrFail(Department, { id: chain[0].id });
      const { result, queries } = await countQueries(suite.rt, () => inContext(suite.rt, () => suite.rt.services.departments.subtreeOf(root)));
      expect(result.map((d) => d.id)).toEqual(chain.map((d) => d.id));
      expect(queries).toHaveLength(1);
      expect(queries[0]).toMatch(/like/i);
    });

    it('caps the depth', async () => {
      // Extend the chain down to the deepest allowed level, then one more is refused.
      let parentId = chain[12].id;
      const extra: string[] = [];
      for (let depth = 13; depth <= MAX_DEPARTMENT_DEPTH; depth++) {
        const res = await suite.api.post(D, { name: `Deeper ${depth}`, parentId }, admin);
        expect(res.status).toBe(201);
        parentId = res.body.id;
        extra.push(parentId);
      }
      const tooDeep = await suite.api.post(D, { name: 'Too deep', parentId }, admin);
      expect(tooDeep.status).toBe(422);
      expect(tooDeep.body.code).toBe('department_too_deep');
      // Moving a two-level subtree under the deepest node would also exceed the cap.
      const { body: top } = await suite.api.post(D, { name: 'Small top' }, admin);
      await suite.api.post(D, { name: 'Small child', parentId: top.id }, admin);
      const move = await suite.api.post(`${D}/${top.id}/move`, { parentId: extra.at(-2) }, admin);
      expect(move.status).toBe(422);
      expect(move.body.code).toBe('department_too_deep');
      // Clean up so later tests see the 13-level chain only.
      for (const id of [...extra].reverse()) expect((await suite.api.delete(`${D}/${id}`, admin)).status).toBe(204);
    });

    it('refuses to move a department under itself or a descendant, changing nothing', async () => {
      const before = await suite.rt.orm.em.fork().find(Department, { tenantId: t.tenantId }, { orderBy: { id: 'asc' } });
      for (const target of [chain[3].id, chain[4].id, chain[12].id]) {
        const res = await suite.api.post(`${D}/${chain[3].id}/move`, { parentId: target }, admin);
        expect(res.status).toBe(422);
        expect(res.body.code).toBe('department_cycle');
      }
      const after = await suite.rt.orm.em.fork().find(Department, { tenantId: t.tenantId }, { orderBy: { id: 'asc' } });
      expect(after.map((d) => [d.id, d.path, d.depth, d.parentId])).toEqual(before.map((d) => [d.id, d.path, d.depth, d.parentId]));
    });

    it('moves a subtree with every path and depth below it, to another parent and to the top', async () => {
      const moved = await suite.api.post(`${D}/${chain[6].id}/move`, { parentId: t.departments.finance.id }, admin);
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ parentId: t.departments.finance.id, depth: 2 });
      await expectTreeConsistent(t.tenantId);
      const financeSubtree = await suite.api.get(`${D}/${t.departments.finance.id}/subtree`, admin);
      expect(financeSubtree.body.items.map((d: { id: string }) => d.id)).toEqual([t.departments.finance.id, ...chain.slice(6).map((d) => d.id)]);
      const bottom = await suite.api.get(`${D}/${chain[12].id}`, admin);
      expect(bottom.body.depth).toBe(8);
      // The old ancestors no longer contain it.
      expect((await suite.api.get(`${D}/${chain[0].id}/subtree`, admin)).body.items).toHaveLength(6);

      const toTop = await suite.api.post(`${D}/${chain[6].id}/move`, { parentId: null }, admin);
      expect(toTop.body).toMatchObject({ parentId: null, depth: 0 });
      expect((await suite.api.get(`${D}/${chain[12].id}`, admin)).body.depth).toBe(6);
      await expectTreeConsistent(t.tenantId);

      const ghost = await suite.api.post(`${D}/${chain[6].id}/move`, { parentId: '00000000-0000-4000-8000-000000000000' }, admin);
      expect(ghost.status).toBe(422);
      expect(ghost.body.errors[0]).toMatchObject({ path: 'body.parentId', code: 'not_found' });
    });
  });

  it('deletes only empty departments', async () => {
    const { body: parent } = await suite.api.post(D, { name: 'To delete' }, admin);
    const { body: child } = await suite.api.post(D, { name: 'Child', parentId: parent.id }, admin);
    const withChild = await suite.api.delete(`${D}/${parent.id}`, admin);
    expect(withChild.status).toBe(409);
    expect(withChild.body.code).toBe('department_not_empty');

    const user = await suite.api.post('/api/v1/users', newUserBody({ departmentId: child.id }), admin);
    expect(user.status).toBe(201);
    const withUser = await suite.api.delete(`${D}/${child.id}`, admin);
    expect(withUser.status).toBe(409);
    expect(withUser.body.code).toBe('department_not_empty');

    // A deleted user no longer counts.
    expect((await suite.api.delete(`/api/v1/users/${user.body.id}`, admin)).status).toBe(204);
    expect((await suite.api.delete(`${D}/${child.id}`, admin)).status).toBe(204);
    expect((await suite.api.delete(`${D}/${parent.id}`, admin)).status).toBe(204);
    expect((await suite.api.get(`${D}/${parent.id}`, admin)).status).toBe(404);
    expect((await suite.api.delete(`${D}/${parent.id}`, admin)).status).toBe(404);
  });

  it('lists flat with pagination and filters', async () => {
    const { body: parent } = await suite.api.post(D, { name: 'Listing parent' }, admin);
    for (const name of ['Zeta 100%', 'Alpha', 'Beta 100_']) await suite.api.post(D, { name, parentId: parent.id }, admin);
    const page1 = await suite.api.get(`${D}?parentId=${parent.id}&pageSize=2`, admin);
    expect(page1.status).toBe(200);
    expect(page1.body).toMatchObject({ page: 1, pageSize: 2, total: 3 });
    expect(page1.body.items.map((d: { name: string }) => d.name)).toEqual(['Alpha', 'Beta 100_']);
    const page2 = await suite.api.get(`${D}?parentId=${parent.id}&pageSize=2&page=2`, admin);
    expect(page2.body.items.map((d: { name: string }) => d.name)).toEqual(['Zeta 100%']);
    // `%` and `_` match themselves, not "anything".
    const percent = await suite.api.get(`${D}?q=${encodeURIComponent('100%')}`, admin);
    expect(percent.body.items.map((d: { name: string }) => d.name)).toEqual(['Zeta 100%']);
    const caseless = await suite.api.get(`${D}?q=engineer`, admin);
    expect(caseless.body.items.map((d: { name: string }) => d.name)).toEqual(['Engineering']);
    expect((await suite.api.get(`${D}?pageSize=101`, admin)).status).toBe(422);
    expect((await suite.api.get(D, t.tokens.alice)).status).toBe(200); // employees hold department:read
  });

  it('returns the whole tree, children ordered by sortOrder then name', async () => {
    const { body: root } = await suite.api.post(D, { name: 'Tree root', sortOrder: -100 }, admin);
    await suite.api.post(D, { name: 'B', parentId: root.id, sortOrder: 1 }, admin);
    await suite.api.post(D, { name: 'C', parentId: root.id, sortOrder: 0 }, admin);
    const { body: a } = await suite.api.post(D, { name: 'A', parentId: root.id, sortOrder: 1 }, admin);
    await suite.api.post(D, { name: 'A1', parentId: a.id }, admin);
    const res = await suite.api.get(`${D}/tree`, admin);
    expect(res.status).toBe(200);
    const node = res.body.items[0];
    expect(node.id).toBe(root.id); // sortOrder -100 sorts first among roots
    expect(node.children.map((c: { name: string }) => c.name)).toEqual(['C', 'A', 'B']);
    expect(node.children[1].children.map((c: { name: string }) => c.name)).toEqual(['A1']);
    const head = res.body.items.find((d: { id: string }) => d.id === t.departments.head.id);
    expect(head.children.map((c: { name: string }) => c.name).sort()).toEqual(['Engineering', 'Finance', 'Human resources', 'Legal'].sort());
    const count = (nodes: { children: unknown[] }[]): number => nodes.reduce((n, d) => n + 1 + count(d.children as never), 0);
    expect(count(res.body.items)).toBe(await suite.rt.orm.em.fork().count(Department, { tenantId: t.tenantId }));
  });

  it('lists members, with the subtree on request, paginated', async () => {
    const eng = t.departments.eng.id;
    const direct = await suite.api.get(`${D}/${eng}/members`, admin);
    expect(direct.status).toBe(200);
    expect(direct.body.items.map((u: { username: string }) => u.username)).toEqual(['carol']);
    const all = await suite.api.get(`${D}/${eng}/members?includeSubtree=true`, admin);
    expect(all.body.total).toBe(3);
    expect(all.body.items.map((u: { username: string }) => u.username).sort()).toEqual(['alice', 'carol', 'pete']);
    expect(all.body.items[0]).not.toHaveProperty('passwordHash');
    const paged = await suite.api.get(`${D}/${eng}/members?includeSubtree=true&pageSize=2&page=2`, admin);
    expect(paged.body).toMatchObject({ total: 3, page: 2 });
    expect(paged.body.items).toHaveLength(1);
    expect((await suite.api.get(`${D}/${eng}/members?includeSubtree=false`, admin)).body.total).toBe(1);
    expect((await suite.api.get(`${D}/${eng}/members?includeSubtree=maybe`, admin)).status).toBe(422);
    // Members are user records: the caller's data scope applies (alice sees only herself).
    expect((await suite.api.get(`${D}/${eng}/members`, t.tokens.alice)).status).toBe(403);
    const pete = await suite.api.get(`${D}/${eng}/members?includeSubtree=true`, t.tokens.pete);
    expect(pete.body.items.map((u: { username: string }) => u.username).sort()).toEqual(['alice', 'pete']);
    expect((await suite.api.get(`${D}/00000000-0000-4000-8000-000000000000/members`, admin)).status).toBe(404);
  });
});
