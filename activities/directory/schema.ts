/**
 * The people directory: what any employee may see of their colleagues and of the department
 * tree, so they can pick a person (transfer, delegate, add a signer, `user` form fields,
 * approvers chosen by the initiator) without holding `user:read`. Contact details are shown
 * only to callers whose permissions already let them read users.
 */
import { z } from 'zod';
import { PageQuery } from '../../common/pagination';
import { QueryBool, SearchText, Uuid } from '../../common/schema';

export const DirectoryQuery = PageQuery.extend({
  /** Case-insensitive "contains" over display name and username. */
  q: SearchText,
  departmentId: Uuid.optional(),
  /** With departmentId: also colleagues of every department below it. */
  includeSubtree: QueryBool.default(false),
});
export type DirectoryQuery = z.output<typeof DirectoryQuery>;

export const DirectoryPerson = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  departmentId: z.string().nullable(),
  departmentName: z.string().nullable(),
  positionId: z.string().nullable(),
  positionName: z.string().nullable(),
  /** Only for callers holding `user:read`; absent otherwise. */
  email: z.string().optional(),
  phone: z.string().nullable().optional(),
});
export type DirectoryPerson = z.infer<typeof DirectoryPerson>;

export interface DirectoryDepartment {
  id: string;
  name: string;
  parentId: string | null;
  children: DirectoryDepartment[];
}

/** Names only: the tree a picker shows, without heads, codes or anything an admin edits. */
export const DirectoryDepartment: z.ZodType<DirectoryDepartment> = z.lazy(() =>
  z.object({ id: z.string(), name: z.string(), parentId: z.string().nullable(), children: z.array(DirectoryDepartment) }),
);
