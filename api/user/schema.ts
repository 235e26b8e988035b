/**
 * HTTP shapes of the user module. Domain inputs and views live in activities/user/schema.ts
 * (the services and workflows use them too); this file adds what only the API needs.
 */
import { z } from 'zod';
import { PageOf } from '../../common/pagination';
import {
  DepartmentTreeNode,
  DepartmentView,
  ManagerChainEntry,
  PositionView,
  ResetPasswordInput,
  UserView,
} from '../../activities/user/schema';

export {
  CreateDepartmentInput,
  CreatePositionInput,
  CreateUserInput,
  DepartmentListQuery,
  DepartmentView,
  ManagerChainOptions,
  MembersQuery,
  MoveDepartmentInput,
  PositionListQuery,
  PositionView,
  ResetPasswordResult,
  TenantView,
  toDepartmentView,
  toPositionView,
  toUserView,
  UpdateDepartmentInput,
  UpdatePositionInput,
  UpdateTenantInput,
  UpdateUserInput,
  UserListQuery,
  UserView,
} from '../../activities/user/schema';

export const DepartmentPage = PageOf(DepartmentView);
export const PositionPage = PageOf(PositionView);
export const UserPage = PageOf(UserView);

export const DepartmentTree = z.object({ items: z.array(DepartmentTreeNode) });

export const DepartmentSubtree = z.object({
  rootId: z.string(),
  /** The department itself first, then its descendants by depth. */
  items: z.array(DepartmentView),
});

export const ManagerChain = z.object({ userId: z.string(), items: z.array(ManagerChainEntry) });

/** The body is optional: an empty request asks for a generated temporary password. */
export const ResetPasswordBody = ResetPasswordInput.optional();
