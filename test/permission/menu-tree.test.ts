/** Unit tests of the pure menu-tree functions (no database involved). */
import { buildMenuTree, visibleMenuTree } from '../../activities/permission/menus';
import type { MenuView } from '../../activities/permission/schema';
import { outline } from './helpers';

let n = 0;
const entry = (key: string, parentId: string | null, extra: Partial<MenuView> = {}): MenuView => ({
  id: key,
  parentId,
  key,
  name: key,
  kind: 'page',
  routePath: null,
  icon: null,
  permissionCode: null,
  sortOrder: n++,
  visible: true,
  ...extra,
});

describe('buildMenuTree', () => {
  it('nests rows under their parents and sorts siblings by sortOrder, then key', () => {
    const rows = [
      entry('b', null, { sortOrder: 2 }),
      entry('a', null, { sortOrder: 2 }),
      entry('first', null, { sortOrder: -5 }),
      entry('a.2', 'a', { sortOrder: 9 }),
      entry('a.1', 'a', { sortOrder: 1 }),
    ];
    expect(outline(buildMenuTree(rows))).toEqual(['first', 'a', '  a.1', '  a.2', 'b']);
  });

  it('leaves out orphans and rows caught in a parent loop instead of looping', () => {
    const rows = [entry('root', null), entry('orphan', 'missing'), entry('x', 'y'), entry('y', 'x')];
    expect(outline(buildMenuTree(rows))).toEqual(['root']);
  });
});

describe('visibleMenuTree', () => {
  const rows: MenuView[] = [
    entry('home', null, { sortOrder: 0 }),
    entry('admin', null, { kind: 'directory', sortOrder: 1 }),
    entry('admin.users', 'admin', { permissionCode: 'user:read' }),
    entry('admin.users.delete', 'admin.users', { kind: 'button', permissionCode: 'user:delete' }),
    entry('admin.roles', 'admin', { permissionCode: 'role:read' }),
    entry('reports', null, { kind: 'directory', sortOrder: 2 }),
    entry('reports.nested', 'reports', { kind: 'directory' }),
    entry('reports.nested.sales', 'reports.nested', { permissionCode: 'report:sales' }),
    entry('empty', null, { kind: 'directory', sortOrder: 3 }),
    entry('hidden', null, { kind: 'directory', visible: false, sortOrder: 4 }),
    entry('hidden.page', 'hidden'),
    entry('gated', null, { kind: 'directory', permissionCode: 'gate', sortOrder: 5 }),
    entry('gated.open', 'gated'),
  ];
  const holding = (...codes: string[]) => (code: string) => codes.includes(code);

  it('shows everything visible to a caller holding every permission, minus empty directories', () => {
    expect(outline(visibleMenuTree(rows, () => true))).toEqual([
      'home',
      'admin',
      '  admin.users',
      '    admin.users.delete',
      '  admin.roles',
      'reports',
      '  reports.nested',
      '    reports.nested.sales',
      'gated',
      '  gated.open',
    ]);
  });

  it('keeps only entries whose permission is held, and drops directories emptied by that (recursively)', () => {
    expect(outline(visibleMenuTree(rows, holding('role:read')))).toEqual(['home', 'admin', '  admin.roles']);
  });

  it('hides buttons the caller may not use while keeping their page', () => {
    expect(outline(visibleMenuTree(rows, holding('user:read')))).toEqual(['home', 'admin', '  admin.users']);
  });

  it('hides a whole subtree when its parent is hidden or needs a permission the caller lacks', () => {
    const tree = outline(visibleMenuTree(rows, holding()));
    expect(tree).toEqual(['home']);
    expect(outline(visibleMenuTree(rows, holding('gate')))).toEqual(['home', 'gated', '  gated.open']);
  });
});
