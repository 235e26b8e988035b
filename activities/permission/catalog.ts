/**
 * The product's permission codes, built-in roles and default menu tree. Seeding reads these,
 * routes reference the constants, so a typo is a compile error rather than a locked-out screen.
 */
import type { DataScope, MenuKind } from '../../db/entities';

export const PERMISSIONS = {
  tenantRead: 'tenant:read',
  tenantUpdate: 'tenant:update',
  departmentRead: 'department:read',
  departmentWrite: 'department:write',
  positionRead: 'position:read',
  positionWrite: 'position:write',
  userRead: 'user:read',
  userCreate: 'user:create',
  userUpdate: 'user:update',
  userDelete: 'user:delete',
  userResetPassword: 'user:reset-password',
  userProvision: 'user:provision',
  roleRead: 'role:read',
  roleWrite: 'role:write',
  roleAssign: 'role:assign',
  menuRead: 'menu:read',
  menuWrite: 'menu:write',
  apiKeyManage: 'apikey:manage',
  loginLogRead: 'loginlog:read',
  templateRead: 'template:read',
  templateWrite: 'template:write',
  templatePublish: 'template:publish',
  approvalViewAll: 'approval:view-all',
  approvalIntervene: 'approval:intervene',
  messageSend: 'message:send',
  auditRead: 'audit:read',
  announcementPublish: 'announcement:publish',
  onboardingManage: 'onboarding:manage',
  notificationAdmin: 'notification:admin',
  dictionaryRead: 'dictionary:read',
  dictionaryWrite: 'dictionary:write',
  platformTenantRead: 'platform:tenant:read',
  platformTenantWrite: 'platform:tenant:write',
  platformPackageRead: 'platform:package:read',
  platformPackageWrite: 'platform:package:write',
} as const;

export type PermissionCode = (typeof PERMISSIONS)[keyof typeof PERMISSIONS];

export const PERMISSION_CATALOG: { code: PermissionCode; name: string; module: string }[] = [
  { code: 'tenant:read', name: 'View tenant settings', module: 'user' },
  { code: 'tenant:update', name: 'Change tenant settings', module: 'user' },
  { code: 'department:read', name: 'View departments', module: 'user' },
  { code: 'department:write', name: 'Create, move and delete departments', module: 'user' },
  { code: 'position:read', name: 'View positions', module: 'user' },
  { code: 'position:write', name: 'Manage positions', module: 'user' },
  { code: 'user:read', name: 'View users', module: 'user' },
  { code: 'user:create', name: 'Create users', module: 'user' },
  { code: 'user:update', name: 'Edit, enable and disable users', module: 'user' },
  { code: 'user:delete', name: 'Delete users', module: 'user' },
  { code: 'user:reset-password', name: "Reset users' passwords", module: 'user' },
  { code: 'user:provision', name: 'Provision users (saga)', module: 'user' },
  { code: 'role:read', name: 'View roles and permissions', module: 'permission' },
  { code: 'role:write', name: 'Manage roles', module: 'permission' },
  { code: 'role:assign', name: 'Assign roles to users', module: 'permission' },
  { code: 'menu:read', name: 'View menus', module: 'permission' },
  { code: 'menu:write', name: 'Manage menus', module: 'permission' },
  { code: 'apikey:manage', name: 'Manage API keys', module: 'auth' },
  { code: 'loginlog:read', name: 'View the login log', module: 'auth' },
  { code: 'template:read', name: 'View approval templates', module: 'approval' },
  { code: 'template:write', name: 'Edit approval templates', module: 'approval' },
  { code: 'template:publish', name: 'Publish approval templates', module: 'approval' },
  { code: 'approval:view-all', name: 'View approval instances within data scope', module: 'approval' },
  { code: 'approval:intervene', name: 'Cancel, reassign, retry or send back running approval requests within data scope', module: 'approval' },
  { code: 'message:send', name: 'Send in-app messages', module: 'support' },
  { code: 'audit:read', name: 'View the audit log', module: 'support' },
  { code: 'announcement:publish', name: 'Write and publish announcements', module: 'support' },
  { code: 'onboarding:manage', name: 'Start, follow and cancel employee onboarding', module: 'user' },
  { code: 'notification:admin', name: 'View notification deliveries', module: 'support' },
  { code: 'dictionary:read', name: 'View dictionaries', module: 'system' },
  { code: 'dictionary:write', name: 'Manage dictionaries and their items', module: 'system' },
  { code: 'platform:package:read', name: 'View packages and any tenant\'s package and usage', module: 'platform' },
  { code: 'platform:package:write', name: 'Create and change packages, assign them to tenants', module: 'platform' },
  { code: 'platform:tenant:read', name: 'List and read tenants and their onboarding (platform operators)', module: 'platform' },
  { code: 'platform:tenant:write', name: 'Create, suspend, resume and delete tenants (platform operators)', module: 'platform' },
];

/**
 * The platform scope. Codes of the module `platform` act on tenants from above: they exist only
 * in the platform tenant (code `platform`, kind 'platform'), whose users are platform operators.
 * A customer tenant never holds them: not through `tenant_admin`'s "all", not through a role it
 * writes or assigns, and not at run time (effective permissions drop them outside the platform
 * tenant). The rule is by module, so codes added to it later (packages…) follow it unchanged.
 */
export const PLATFORM_MODULE = 'platform';
export const PLATFORM_TENANT_CODE = 'platform';
export const PLATFORM_OPERATOR_ROLE = 'platform_operator';

const PLATFORM_CODES: ReadonlySet<string> = new Set(PERMISSION_CATALOG.filter((p) => p.module === PLATFORM_MODULE).map((p) => p.code));

/** Is this a platform-scope code (module `platform`)? */
export const isPlatformPermission = (code: string): boolean => PLATFORM_CODES.has(code);

/** The catalogue codes a tenant of this kind may hold at all. */
export function grantableCodes(kind: 'platform' | 'customer'): PermissionCode[] {
  return PERMISSION_CATALOG.map((p) => p.code).filter((c) => (kind === 'platform' ? true : !isPlatformPermission(c)));
}

/** What a built-in role "all" means in a tenant of this kind: customers' admins never get platform codes. */
export const allCodesFor = (kind: 'platform' | 'customer'): PermissionCode[] => grantableCodes(kind);

/** The built-in role of the platform tenant: every platform code (and nothing of a customer's business). */
export const PLATFORM_OPERATOR: { code: string; name: string; dataScope: DataScope } = {
  code: PLATFORM_OPERATOR_ROLE,
  name: 'Platform operator',
  dataScope: 'self',
};
export const platformOperatorCodes = (): PermissionCode[] => PERMISSION_CATALOG.filter((p) => p.module === PLATFORM_MODULE).map((p) => p.code);

/** The codes a customer tenant's roles may hold (everything but the platform module). */
export const TENANT_PERMISSION_CODES: PermissionCode[] = grantableCodes('customer');

export interface BuiltinRole {
  code: string;
  name: string;
  dataScope: DataScope;
  permissions: PermissionCode[] | 'all';
}

export const BUILTIN_ROLES: BuiltinRole[] = [
  { code: 'tenant_admin', name: 'Tenant administrator', dataScope: 'all', permissions: 'all' },
  {
    code: 'hr',
    name: 'HR',
    dataScope: 'all',
    permissions: ['department:read', 'position:read', 'user:read', 'user:create', 'user:update', 'user:provision', 'role:read', 'role:assign', 'message:send', 'announcement:publish', 'onboarding:manage', 'dictionary:read'],
  },
  {
    code: 'manager',
    name: 'Department manager',
    dataScope: 'department_tree',
    permissions: ['department:read', 'position:read', 'user:read', 'approval:view-all', 'message:send'],
  },
  { code: 'employee', name: 'Employee', dataScope: 'self', permissions: ['department:read', 'position:read'] },
];

export interface MenuSeed {
  key: string;
  name: string;
  kind: MenuKind;
  routePath?: string;
  icon?: string;
  permissionCode?: PermissionCode;
  children?: MenuSeed[];
}

export const DEFAULT_MENUS: MenuSeed[] = [
  { key: 'home', name: 'Home', kind: 'page', routePath: '/', icon: 'home' },
  {
    key: 'workspace',
    name: 'Workspace',
    kind: 'directory',
    icon: 'inbox',
    children: [
      { key: 'workspace.messages', name: 'Messages', kind: 'page', routePath: '/workspace/messages' },
      { key: 'workspace.announcements', name: 'Announcements', kind: 'page', routePath: '/workspace/announcements' },
      { key: 'workspace.todos', name: 'To-dos', kind: 'page', routePath: '/workspace/todos' },
      { key: 'workspace.plans', name: 'Daily plans', kind: 'page', routePath: '/workspace/plans' },
      { key: 'workspace.publish', name: 'Publish announcements', kind: 'page', routePath: '/workspace/announcements/manage', permissionCode: 'announcement:publish' },
    ],
  },
  {
    key: 'approvals',
    name: 'Approvals',
    kind: 'directory',
    icon: 'check-square',
    children: [
      { key: 'approvals.inbox', name: 'My inbox', kind: 'page', routePath: '/approvals/inbox' },
      { key: 'approvals.started', name: 'My requests', kind: 'page', routePath: '/approvals/started' },
      { key: 'approvals.templates', name: 'Templates', kind: 'page', routePath: '/approvals/templates', permissionCode: 'template:read' },
    ],
  },
  {
    key: 'system',
    name: 'System',
    kind: 'directory',
    icon: 'settings',
    children: [
      { key: 'system.users', name: 'Users', kind: 'page', routePath: '/system/users', permissionCode: 'user:read' },
      { key: 'system.departments', name: 'Departments', kind: 'page', routePath: '/system/departments', permissionCode: 'department:read' },
      { key: 'system.positions', name: 'Positions', kind: 'page', routePath: '/system/positions', permissionCode: 'position:read' },
      { key: 'system.roles', name: 'Roles', kind: 'page', routePath: '/system/roles', permissionCode: 'role:read' },
      { key: 'system.menus', name: 'Menus', kind: 'page', routePath: '/system/menus', permissionCode: 'menu:read' },
      { key: 'system.apikeys', name: 'API keys', kind: 'page', routePath: '/system/api-keys', permissionCode: 'apikey:manage' },
      { key: 'system.loginlog', name: 'Login log', kind: 'page', routePath: '/system/login-log', permissionCode: 'loginlog:read' },
      { key: 'system.auditlog', name: 'Audit log', kind: 'page', routePath: '/system/audit-log', permissionCode: 'audit:read' },
    ],
  },
];
