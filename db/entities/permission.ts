/** Permission module: permission catalogue, roles with data scopes, assignments, menus. */
import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import { createdAtColumn, idColumn, refColumn, tenantColumn, updatedAtColumn } from './base';

/** The product's permission catalogue (global: codes are defined by the product, not tenants). */
export class Permission {
  [OptionalProps]?: 'description';
  /** `module:action`, e.g. `user:create`. */
  code!: string;
  name!: string;
  module!: string;
  description: string | null = null;
}

export const PermissionSchema = new EntitySchema<Permission>({
  class: Permission,
  tableName: 'permissions',
  properties: {
    code: { type: 'string', length: 100, primary: true },
    name: { type: 'string', length: 200 },
    module: { type: 'string', length: 64 },
    description: { type: 'string', length: 500, nullable: true },
  },
});

/** Which rows a role may see: every row, own department, department and below, own rows, or listed departments. */
export type DataScope = 'all' | 'department' | 'department_tree' | 'self' | 'custom';

export class Role {
  [OptionalProps]?: 'description' | 'dataScope' | 'builtin' | 'createdAt' | 'updatedAt';
  id!: string;
  tenantId!: string;
  code!: string;
  name!: string;
  description: string | null = null;
  dataScope: DataScope = 'self';
  /** Built-in roles (tenant admin) cannot be deleted. */
  builtin = false;
  createdAt = new Date();
  updatedAt = new Date();
}

export const RoleSchema = new EntitySchema<Role>({
  class: Role,
  tableName: 'roles',
  uniques: [{ name: 'roles_tenant_code_unique', properties: ['tenantId', 'code'] }],
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    code: { type: 'string', length: 64 },
    name: { type: 'string', length: 200 },
    description: { type: 'string', length: 500, nullable: true },
    dataScope: { type: 'string', length: 32 },
    builtin: { type: 'boolean' },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});

export class RolePermission {
  id!: string;
  tenantId!: string;
  roleId!: string;
  permissionCode!: string;
}

export const RolePermissionSchema = new EntitySchema<RolePermission>({
  class: RolePermission,
  tableName: 'role_permissions',
  uniques: [{ name: 'role_permissions_role_code_unique', properties: ['roleId', 'permissionCode'] }],
  indexes: [{ name: 'role_permissions_tenant_idx', properties: ['tenantId'] }],
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    roleId: refColumn(),
    permissionCode: { type: 'string', length: 100 },
  },
});

/** Departments of a role whose data scope is `custom`. */
export class RoleDepartment {
  id!: string;
  tenantId!: string;
  roleId!: string;
  departmentId!: string;
}

export const RoleDepartmentSchema = new EntitySchema<RoleDepartment>({
  class: RoleDepartment,
  tableName: 'role_departments',
  uniques: [{ name: 'role_departments_role_dept_unique', properties: ['roleId', 'departmentId'] }],
  indexes: [{ name: 'role_departments_tenant_idx', properties: ['tenantId'] }],
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    roleId: refColumn(),
    departmentId: refColumn(),
  },
});

export class UserRole {
  [OptionalProps]?: 'grantedBy' | 'createdAt';
  id!: string;
  tenantId!: string;
  userId!: string;
  roleId!: string;
  /** Set when a saga granted the role, so its compensation removes only what it added. */
  grantedBy: string | null = null;
  createdAt = new Date();
}

export const UserRoleSchema = new EntitySchema<UserRole>({
  class: UserRole,
  tableName: 'user_roles',
  uniques: [{ name: 'user_roles_user_role_unique', properties: ['userId', 'roleId'] }],
  indexes: [
    { name: 'user_roles_tenant_role_idx', properties: ['tenantId', 'roleId'] },
  ],
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    userId: refColumn(),
    roleId: refColumn(),
    grantedBy: { type: 'string', length: 200, nullable: true },
    createdAt: createdAtColumn,
  },
});

export type MenuKind = 'directory' | 'page' | 'button';

/** Navigation tree per tenant; an entry bound to a permission is shown only to holders of it. */
export class Menu {
  [OptionalProps]?: 'parentId' | 'kind' | 'routePath' | 'icon' | 'permissionCode' | 'sortOrder' | 'visible' | 'createdAt' | 'updatedAt';
  id!: string;
  tenantId!: string;
  parentId: string | null = null;
  /** Stable key so seeding is idempotent (`system.users`). */
  key!: string;
  name!: string;
  kind: MenuKind = 'page';
  routePath: string | null = null;
  icon: string | null = null;
  permissionCode: string | null = null;
  sortOrder = 0;
  visible = true;
  createdAt = new Date();
  updatedAt = new Date();
}

export const MenuSchema = new EntitySchema<Menu>({
  class: Menu,
  tableName: 'menus',
  uniques: [{ name: 'menus_tenant_key_unique', properties: ['tenantId', 'key'] }],
  indexes: [{ name: 'menus_tenant_parent_idx', properties: ['tenantId', 'parentId'] }],
  properties: {
    id: idColumn,
    tenantId: tenantColumn,
    parentId: refColumn(true),
    key: { type: 'string', length: 100 },
    name: { type: 'string', length: 200 },
    kind: { type: 'string', length: 16 },
    routePath: { type: 'string', length: 255, nullable: true },
    icon: { type: 'string', length: 64, nullable: true },
    permissionCode: { type: 'string', length: 100, nullable: true },
    sortOrder: { type: 'integer' },
    visible: { type: 'boolean' },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});
