/**
 * Inputs, queries and views of the permission module (roles, assignments, menus). The routes
 * validate with them and OpenAPI is generated from them; the services take the parsed types and
 * return the views, so one definition serves all three.
 */
import { z } from 'zod';
import { PageQuery } from '../../common/pagination';
import { Name, QueryBool, SearchText, SortOrder, Uuid } from '../../common/schema';
import type { Menu, Role } from '../../db/entities';

const PermissionCodeString = z.string().trim().min(1).max(100);

export const DataScope = z.enum(['all', 'department', 'department_tree', 'self', 'custom']);

/* ───────────── permission catalogue ───────────── */

export const PermissionGroupView = z.object({
  module: z.string(),
  permissions: z.array(z.object({ code: z.string(), name: z.string(), description: z.string().nullable() })),
});

/* ───────────── roles ───────────── */

export const RoleCode = z
  .string()
  .trim()
  .min(2)
  .max(64)
  .regex(/^[a-z][a-z0-9_]*$/, 'lowercase letters, digits and underscore; starts with a letter');

const RoleFields = z.object({
  name: Name,
  description: z.string().trim().max(500).nullable().optional(),
  dataScope: DataScope,
  /** Permission codes; each must be in the catalogue. Duplicates are ignored. */
  permissions: z.array(PermissionCodeString).max(200),
  /** Departments of a `custom` data scope: required then, refused otherwise. */
  departmentIds: z.array(Uuid).max(500).optional(),
});

export const CreateRoleInput = RoleFields.extend({ code: RoleCode });
export type CreateRoleInput = z.output<typeof CreateRoleInput>;

/** Full replacement of everything but the code: the permission set and departments are replaced as a whole. */
export const UpdateRoleInput = RoleFields;
export type UpdateRoleInput = z.output<typeof UpdateRoleInput>;

export const RoleListQuery = PageQuery.extend({
  /** Contained in the code or the name. */
  q: SearchText,
});
export type RoleListQuery = z.output<typeof RoleListQuery>;

export const DeleteRoleQuery = z.object({
  /** Also remove the role from every user holding it (needs `role:assign` too). */
  force: QueryBool.default(false),
});

export const RoleView = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  dataScope: DataScope,
  builtin: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RoleView = z.infer<typeof RoleView>;

export const RoleDetailView = RoleView.extend({
  permissions: z.array(z.string()),
  departmentIds: z.array(z.string()),
});
export type RoleDetailView = z.infer<typeof RoleDetailView>;

export const toRoleView = (r: Role): RoleView => ({
  id: r.id,
  code: r.code,
  name: r.name,
  description: r.description,
  dataScope: r.dataScope,
  builtin: r.builtin,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

export const SetUserRolesInput = z.object({ roleIds: z.array(Uuid).max(50) });
export const AddMembersInput = z.object({ userIds: z.array(Uuid).min(1).max(200) });

export const UserRolesView = z.object({ userId: z.string(), roles: z.array(RoleView) });
export const AddMembersView = z.object({ added: z.array(z.string()) });

/* ───────────── menus ───────────── */

export const MenuKind = z.enum(['directory', 'page', 'button']);

const MenuKey = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash and underscore');

export const CreateMenuInput = z.object({
  key: MenuKey,
  name: Name,
  kind: MenuKind.default('page'),
  parentId: Uuid.nullable().default(null),
  routePath: z.string().trim().min(1).max(255).nullable().default(null),
  icon: z.string().trim().min(1).max(64).nullable().default(null),
  /** Shown only to holders of this catalogue permission; null = shown to everyone. */
  permissionCode: PermissionCodeString.nullable().default(null),
  sortOrder: SortOrder.default(0),
  visible: z.boolean().default(true),
});
export type CreateMenuInput = z.output<typeof CreateMenuInput>;

/** Partial update; `parentId: null` moves the entry to the top level. */
export const UpdateMenuInput = z
  .object({
    key: MenuKey,
    name: Name,
    kind: MenuKind,
    parentId: Uuid.nullable(),
    routePath: z.string().trim().min(1).max(255).nullable(),
    icon: z.string().trim().min(1).max(64).nullable(),
    permissionCode: PermissionCodeString.nullable(),
    sortOrder: SortOrder,
    visible: z.boolean(),
  })
  .partial();
export type UpdateMenuInput = z.output<typeof UpdateMenuInput>;

export const MenuListQuery = PageQuery.extend({
  /** Only the direct children of this entry (`root` = top-level entries). */
  parentId: z.union([z.literal('root'), Uuid]).optional(),
});
export type MenuListQuery = z.output<typeof MenuListQuery>;

export const MenuView = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  key: z.string(),
  name: z.string(),
  kind: MenuKind,
  routePath: z.string().nullable(),
  icon: z.string().nullable(),
  permissionCode: z.string().nullable(),
  sortOrder: z.number().int(),
  visible: z.boolean(),
});
export type MenuView = z.infer<typeof MenuView>;

export const MenuNode = MenuView.extend({
  get children() {
    return z.array(MenuNode);
  },
});
export type MenuNode = z.infer<typeof MenuNode>;

export const toMenuView = (m: Menu): MenuView => ({
  id: m.id,
  parentId: m.parentId,
  key: m.key,
  name: m.name,
  kind: m.kind,
  routePath: m.routePath,
  icon: m.icon,
  permissionCode: m.permissionCode,
  sortOrder: m.sortOrder,
  visible: m.visible,
});

export const MenuTreeView = z.object({ items: z.array(MenuNode) });
