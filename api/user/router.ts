/** Users: search within the data scope, CRUD, enable/disable, password reset, manager chain. */
import { PERMISSIONS as P } from '../../activities/permission/catalog';
import { IdParams, route, type RouteModule } from '../route';
import { z } from 'zod';
import { PageOf } from '../../common/pagination';
import {
  CreateUserInput,
  ManagerChainEntry,
  ManagerChainOptions,
  ResetPasswordInput,
  ResetPasswordResult,
  toUserView,
  UpdateUserInput,
  UserListQuery,
  UserView,
} from '../../activities/user/schema';

const UserPage = PageOf(UserView);
const ManagerChain = z.object({ userId: z.string(), items: z.array(ManagerChainEntry) });
/** The body is optional: an empty request asks for a generated temporary password. */
const ResetPasswordBody = ResetPasswordInput.optional();

export const usersModule: RouteModule = {
  prefix: '/api/v1/users',
  tag: 'Users',
  routes: [
    route({
      method: 'get',
      path: '/',
      summary: 'Search users within your data scope',
      description: 'Filters: q (name, username or email contains), departmentId (+ includeSubtree), status, positionId, roleId.',
      permission: P.userRead,
      query: UserListQuery,
      response: UserPage,
      handler: ({ rt, actor, query }) => rt.services.users.search(actor, query),
    }),
    route({
      method: 'post',
      path: '/',
      summary: 'Create a user',
      description: 'Checked as a whole before anything is written; 409 `user_quota_exceeded` when the tenant quota is used up.',
      permission: P.userCreate,
      body: CreateUserInput,
      status: 201,
      response: UserView,
      errors: [409],
      handler: async ({ rt, actor, body }) => toUserView(await rt.services.users.create(actor, body)),
    }),
    route({
      method: 'get',
      path: '/:id',
      summary: 'One user (404 outside your data scope)',
      permission: P.userRead,
      params: IdParams,
      response: UserView,
      errors: [404],
      handler: async ({ rt, actor, params }) => toUserView(await rt.services.users.getVisible(actor, params.id)),
    }),
    route({
      method: 'patch',
      path: '/:id',
      summary: "Change a user's profile, department or position",
      permission: P.userUpdate,
      params: IdParams,
      body: UpdateUserInput,
      response: UserView,
      errors: [404, 409],
      handler: ({ rt, actor, params, body }) => rt.services.users.update(actor, params.id, body),
    }),
    route({
      method: 'delete',
      path: '/:id',
      summary: 'Delete a user (soft: disabled, hidden, sessions revoked)',
      description: 'You cannot delete yourself (422 `cannot_delete_self`).',
      permission: P.userDelete,
      params: IdParams,
      status: 204,
      errors: [404],
      handler: ({ rt, actor, params }) => rt.services.users.remove(actor, params.id),
    }),
    route({
      method: 'post',
      path: '/:id/disable',
      summary: 'Disable a user and end their sessions',
      permission: P.userUpdate,
      params: IdParams,
      response: UserView,
      errors: [404],
      handler: ({ rt, actor, params }) => rt.services.users.disable(actor, params.id),
    }),
    route({
      method: 'post',
      path: '/:id/enable',
      summary: 'Enable a disabled user',
      permission: P.userUpdate,
      params: IdParams,
      response: UserView,
      errors: [404],
      handler: ({ rt, actor, params }) => rt.services.users.enable(actor, params.id),
    }),
    route({
      method: 'post',
      path: '/:id/reset-password',
      summary: "Reset a user's password and end their sessions",
      description: 'Send `newPassword`, or nothing to get a generated temporary password (returned only in this response).',
      permission: P.userResetPassword,
      params: IdParams,
      body: ResetPasswordBody,
      response: ResetPasswordResult,
      errors: [404],
      handler: ({ rt, actor, params, body }) => rt.services.users.resetPassword(actor, params.id, body ?? {}),
    }),
    route({
      method: 'get',
      path: '/:id/manager-chain',
      summary: "The user's managers, closest first (department heads up the tree)",
      permission: P.userRead,
      params: IdParams,
      query: ManagerChainOptions,
      response: ManagerChain,
      errors: [404],
      handler: async ({ rt, actor, params, query }) => ({ userId: params.id, items: await rt.services.orgChart.managerChain(actor, params.id, query) }),
    }),
  ],
};
