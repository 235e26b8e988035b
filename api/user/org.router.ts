/** Organisation structure: the caller's tenant, the department tree, positions. */
import { PERMISSIONS as P } from '../../activities/permission/catalog';
import { IdParams, route, type RouteModule } from '../route';
import { z } from 'zod';
import { PageOf } from '../../common/pagination';
import {
  CreateDepartmentInput,
  CreatePositionInput,
  DepartmentListQuery,
  DepartmentTreeNode,
  DepartmentView,
  MembersQuery,
  MoveDepartmentInput,
  PositionListQuery,
  PositionView,
  TenantView,
  toDepartmentView,
  toPositionView,
  UpdateDepartmentInput,
  UpdatePositionInput,
  UpdateTenantInput,
  UserView,
} from '../../activities/user/schema';

const DepartmentPage = PageOf(DepartmentView);
const PositionPage = PageOf(PositionView);
const UserPage = PageOf(UserView);
const DepartmentTree = z.object({ items: z.array(DepartmentTreeNode) });
const DepartmentSubtree = z.object({
  rootId: z.string(),
  /** The department itself first, then its descendants by depth. */
  items: z.array(DepartmentView),
});

export const tenantsModule: RouteModule = {
  prefix: '/api/v1/tenant',
  tag: 'Tenant',
  routes: [
    route({
      method: 'get',
      path: '/',
      summary: "The current tenant, with its package's user quota and how much of it is used",
      permission: P.tenantRead,
      response: TenantView,
      handler: ({ rt, actor }) => rt.services.tenants.current(actor),
    }),
    route({
      method: 'patch',
      path: '/',
      summary: 'Change the tenant name or time zone',
      description: "The quotas are the package's, which only a platform operator assigns: `userQuota` is refused (422 at `body.userQuota`). All quotas and their usage: GET /api/v1/tenant/usage.",
      permission: P.tenantUpdate,
      body: UpdateTenantInput,
      response: TenantView,
      handler: ({ rt, actor, body }) => rt.services.tenants.update(actor, body),
    }),
  ],
};

export const departmentsModule: RouteModule = {
  prefix: '/api/v1/departments',
  tag: 'Departments',
  // `/tree` is declared before `/:id` so it is not taken for an id.
  routes: [
    route({
      method: 'get',
      path: '/',
      summary: 'List departments (flat, paginated)',
      permission: P.departmentRead,
      query: DepartmentListQuery,
      response: DepartmentPage,
      handler: ({ rt, actor, query }) => rt.services.departments.list(actor, query),
    }),
    route({
      method: 'get',
      path: '/tree',
      summary: 'The whole department tree, children sorted by sortOrder then name',
      permission: P.departmentRead,
      response: DepartmentTree,
      handler: async ({ rt, actor }) => ({ items: await rt.services.departments.tree(actor) }),
    }),
    route({
      method: 'post',
      path: '/',
      summary: 'Create a department (its code, D0001-style, is generated)',
      permission: P.departmentWrite,
      body: CreateDepartmentInput,
      status: 201,
      response: DepartmentView,
      handler: ({ rt, actor, body }) => rt.services.departments.create(actor, body),
    }),
    route({
      method: 'get',
      path: '/:id',
      summary: 'One department',
      permission: P.departmentRead,
      params: IdParams,
      response: DepartmentView,
      errors: [404],
      handler: async ({ rt, actor, params }) => toDepartmentView(await rt.services.departments.get(actor, params.id)),
    }),
    route({
      method: 'patch',
      path: '/:id',
      summary: 'Rename a department, change its head or sort order',
      description: 'To change the parent use POST /departments/{id}/move.',
      permission: P.departmentWrite,
      params: IdParams,
      body: UpdateDepartmentInput,
      response: DepartmentView,
      errors: [404],
      handler: ({ rt, actor, params, body }) => rt.services.departments.update(actor, params.id, body),
    }),
    route({
      method: 'post',
      path: '/:id/move',
      summary: 'Move a department (with its subtree) under another parent, or to the top',
      description: 'Moving under itself or a descendant is refused (422 `department_cycle`).',
      permission: P.departmentWrite,
      params: IdParams,
      body: MoveDepartmentInput,
      response: DepartmentView,
      errors: [404],
      handler: ({ rt, actor, params, body }) => rt.services.departments.move(actor, params.id, body),
    }),
    route({
      method: 'delete',
      path: '/:id',
      summary: 'Delete an empty department',
      description: 'Refused while it has sub-departments or users (409 `department_not_empty`).',
      permission: P.departmentWrite,
      params: IdParams,
      status: 204,
      errors: [404, 409],
      handler: ({ rt, actor, params }) => rt.services.departments.remove(actor, params.id),
    }),
    route({
      method: 'get',
      path: '/:id/subtree',
      summary: 'A department and every department below it',
      permission: P.departmentRead,
      params: IdParams,
      response: DepartmentSubtree,
      errors: [404],
      handler: async ({ rt, actor, params }) => ({ rootId: params.id, items: await rt.services.departments.subtree(actor, params.id) }),
    }),
    route({
      method: 'get',
      path: '/:id/members',
      summary: 'Users of a department (optionally with its subtree), within your data scope',
      // Members are user records, so this needs user:read and honours the data scope like /users.
      permission: P.userRead,
      params: IdParams,
      query: MembersQuery,
      response: UserPage,
      errors: [404],
      handler: async ({ rt, actor, params, query }) => {
        await rt.services.departments.get(actor, params.id);
        return rt.services.users.search(actor, { ...query, departmentId: params.id, sort: 'displayName', order: 'asc' });
      },
    }),
  ],
};

export const positionsModule: RouteModule = {
  prefix: '/api/v1/positions',
  tag: 'Positions',
  routes: [
    route({
      method: 'get',
      path: '/',
      summary: 'List positions (by rank)',
      permission: P.positionRead,
      query: PositionListQuery,
      response: PositionPage,
      handler: ({ rt, actor, query }) => rt.services.positions.list(actor, query),
    }),
    route({
      method: 'post',
      path: '/',
      summary: 'Create a position',
      permission: P.positionWrite,
      body: CreatePositionInput,
      status: 201,
      response: PositionView,
      errors: [409],
      handler: ({ rt, actor, body }) => rt.services.positions.create(actor, body),
    }),
    route({
      method: 'get',
      path: '/:id',
      summary: 'One position',
      permission: P.positionRead,
      params: IdParams,
      response: PositionView,
      errors: [404],
      handler: async ({ rt, actor, params }) => toPositionView(await rt.services.positions.get(actor, params.id)),
    }),
    route({
      method: 'patch',
      path: '/:id',
      summary: 'Change a position',
      permission: P.positionWrite,
      params: IdParams,
      body: UpdatePositionInput,
      response: PositionView,
      errors: [404, 409],
      handler: ({ rt, actor, params, body }) => rt.services.positions.update(actor, params.id, body),
    }),
    route({
      method: 'delete',
      path: '/:id',
      summary: 'Delete a position nobody holds',
      description: 'Refused while users hold it (409 `position_in_use`).',
      permission: P.positionWrite,
      params: IdParams,
      status: 204,
      errors: [404, 409],
      handler: ({ rt, actor, params }) => rt.services.positions.remove(actor, params.id),
    }),
  ],
};
