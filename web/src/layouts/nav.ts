/**
 * The side menu: the server's menu (`/me/menus`, already filtered by permission) for the pages
 * the console has, plus the console's own pages the seed menu does not list yet, each shown
 * only with its permission.
 */
import type { MenuNode } from '@/stores/auth';

export interface NavItem {
  key: string;
  /** i18n key; the server's name is the fallback. */
  label: string;
  fallback: string;
  path?: string;
  icon?: string;
  children?: NavItem[];
}

/** Console routes a server menu entry may point at. */
export const CONSOLE_PATHS = new Set([
  '/',
  '/workspace/messages',
  '/workspace/announcements',
  '/workspace/todos',
  '/workspace/plans',
  '/approvals/inbox',
  '/approvals/started',
  '/approvals/new',
  '/approvals/templates',
  '/approvals/stats',
  '/approvals/oversight',
  '/ops/schedules',
]);

/** Pages of the console that the seeded menu does not have, by the directory they join. */
const EXTRAS: { parent: string; item: NavItem; permission?: string }[] = [
  { parent: 'approvals', item: { key: 'approvals.new', label: 'menu.approvals_new', fallback: 'New request', path: '/approvals/new' } },
  { parent: 'approvals', item: { key: 'approvals.oversight', label: 'menu.approvals_oversight', fallback: 'All requests', path: '/approvals/oversight' }, permission: 'approval:view-all' },
  { parent: 'approvals', item: { key: 'approvals.stats', label: 'menu.approvals_stats', fallback: 'Statistics', path: '/approvals/stats' }, permission: 'approval:view-all' },
  { parent: 'ops', item: { key: 'ops.schedules', label: 'menu.ops_schedules', fallback: 'Schedules', path: '/ops/schedules' }, permission: 'tenant:read' },
];

function convert(node: MenuNode): NavItem | null {
  if (node.kind === 'button') return null;
  const children = (node.children ?? []).map(convert).filter((c): c is NavItem => !!c);
  if (node.kind === 'directory') {
    return children.length ? { key: node.key, label: `menu.${node.key.replace(/\./g, '_')}`, fallback: node.name, icon: node.icon ?? undefined, children } : null;
  }
  if (!node.routePath || !CONSOLE_PATHS.has(node.routePath)) return null;
  return { key: node.key, label: `menu.${node.key.replace(/\./g, '_')}`, fallback: node.name, path: node.routePath, icon: node.icon ?? undefined };
}

export function buildNav(menus: MenuNode[], can: (code: string) => boolean): NavItem[] {
  const items = menus.map(convert).filter((c): c is NavItem => !!c);
  for (const extra of EXTRAS) {
    if (extra.permission && !can(extra.permission)) continue;
    let parent = items.find((i) => i.key === extra.parent);
    if (!parent) {
      parent = { key: extra.parent, label: `menu.${extra.parent}`, fallback: extra.parent, icon: extra.parent === 'ops' ? 'monitor' : undefined, children: [] };
      items.push(parent);
    }
    const children = (parent.children ??= []);
    if (!children.some((c) => c.path === extra.item.path)) {
      // "New request" first in its group: it is what most people come for.
      if (extra.item.key === 'approvals.new') children.unshift(extra.item);
      else children.push(extra.item);
    }
  }
  return items;
}
