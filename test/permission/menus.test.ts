/** Menu CRUD and tree rules, and the caller's dynamic menu (/me/menus), over HTTP. */
import { randomUUID } from 'node:crypto';
import { tokenFor, startApiEnv, tenantWithTokens, type ApiEnv } from '../harness/harness';
import { outline } from './helpers';

type T = Awaited<ReturnType<typeof tenantWithTokens>>;

describe('menus API', () => {
  let env: ApiEnv;
  let t: T;
  const api = () => env.api;
  const myMenu = async (token: string) => {
    const res = await api().get('/api/v1/me/menus', token);
    expect(res.status).toBe(200);
    return outline(res.body.items);
  };
  const create = async (body: Record<string, unknown>) => {
    const res = await api().post('/api/v1/menus', { name: String(body.key), ...body }, t.tokens.admin);
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  beforeAll(async () => {
    env = await startApiEnv();
    t = await tenantWithTokens(env.rt);
  });
  afterAll(() => env.close());

  describe('/me/menus on the seeded tenant', () => {
    it('gives the admin every entry', async () => {
      expect(await myMenu(t.tokens.admin)).toEqual([
        'home',
        'workspace',
        '  workspace.messages',
        '  workspace.announcements',
        '  workspace.todos',
        '  workspace.plans',
        '  workspace.publish',
        'approvals',
        '  approvals.inbox',
        '  approvals.started',
        '  approvals.templates',
        'system',
        '  system.users',
        '  system.departments',
        '  system.positions',
        '  system.roles',
        '  system.menus',
        '  system.apikeys',
        '  system.loginlog',
        '  system.auditlog',
      ]);
    });

    it('gives hr the people pages but not templates, menus, API keys or the login log', async () => {
      expect(await myMenu(t.tokens.harry)).toEqual([
        'home',
        'workspace',
        '  workspace.messages',
        '  workspace.announcements',
        '  workspace.todos',
        '  workspace.plans',
        '  workspace.publish',
        'approvals',
        '  approvals.inbox',
        '  approvals.started',
        'system',
        '  system.users',
        '  system.departments',
        '  system.positions',
        '  system.roles',
      ]);
    });

    it('gives an employee only the org pages under System', async () => {
      expect(await myMenu(t.tokens.alice)).toEqual([
        'home',
        'workspace',
        '  workspace.messages',
        '  workspace.announcements',
        '  workspace.todos',
        '  workspace.plans',
        'approvals',
        '  approvals.inbox',
        '  approvals.started',
        'system',
        '  system.departments',
        '  system.positions',
      ]);
    });

    it('returns display fields and needs authentication but no permission', async () => {
      const res = await api().get('/api/v1/me/menus', t.tokens.alice);
      expect(res.body.items[0]).toMatchObject({ key: 'home', kind: 'page', routePath: '/', icon: 'home', children: [] });
      expect((await api().get('/api/v1/me/menus')).status).toBe(401);
    });
  });

  describe('dynamic menu rules', () => {
    it('drops directories with no visible entry, hides invisible entries, and sorts by sortOrder', async () => {
      const reports = await create({ key: 'reports', kind: 'directory', sortOrder: -1 });
      await create({ key: 'reports.monthly', parentId: reports, routePath: '/reports/monthly', permissionCode: 'template:read' });
      await create({ key: 'reports.secret', parentId: reports, routePath: '/reports/secret', visible: false });
      await create({ key: 'empty', kind: 'directory', sortOrder: 50 });
      const help = await create({ key: 'help', kind: 'directory', sortOrder: 40 });
      await create({ key: 'help.faq', parentId: help, routePath: '/help', sortOrder: 2 });
      await create({ key: 'help.contact', parentId: help, routePath: '/help/contact', sortOrder: 1 });

      const admin = await myMenu(t.tokens.admin);
      expect(admin.slice(0, 2)).toEqual(['reports', '  reports.monthly']);
      expect(admin.slice(-3)).toEqual(['help', '  help.contact', '  help.faq']);
      expect(admin).not.toContain('empty');
      expect(admin).not.toContain('  reports.secret');

      // alice lacks template:read, so `reports` has nothing left for her and disappears.
      const alice = await myMenu(t.tokens.alice);
      expect(alice).not.toContain('reports');
      expect(alice.slice(-3)).toEqual(['help', '  help.contact', '  help.faq']);
    });

    it('drops the System directory for a user left without any role', async () => {
      const stripped = await api().put(`/api/v1/users/${t.users.fiona.id}/roles`, { roleIds: [] }, t.tokens.admin);
      expect(stripped.status).toBe(200);
      const menu = await myMenu(await tokenFor(env.rt, t.users.fiona));
      expect(menu).not.toContain('system');
      expect(menu).toEqual(expect.arrayContaining(['home', 'approvals', '  approvals.inbox']));
    });
  });

  describe('menu CRUD', () => {
    it('creates, reads, updates and deletes an entry', async () => {
      const system = (await api().get('/api/v1/menus?parentId=root&pageSize=100', t.tokens.admin)).body.items.find((m: { key: string }) => m.key === 'system');
      const created = await api().post(
        '/api/v1/menus',
        { key: 'system.audit', name: 'Audit', parentId: system.id, routePath: '/system/audit', permissionCode: 'loginlog:read', sortOrder: 99 },
        t.tokens.admin,
      );
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ key: 'system.audit', kind: 'page', parentId: system.id, visible: true, icon: null });

      const got = await api().get(`/api/v1/menus/${created.body.id}`, t.tokens.admin);
      expect(got.body).toEqual(created.body);

      const patched = await api().patch(`/api/v1/menus/${created.body.id}`, { name: 'Audit trail', parentId: null, permissionCode: null }, t.tokens.admin);
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ name: 'Audit trail', parentId: null, permissionCode: null, routePath: '/system/audit' });

      expect((await api().delete(`/api/v1/menus/${created.body.id}`, t.tokens.admin)).status).toBe(204);
      expect((await api().get(`/api/v1/menus/${created.body.id}`, t.tokens.admin)).body.code).toBe('menu_not_found');
    });

    it('lists entries paginated, optionally by parent', async () => {
      const roots = await api().get('/api/v1/menus?parentId=root&pageSize=2', t.tokens.admin);
      expect(roots.status).toBe(200);
      expect(roots.body.items).toHaveLength(2);
      expect(roots.body.items.every((m: { parentId: string | null }) => m.parentId === null)).toBe(true);
      const all = await api().get('/api/v1/menus?pageSize=5', t.tokens.admin);
      expect(all.body.total).toBeGreaterThan(roots.body.total);
    });

    it('returns the full tree, hidden entries included, to menu:read holders only', async () => {
      const res = await api().get('/api/v1/menus/tree', t.tokens.admin);
      expect(res.status).toBe(200);
      expect(outline(res.body.items)).toEqual(expect.arrayContaining(['empty', '  reports.secret', '  system.loginlog']));
      expect((await api().get('/api/v1/menus/tree', t.tokens.harry)).status).toBe(403);
    });

    it('refuses a duplicate key (409), an unknown parent or permission code (422 with paths) and buttons as parents', async () => {
      const dup = await api().post('/api/v1/menus', { key: 'home', name: 'Home again' }, t.tokens.admin);
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('menu_key_taken');

      const bad = await api().post('/api/v1/menus', { key: 'x.bad', name: 'Bad', parentId: randomUUID(), permissionCode: 'nope:none' }, t.tokens.admin);
      expect(bad.status).toBe(422);
      expect(bad.body.errors.map((e: { path: string; code: string }) => [e.path, e.code])).toEqual([
        ['body.parentId', 'not_found'],
        ['body.permissionCode', 'unknown_permission'],
      ]);

      const button = await create({ key: 'x.button', kind: 'button', permissionCode: 'user:delete' });
      const under = await api().post('/api/v1/menus', { key: 'x.under', name: 'Under', parentId: button }, t.tokens.admin);
      expect(under.body.errors).toEqual([expect.objectContaining({ path: 'body.parentId', code: 'parent_is_button' })]);

      const rename = await api().patch(`/api/v1/menus/${button}`, { key: 'home' }, t.tokens.admin);
      expect(rename.status).toBe(409);
      expect(rename.body.code).toBe('menu_key_taken');
    });

    it('refuses to move an entry below itself or its descendants (no cycles)', async () => {
      const a = await create({ key: 'cyc.a', kind: 'directory' });
      const b = await create({ key: 'cyc.b', kind: 'directory', parentId: a });
      const c = await create({ key: 'cyc.c', kind: 'page', parentId: b });

      for (const target of [a, b, c]) {
        const res = await api().patch(`/api/v1/menus/${a}`, { parentId: target }, t.tokens.admin);
        expect(res.status).toBe(422);
        expect(res.body.code).toBe('menu_cycle');
        expect(res.body.errors).toEqual([expect.objectContaining({ path: 'body.parentId', code: 'cycle' })]);
      }
      expect((await api().get(`/api/v1/menus/${a}`, t.tokens.admin)).body.parentId).toBeNull();

      // A legal move: c goes up next to b.
      const moved = await api().patch(`/api/v1/menus/${c}`, { parentId: a }, t.tokens.admin);
      expect(moved.status).toBe(200);
      expect(moved.body.parentId).toBe(a);
    });

    it('deletes only leaves (409 menu_has_children) and keeps an entry with children from becoming a button', async () => {
      const dir = await create({ key: 'del.dir', kind: 'directory' });
      const leaf = await create({ key: 'del.leaf', parentId: dir });
      const refused = await api().delete(`/api/v1/menus/${dir}`, t.tokens.admin);
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'menu_has_children', children: 1 });

      const toButton = await api().patch(`/api/v1/menus/${dir}`, { kind: 'button' }, t.tokens.admin);
      expect(toButton.status).toBe(422);
      expect(toButton.body.errors).toEqual([expect.objectContaining({ path: 'body.kind', code: 'has_children' })]);

      expect((await api().delete(`/api/v1/menus/${leaf}`, t.tokens.admin)).status).toBe(204);
      expect((await api().delete(`/api/v1/menus/${dir}`, t.tokens.admin)).status).toBe(204);
    });

    it('needs menu:write to change menus', async () => {
      const res = await api().post('/api/v1/menus', { key: 'nope', name: 'Nope' }, t.tokens.harry);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('permission_denied');
    });
  });
});
