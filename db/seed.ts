/**
 * Demo data: one tenant (`acme`) with an admin, a small org chart, built-in roles and menus.
 * Idempotent: every row is looked up by its natural key first, so a second start changes nothing
 * and never overwrites what an admin edited.
 */
import type { EntityManager } from '@mikro-orm/knex';
import { newId } from '../common/ids';
import { hashPassword } from '../activities/auth/password';
import {
  BUILTIN_ROLES,
  DEFAULT_MENUS,
  PERMISSION_CATALOG,
  PLATFORM_OPERATOR,
  PLATFORM_TENANT_CODE,
  allCodesFor,
  isPlatformPermission,
  platformOperatorCodes,
  type MenuSeed,
} from '../activities/permission/catalog';
import { Department, DictionaryGroup, DictionaryItem, Menu, Permission, Position, Role, RolePermission, Tenant, User, UserRole, type DictionaryLabels } from './entities';
import { seedPresetTemplates } from './seed-approval';

export interface SeedOptions {
  tenantCode?: string;
  tenantName?: string;
  adminPassword?: string;
  /** scrypt cost for demo users (log2 N). */
  scryptLogN?: number;
}

export const DEMO = {
  tenantCode: 'acme',
  adminUsername: 'admin',
  /** Demo only; printed by `npm start`. Change it after the first login. */
  adminPassword: 'Signoff-admin-1',
  userPassword: 'Signoff-user-1',
  /** The platform operator (tenant `platform`); demo only, printed by `npm start`. */
  operatorUsername: 'operator',
  operatorPassword: 'Signoff-operator-1',
};

async function upsert<T extends object>(em: EntityManager, entity: new () => T, where: Partial<T>, create: () => Partial<T>): Promise<T> {
  const found = await em.findOne(entity, where as never);
  if (found) return found as T;
  const row = em.create(entity, { ...where, ...create() } as never);
  await em.flush();
  return row as T;
}

/**
 * Bring existing data up to the code's permission catalogue, for every tenant: new catalogue
 * entries are added, and built-in roles that hold "all" permissions (tenant_admin) are granted
 * the codes a newer release introduced. Other roles are the admins' to shape: a code they
 * removed stays removed, and new codes reach them only when an admin grants them. Idempotent;
 * run after migrations (db CLI `migrate`, `npm start`). Cached permission sets catch up within
 * their TTL (10 min).
 */
export async function syncPermissionCatalog(em: EntityManager): Promise<{ permissionsAdded: number; grantsAdded: number }> {
  let permissionsAdded = 0;
  for (const p of PERMISSION_CATALOG) {
    if (await em.findOne(Permission, { code: p.code })) continue;
    em.create(Permission, { code: p.code, name: p.name, module: p.module });
    permissionsAdded++;
  }
  await em.flush();
  const kinds = new Map((await em.find(Tenant, {}, { fields: ['id', 'kind'] })).map((t) => [t.id, t.kind]));
  const allRoles = BUILTIN_ROLES.filter((r) => r.permissions === 'all').map((r) => r.code);
  let grantsAdded = 0;
  const grantMissing = async (role: Role, codes: string[]) => {
    const held = new Set((await em.find(RolePermission, { tenantId: role.tenantId, roleId: role.id })).map((g) => g.permissionCode));
    for (const code of codes) {
      if (held.has(code)) continue;
      em.create(RolePermission, { id: newId(), tenantId: role.tenantId, roleId: role.id, permissionCode: code });
      grantsAdded++;
    }
  };
  // "All" means all a tenant of its kind may hold: a customer's tenant_admin never gets platform codes.
  for (const role of await em.find(Role, { code: { $in: allRoles }, builtin: true })) await grantMissing(role, allCodesFor(kinds.get(role.tenantId) ?? 'customer'));
  // Platform operators follow the platform module as it grows (packages…), only in the platform tenant.
  for (const role of await em.find(Role, { code: PLATFORM_OPERATOR.code, builtin: true })) {
    if (kinds.get(role.tenantId) === 'platform') await grantMissing(role, platformOperatorCodes());
  }
  await em.flush();
  // A platform code a customer tenant holds (however it got there) is taken away again.
  const platformCodes = PERMISSION_CATALOG.map((p) => p.code).filter(isPlatformPermission);
  const customerIds = [...kinds].filter(([, kind]) => kind !== 'platform').map(([id]) => id);
  if (platformCodes.length && customerIds.length) await em.nativeDelete(RolePermission, { tenantId: { $in: customerIds }, permissionCode: { $in: platformCodes } });
  return { permissionsAdded, grantsAdded };
}

/**
 * The platform tenant (code `platform`, kind 'platform') with its one built-in role,
 * `platform_operator`, and a demo operator. Platform operators sign in like everyone, with the
 * tenant code `platform`. Idempotent like the rest of the seed.
 */
export async function seedPlatformTenant(em: EntityManager, opts: { operatorPassword?: string; scryptLogN?: number } = {}) {
  for (const p of PERMISSION_CATALOG) await upsert(em, Permission, { code: p.code }, () => ({ name: p.name, module: p.module }));
  const tenant = await upsert(em, Tenant, { code: PLATFORM_TENANT_CODE }, () => ({ id: newId(), name: 'Signoff platform', kind: 'platform' as const }));
  let role = await em.findOne(Role, { tenantId: tenant.id, code: PLATFORM_OPERATOR.code });
  if (!role) {
    role = em.create(Role, { id: newId(), tenantId: tenant.id, code: PLATFORM_OPERATOR.code, name: PLATFORM_OPERATOR.name, dataScope: PLATFORM_OPERATOR.dataScope, builtin: true });
    for (const code of platformOperatorCodes()) em.create(RolePermission, { id: newId(), tenantId: tenant.id, roleId: role.id, permissionCode: code });
    await em.flush();
  }
  let operator = await em.findOne(User, { tenantId: tenant.id, username: DEMO.operatorUsername });
  if (!operator) {
    operator = em.create(User, {
      id: newId(),
      tenantId: tenant.id,
      username: DEMO.operatorUsername,
      email: `${DEMO.operatorUsername}@platform.example`,
      displayName: 'Olga Operator',
      passwordHash: await hashPassword(opts.operatorPassword ?? DEMO.operatorPassword, opts.scryptLogN ?? 17),
      passwordChangedAt: new Date(),
    });
    em.create(UserRole, { id: newId(), tenantId: tenant.id, userId: operator.id, roleId: role.id });
    await em.flush();
  }
  return { tenant, role, operator };
}

interface PlatformDictionary {
  code: string;
  name: string;
  description: string;
  items: { code: string; labels: DictionaryLabels }[];
}

/** Option lists every tenant sees (tenants extend them with their own items). */
export const PLATFORM_DICTIONARIES: PlatformDictionary[] = [
  {
    code: 'leave-type',
    name: 'Leave types',
    description: 'Kinds of leave an employee can request',
    items: [
      { code: 'annual', labels: { en: 'Annual leave', 'zh-CN': '年假' } },
      { code: 'sick', labels: { en: 'Sick leave', 'zh-CN': '病假' } },
      { code: 'personal', labels: { en: 'Personal leave', 'zh-CN': '事假' } },
      { code: 'parental', labels: { en: 'Parental leave', 'zh-CN': '育儿假' } },
    ],
  },
  {
    code: 'currency',
    name: 'Currencies',
    description: 'ISO 4217 currency codes',
    items: [
      { code: 'EUR', labels: { en: 'Euro', 'zh-CN': '欧元' } },
      { code: 'USD', labels: { en: 'US dollar', 'zh-CN': '美元' } },
      { code: 'CNY', labels: { en: 'Chinese yuan', 'zh-CN': '人民币' } },
      { code: 'GBP', labels: { en: 'Pound sterling', 'zh-CN': '英镑' } },
    ],
  },
  {
    code: 'expense-category',
    name: 'Expense categories',
    description: 'What an expense claim is for',
    items: [
      { code: 'travel', labels: { en: 'Travel', 'zh-CN': '差旅' } },
      { code: 'meals', labels: { en: 'Meals', 'zh-CN': '餐费' } },
      { code: 'office', labels: { en: 'Office supplies', 'zh-CN': '办公用品' } },
      { code: 'training', labels: { en: 'Training', 'zh-CN': '培训' } },
    ],
  },
];

/**
 * The platform dictionaries (tenant null). Idempotent and additive: a missing group or item is
 * created, nothing existing is changed. Platform rows have no tenant, which the unique indexes
 * do not compare, so this is their only writer, run once after migrations (db CLI `migrate` and
 * `seed`, `npm start`, the test global setup), never concurrently.
 */
export async function seedPlatformDictionaries(em: EntityManager): Promise<void> {
  for (const d of PLATFORM_DICTIONARIES) {
    const group = await upsert(em, DictionaryGroup, { tenantId: null, code: d.code }, () => ({ id: newId(), name: d.name, description: d.description }));
    for (const [i, item] of d.items.entries()) {
      await upsert(em, DictionaryItem, { tenantId: null, groupId: group.id, code: item.code }, () => ({ id: newId(), labels: item.labels, sortOrder: (i + 1) * 10 }));
    }
  }
}

/** Permission catalogue (global) and, per tenant, built-in roles and the default menu tree. */
export async function seedTenantBasics(em: EntityManager, tenantId: string): Promise<Record<string, Role>> {
  for (const p of PERMISSION_CATALOG) {
    await upsert(em, Permission, { code: p.code }, () => ({ name: p.name, module: p.module }));
  }
  const roles: Record<string, Role> = {};
  for (const r of BUILTIN_ROLES) {
    const existing = await em.findOne(Role, { tenantId, code: r.code });
    const role = existing ?? em.create(Role, { id: newId(), tenantId, code: r.code, name: r.name, dataScope: r.dataScope, builtin: true });
    if (!existing) {
      // Tenant basics are a customer tenant's: "all" leaves out the platform scope.
      const codes = r.permissions === 'all' ? allCodesFor('customer') : r.permissions;
      for (const code of codes) em.create(RolePermission, { id: newId(), tenantId, roleId: role.id, permissionCode: code });
      await em.flush();
    }
    roles[r.code] = role;
  }
  const addMenus = async (items: MenuSeed[], parentId: string | null) => {
    for (const [i, m] of items.entries()) {
      const menu = await upsert(em, Menu, { tenantId, key: m.key }, () => ({
        id: newId(),
        parentId,
        name: m.name,
        kind: m.kind,
        routePath: m.routePath ?? null,
        icon: m.icon ?? null,
        permissionCode: m.permissionCode ?? null,
        sortOrder: i,
      }));
      if (m.children) await addMenus(m.children, menu.id);
    }
  };
  await addMenus(DEFAULT_MENUS, null);
  return roles;
}

export async function seedDemoData(em: EntityManager, opts: SeedOptions = {}) {
  const code = opts.tenantCode ?? DEMO.tenantCode;
  const logN = opts.scryptLogN ?? 17;
  const tenant = await upsert(em, Tenant, { code }, () => ({ id: newId(), name: opts.tenantName ?? 'Acme Corporation' }));
  const roles = await seedTenantBasics(em, tenant.id);

  // Org chart: Head office > Engineering > Platform; Head office > Finance; Head office > HR.
  const dept = async (deptCode: string, name: string, parent: Department | null) =>
    upsert(em, Department, { tenantId: tenant.id, code: deptCode }, () => {
      const id = newId();
      return { id, name, parentId: parent?.id ?? null, path: `${parent?.path ?? '/'}${id}/`, depth: parent ? parent.depth + 1 : 0 };
    });
  const head = await dept('D0001', 'Head office', null);
  const eng = await dept('D0002', 'Engineering', head);
  const platform = await dept('D0003', 'Platform', eng);
  const finance = await dept('D0004', 'Finance', head);
  const hr = await dept('D0005', 'Human resources', head);

  const pos = async (posCode: string, name: string, rank: number) =>
    upsert(em, Position, { tenantId: tenant.id, code: posCode }, () => ({ id: newId(), name, rank }));
  const ceo = await pos('ceo', 'Chief executive', 10);
  const mgr = await pos('manager', 'Manager', 50);
  const eng1 = await pos('engineer', 'Engineer', 100);

  const adminPassword = opts.adminPassword ?? DEMO.adminPassword;
  const user = async (username: string, displayName: string, department: Department, position: Position, roleCodes: string[], password: string) => {
    const existing = await em.findOne(User, { tenantId: tenant.id, username });
    if (existing) return existing;
    const u = em.create(User, {
      id: newId(),
      tenantId: tenant.id,
      username,
      email: `${username}@acme.example`,
      displayName,
      passwordHash: await hashPassword(password, logN),
      passwordChangedAt: new Date(),
      departmentId: department.id,
      positionId: position.id,
    });
    for (const rc of roleCodes) em.create(UserRole, { id: newId(), tenantId: tenant.id, userId: u.id, roleId: roles[rc].id });
    await em.flush();
    return u;
  };
  const admin = await user(DEMO.adminUsername, 'Ada Admin', head, ceo, ['tenant_admin'], adminPassword);
  const carol = await user('carol', 'Carol Chen (Engineering head)', eng, mgr, ['manager', 'employee'], DEMO.userPassword);
  const pete = await user('pete', 'Pete Park (Platform lead)', platform, mgr, ['manager', 'employee'], DEMO.userPassword);
  const alice = await user('alice', 'Alice Alvarez', platform, eng1, ['employee'], DEMO.userPassword);
  const fiona = await user('fiona', 'Fiona Fischer (Finance)', finance, mgr, ['manager', 'employee'], DEMO.userPassword);
  const harry = await user('harry', 'Harry Hughes (HR)', hr, mgr, ['hr', 'employee'], DEMO.userPassword);

  // Department heads make the manager chain resolvable: alice -> pete -> carol -> admin.
  const heads: [Department, User][] = [[head, admin], [eng, carol], [platform, pete], [finance, fiona], [hr, harry]];
  for (const [d, h] of heads) if (!d.headUserId) d.headUserId = h.id;
  await em.flush();
  await seedPresetTemplates(em, tenant.id, { roleMembers: { finance: [fiona.id] }, publishedBy: admin.id });
  return {
    tenantId: tenant.id,
    tenantCode: code,
    adminUsername: DEMO.adminUsername,
    users: { admin, carol, pete, alice, fiona, harry },
    departments: { head, eng, platform, finance, hr },
    positions: { ceo, manager: mgr, engineer: eng1 },
    roles,
  };
}
