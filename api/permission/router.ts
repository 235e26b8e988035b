/**
 * HTTP surface of the permission module: the permission catalogue, roles and their members,
 * a user's role set, the menu tree, and the caller's own menu. Handlers only translate HTTP to
 * service calls; rules live in the services so workflows and the API share them.
 */
import { z } from 'zod';
import { PageOf, PageQuery } from '../../common/pagination';
import { Uuid } from '../../common/schema';
import { PERMISSIONS } from '../../activities/permission/catalog';
import { UserView } from '../../activities/user/schema';
import { IdParams, route, type RouteModule } from '../route';
import {
  AddMembersInput,
  AddMembersView,
  CreateMenuInput,
  CreateRoleInput,
  DeleteRoleQuery,
  MenuListQuery,
  MenuTreeView,
  MenuView,
  PermissionGroupView,
  RoleDetailView,
  RoleListQuery,
  RoleView,
  SetUserRolesInput,
  UpdateMenuInput,
  UpdateRoleInput,
  UserRolesView,
} from '../../activities/permission/schema';

const RoleMemberParams = z.object({ id: Uuid, userId: Uuid });
const UserIdParams = z.object({ userId: Uuid });

export const permissionsModule: RouteModule = {
  prefix: '/api/v1/permissions',
  tag: 'Permissions',
  routes: [
    route({
      method: 'get',
      path: '/',
      summary: 'The permission catalogue, grouped by module',
      description: 'Paginated over modules, so a module\'s permissions always arrive together.',
      permission: PERMISSIONS.roleRead,
      query: PageQuery,
      response: PageOf(PermissionGroupView),
      handler: ({ rt, actor, query }) => rt.services.permissions.catalogue(actor, query),
    }),
  ],
};

export const rolesModule: RouteModule = {
  prefix: '/api/v1/roles',
  tag: 'Roles',
  routes: [
    route({
      method: 'get',
      path: '/',
      summary: 'List roles',
      permission: PERMISSIONS.roleRead,
      query: RoleListQuery,
      response: PageOf(RoleView),
      handler: ({ rt, actor, query }) => rt.services.roles.list(actor, query),
    }),
    route({
      method: 'post',
      path: '/',
      summary: 'Create a role',
      description: 'Permission codes must be in the catalogue and held by the caller; departmentIds are required for, and only for, dataScope "custom".',
      permission: PERMISSIONS.roleWrite,
      status: 201,
      body: CreateRoleInput,
      response: RoleDetailView,
      errors: [409],
      handler: ({ rt, actor, body }) => rt.services.roles.create(actor, body),
    }),
    route({
      method: 'get',
      path: '/:id',
      summary: 'A role with its permission codes and custom departments',
      permission: PERMISSIONS.roleRead,
      params: IdParams,
      response: RoleDetailView,
      errors: [404],
      handler: ({ rt, actor, params }) => rt.services.roles.get(actor, params.id),
    }),
    route({
      method: 'put',
      path: '/:id',
      summary: 'Replace a role (everything but its code)',
      description: 'The permission set and departments are replaced atomically; holders see the change on their next request.',
      permission: PERMISSIONS.roleWrite,
      params: IdParams,
      body: UpdateRoleInput,
      response: RoleDetailView,
      errors: [404, 409],
      handler: ({ rt, actor, params, body }) => rt.services.roles.update(actor, params.id, body),
    }),
    route({
      method: 'delete',
      path: '/:id',
      summary: 'Delete a role',
      description: 'Built-in roles: 409 role_builtin. Roles still held: 409 role_in_use, unless force=true (which also needs role:assign and removes the assignments).',
      permission: PERMISSIONS.roleWrite,
      params: IdParams,
      query: DeleteRoleQuery,
      status: 204,
      errors: [404, 409],
      handler: ({ rt, actor, params, query }) => rt.services.roles.remove(actor, params.id, { force: query.force }),
    }),
    route({
      method: 'get',
      path: '/:id/users',
      summary: 'Users holding the role',
      description: 'Also needs user:read; limited to the caller\'s data scope.',
      permission: PERMISSIONS.roleRead,
      params: IdParams,
      query: PageQuery,
      response: PageOf(UserView),
      errors: [404],
      handler: ({ rt, actor, params, query }) => rt.services.roles.members(actor, params.id, query),
    }),
    route({
      method: 'post',
      path: '/:id/users',
      summary: 'Give the role to users',
      description: 'Users who already hold it are left alone; `added` lists the users who got it now.',
      permission: PERMISSIONS.roleAssign,
      params: IdParams,
      body: AddMembersInput,
      response: AddMembersView,
      errors: [404],
      handler: async ({ rt, actor, params, body }) => ({ added: await rt.services.roles.addMembers(actor, params.id, body.userIds) }),
    }),
    route({
      method: 'delete',
      path: '/:id/users/:userId',
      summary: 'Take the role from a user',
      description: 'You cannot take tenant_admin from yourself (422 cannot_remove_own_admin).',
      permission: PERMISSIONS.roleAssign,
      params: RoleMemberParams,
      status: 204,
      errors: [404],
      handler: ({ rt, actor, params }) => rt.services.roles.removeMember(actor, params.id, params.userId),
    }),
  ],
};

/** Role assignment seen from the user: lives under /users but belongs to the permission module. */
export const userRolesModule: RouteModule = {
  prefix: '/api/v1/users',
  tag: 'Roles',
  routes: [
    route({
      method: 'put',
      path: '/:userId/roles',
      summary: "Replace a user's roles",
      description: 'One transaction. You cannot take tenant_admin from yourself (422 cannot_remove_own_admin).',
      permission: PERMISSIONS.roleAssign,
      params: UserIdParams,
      body: SetUserRolesInput,
      response: UserRolesView,
      errors: [404],
      handler: ({ rt, actor, params, body }) => rt.services.roles.setUserRoles(actor, params.userId, body.roleIds),
    }),
  ],
};

export const menusModule: RouteModule = {
  prefix: '/api/v1/menus',
  tag: 'Menus',
  routes: [
    route({
      method: 'get',
      path: '/',
      summary: 'List menu entries (flat)',
      permission: PERMISSIONS.menuRead,
      query: MenuListQuery,
      response: PageOf(MenuView),
      handler: ({ rt, actor, query }) => rt.services.menus.list(actor, query),
    }),
    // Declared before `/:id` so `tree` is never taken for an id.
    route({
      method: 'get',
      path: '/tree',
      summary: 'The whole menu tree, hidden entries included',
      permission: PERMISSIONS.menuRead,
      response: MenuTreeView,
      handler: async ({ rt, actor }) => ({ items: await rt.services.menus.tree(actor) }),
    }),
    route({
      method: 'get',
      path: '/:id',
      summary: 'A menu entry',
      permission: PERMISSIONS.menuRead,
      params: IdParams,
      response: MenuView,
      errors: [404],
      handler: ({ rt, actor, params }) => rt.services.menus.get(actor, params.id),
    }),
    route({
      method: 'post',
      path: '/',
      summary: 'Create a menu entry',
      permission: PERMISSIONS.menuWrite,
      status: 201,
      body: CreateMenuInput,
      response: MenuView,
      errors: [409],
      handler: ({ rt, actor, body }) => rt.services.menus.create(actor, body),
    }),
    route({
      method: 'patch',
      path: '/:id',
      summary: 'Change a menu entry (also moves it: parentId)',
      description: 'Moving an entry below itself is refused (422 menu_cycle).',
      permission: PERMISSIONS.menuWrite,
      params: IdParams,
      body: UpdateMenuInput,
      response: MenuView,
      errors: [404, 409],
      handler: ({ rt, actor, params, body }) => rt.services.menus.update(actor, params.id, body),
    }),
    route({
      method: 'delete',
      path: '/:id',
      summary: 'Delete a menu entry without children',
      permission: PERMISSIONS.menuWrite,
      params: IdParams,
      status: 204,
      errors: [404, 409],
      handler: ({ rt, actor, params }) => rt.services.menus.remove(actor, params.id),
    }),
  ],
};

export const myMenusModule: RouteModule = {
  prefix: '/api/v1/me',
  tag: 'Me',
  routes: [
    route({
      method: 'get',
      path: '/menus',
      apiKey: 'workspace:read',
      summary: "The caller's menu",
      description: 'Visible entries without a permission or with one the caller holds; directories left empty are dropped; sorted by sortOrder.',
      response: MenuTreeView,
      handler: async ({ rt, actor }) => ({ items: await rt.services.menus.myMenus(actor) }),
    }),
  ],
};

