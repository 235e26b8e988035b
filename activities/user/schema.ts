/**
 * User-module shapes shared by the API (validation + OpenAPI), the services and the provisioning
 * workflow's input: one definition, so they cannot drift apart.
 */
import { z } from 'zod';
import { TENANT_STATUSES, type Department, type Package, type Position, type Tenant, type User } from '../../db/entities';
import { PageQuery } from '../../common/pagination';
import { iso, Name, QueryBool, SearchText, SortOrder, Uuid } from '../../common/schema';

// ---------------------------------------------------------------- tenant

/**
 * A valid IANA zone, stored in its canonical spelling (`europe/paris` → `Europe/Paris`).
 * `Intl.supportedValuesOf('timeZone')` omits aliases such as `UTC`, so the formatter decides.
 */
export const TimeZone = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .transform((tz, ctx) => {
    try {
      return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not a known IANA time zone (e.g. Europe/Paris)' });
      return z.NEVER;
    }
  });

export const UpdateTenantInput = z
  .strictObject({
    name: Name.optional(),
    timeZone: TimeZone.optional(),
    /**
     * Refused: the user quota is the package's, which only a platform operator assigns (a tenant
     * admin raising their own quota would defeat it). Kept in the schema only to say so clearly.
     */
    userQuota: z
      .unknown()
      .optional()
      .superRefine((v, ctx) => {
        if (v !== undefined) ctx.addIssue({ code: 'custom', message: "the user quota comes from the tenant's package, which only a platform operator can change (GET /api/v1/tenant/usage shows it)" });
      })
      .describe('Not accepted: the quota comes from the package'),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'send at least one field to change' });
export type UpdateTenantInput = z.input<typeof UpdateTenantInput>;

export const TenantView = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  status: z.enum(TENANT_STATUSES),
  timeZone: z.string(),
  /** The package's user quota (null: unlimited); all quotas: GET /api/v1/tenant/usage. */
  userQuota: z.number().int().nullable(),
  package: z.object({ code: z.string(), name: z.string() }),
  /** Non-deleted users, the number the quota is compared with. */
  usersCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TenantView = z.infer<typeof TenantView>;

export const toTenantView = (t: Tenant, pkg: Package, usersCount: number): TenantView => ({
  id: t.id,
  code: t.code,
  name: t.name,
  status: t.status,
  timeZone: t.timeZone,
  userQuota: pkg.maxUsers,
  package: { code: pkg.code, name: pkg.name },
  usersCount,
  createdAt: t.createdAt.toISOString(),
  updatedAt: t.updatedAt.toISOString(),
});

// ---------------------------------------------------------------- departments

/** Deepest allowed `depth` (0 = a root). Keeps paths far below the column's 18-level room. */
export const MAX_DEPARTMENT_DEPTH = 15;

export const CreateDepartmentInput = z.strictObject({
  name: Name,
  parentId: Uuid.nullable().optional(),
  headUserId: Uuid.nullable().optional(),
  sortOrder: SortOrder.default(0),
});
export type CreateDepartmentInput = z.input<typeof CreateDepartmentInput>;

/** Strict: `parentId` here is refused, re-parenting goes through `move` (subtree paths change). */
export const UpdateDepartmentInput = z
  .strictObject({
    name: Name.optional(),
    headUserId: Uuid.nullable().optional(),
    sortOrder: SortOrder.optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'send at least one field to change' });
export type UpdateDepartmentInput = z.input<typeof UpdateDepartmentInput>;

export const MoveDepartmentInput = z.strictObject({
  /** New parent, or null to make the department a root. */
  parentId: Uuid.nullable(),
});
export type MoveDepartmentInput = z.input<typeof MoveDepartmentInput>;

export const DepartmentListQuery = PageQuery.extend({
  parentId: Uuid.optional(),
  /** Case-insensitive "name contains". */
  q: SearchText,
});
export type DepartmentListQuery = z.output<typeof DepartmentListQuery>;

export const DepartmentView = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  parentId: z.string().nullable(),
  depth: z.number().int(),
  headUserId: z.string().nullable(),
  sortOrder: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DepartmentView = z.infer<typeof DepartmentView>;

export const toDepartmentView = (d: Department): DepartmentView => ({
  id: d.id,
  code: d.code,
  name: d.name,
  parentId: d.parentId,
  depth: d.depth,
  headUserId: d.headUserId,
  sortOrder: d.sortOrder,
  createdAt: d.createdAt.toISOString(),
  updatedAt: d.updatedAt.toISOString(),
});

export type DepartmentTreeNode = DepartmentView & { children: DepartmentTreeNode[] };
export const DepartmentTreeNode: z.ZodType<DepartmentTreeNode> = DepartmentView.extend({
  get children() {
    return z.array(DepartmentTreeNode);
  },
});

// ---------------------------------------------------------------- positions

const PositionCode = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, dot, dash and underscore; starts with a letter or digit');
const Rank = z.number().int().min(0).max(10_000);

export const CreatePositionInput = z.strictObject({
  code: PositionCode,
  name: Name,
  /** Lower = more senior. */
  rank: Rank.default(100),
});
export type CreatePositionInput = z.input<typeof CreatePositionInput>;

export const UpdatePositionInput = z
  .strictObject({ code: PositionCode.optional(), name: Name.optional(), rank: Rank.optional() })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'send at least one field to change' });
export type UpdatePositionInput = z.input<typeof UpdatePositionInput>;

export const PositionListQuery = PageQuery.extend({ q: SearchText });
export type PositionListQuery = z.output<typeof PositionListQuery>;

export const PositionView = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  rank: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PositionView = z.infer<typeof PositionView>;

export const toPositionView = (p: Position): PositionView => ({
  id: p.id,
  code: p.code,
  name: p.name,
  rank: p.rank,
  createdAt: p.createdAt.toISOString(),
  updatedAt: p.updatedAt.toISOString(),
});

// ---------------------------------------------------------------- users

export const Username = z
  .string()
  .trim()
  .min(3)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, dot, dash and underscore; starts with a letter or digit');

export const Email = z.string().trim().toLowerCase().email().max(254);

const Phone = z.string().trim().max(32).nullable();

export const CreateUserInput = z.object({
  username: Username,
  email: Email,
  displayName: Name,
  /**
   * Optional initial password; without one the user must be given one by reset or activation. Its
   * length and characters are the tenant's password policy's to judge (422 `weak_password`).
   */
  password: z.string().min(1).max(256).optional(),
  departmentId: Uuid.nullable().optional(),
  positionId: Uuid.nullable().optional(),
  phone: Phone.optional(),
  roleIds: z.array(Uuid).max(50).default([]),
});
export type CreateUserInput = z.input<typeof CreateUserInput>;

/** Username and roles are not editable here (roles: the permission module's assignment endpoints). */
export const UpdateUserInput = z
  .strictObject({
    displayName: Name.optional(),
    email: Email.optional(),
    phone: Phone.optional(),
    departmentId: Uuid.nullable().optional(),
    positionId: Uuid.nullable().optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'send at least one field to change' });
export type UpdateUserInput = z.input<typeof UpdateUserInput>;

export const ResetPasswordInput = z.strictObject({
  /** Omit to have a strong temporary password generated and returned once. */
  newPassword: z.string().max(256).optional(),
});
export type ResetPasswordInput = z.input<typeof ResetPasswordInput>;

export const ResetPasswordResult = z.object({
  userId: z.string(),
  /** Present only when the server generated the password; it is not stored or shown again. */
  temporaryPassword: z.string().optional(),
});
export type ResetPasswordResult = z.infer<typeof ResetPasswordResult>;

export const UserSort = z.enum(['createdAt', 'username', 'displayName']);

export const UserListQuery = PageQuery.extend({
  /** Case-insensitive "contains" over display name, username and email. */
  q: SearchText,
  departmentId: Uuid.optional(),
  /** With departmentId: also users of every department below it. */
  includeSubtree: QueryBool.default(false),
  status: z.enum(['active', 'disabled']).optional(),
  positionId: Uuid.optional(),
  roleId: Uuid.optional(),
  sort: UserSort.default('createdAt'),
  order: z.enum(['asc', 'desc']).default('asc'),
});
export type UserListQuery = z.output<typeof UserListQuery>;

export const MembersQuery = PageQuery.extend({ includeSubtree: QueryBool.default(false) });
export type MembersQuery = z.output<typeof MembersQuery>;

export const UserView = z.object({
  id: z.string(),
  username: z.string(),
  email: z.string(),
  displayName: z.string(),
  status: z.enum(['active', 'disabled']),
  departmentId: z.string().nullable(),
  positionId: z.string().nullable(),
  phone: z.string().nullable(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type UserView = z.infer<typeof UserView>;

export const toUserView = (u: User): UserView => ({
  id: u.id,
  username: u.username,
  email: u.email,
  displayName: u.displayName,
  status: u.status,
  departmentId: u.departmentId,
  positionId: u.positionId,
  phone: u.phone,
  lastLoginAt: iso(u.lastLoginAt),
  createdAt: u.createdAt.toISOString(),
  updatedAt: u.updatedAt.toISOString(),
});

// ---------------------------------------------------------------- manager chain

export const ManagerChainOptions = z.object({
  /** Stop after this many managers. */
  maxLevels: z.coerce.number().int().min(1).max(MAX_DEPARTMENT_DEPTH + 1).optional(),
  /** Stop at (and include) the first manager holding the role with this code. */
  stopAtRoleCode: z.string().trim().min(1).max(64).optional(),
});
export type ManagerChainOptions = z.input<typeof ManagerChainOptions>;

export const ManagerChainEntry = z.object({
  /** 1 = the closest manager. */
  level: z.number().int(),
  userId: z.string(),
  /** The department this manager heads (the reason they are in the chain). */
  departmentId: z.string(),
});
export type ManagerChainEntry = z.infer<typeof ManagerChainEntry>;
