/** Packages and quotas: contracts and views (platform operators' and tenant admins'). */
import { z } from 'zod';
import { PageQuery } from '../../common/pagination';
import { Name, SearchText } from '../../common/schema';
import type { Package } from '../../db/entities';

/**
 * The quotas a package sets, by the one name each has everywhere (package bodies, usage views,
 * the `quota` member of 409 `quota_exceeded` / `quota_below_usage`).
 */
export const QUOTAS = ['users', 'templates', 'storageBytes', 'apiRequestsPerMinute', 'runningApprovals'] as const;
export const Quota = z.enum(QUOTAS);
export type Quota = z.infer<typeof Quota>;

/** Quotas counted in the database (the request rate is counted by the rate limiter instead). */
export type CountedQuota = Exclude<Quota, 'apiRequestsPerMinute'>;
export const COUNTED_QUOTAS: CountedQuota[] = ['users', 'templates', 'storageBytes', 'runningApprovals'];

/** The package column each quota lives in. */
export const QUOTA_COLUMNS = {
  users: 'maxUsers',
  templates: 'maxTemplates',
  storageBytes: 'maxStorageBytes',
  apiRequestsPerMinute: 'apiRequestsPerMinute',
  runningApprovals: 'maxRunningApprovals',
} as const satisfies Record<Quota, keyof Package>;

export const limitOf = (pkg: Package, quota: Quota): number | null => pkg[QUOTA_COLUMNS[quota]];

export const PackageCode = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, dash and underscore; starts with a letter or digit');

/** A limit: a whole number, or null for unlimited (the request rate: null = the platform default). */
const Limit = (max: number, min = 0) => z.number().int().min(min).max(max).nullable();

const QuotaLimits = z.strictObject({
  users: Limit(10_000_000).optional().describe('Non-deleted users; null: unlimited'),
  templates: Limit(1_000_000).optional().describe('Approval templates; null: unlimited'),
  storageBytes: Limit(Number.MAX_SAFE_INTEGER).optional().describe('Total size of stored attachments in bytes; null: unlimited'),
  apiRequestsPerMinute: Limit(10_000_000, 1)
    .optional()
    .describe("The tenant's request limit per minute; null: the platform default (RATE_LIMIT_PER_TENANT)"),
  runningApprovals: Limit(10_000_000).optional().describe('Approval requests not finished (running, returned, stalled); null: unlimited'),
});

export const CreatePackageInput = z.strictObject({
  code: PackageCode,
  name: Name,
  description: z.string().trim().max(500).optional(),
  /** A quota left out is unlimited (request rate: the platform default). */
  quotas: QuotaLimits.default({}),
});
export type CreatePackageInput = z.input<typeof CreatePackageInput>;

export const UpdatePackageInput = z
  .strictObject({
    name: Name.optional(),
    description: z.string().trim().max(500).optional(),
    /** Only the quotas sent change (null: unlimited). */
    quotas: QuotaLimits.optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'send at least one field to change' });
export type UpdatePackageInput = z.input<typeof UpdatePackageInput>;

export const PackageListQuery = PageQuery.extend({ q: SearchText });
export type PackageListQuery = z.output<typeof PackageListQuery>;

export const PackageParams = z.object({ code: PackageCode });
export const TenantCodeParams = z.object({ code: z.string().trim().min(1).max(64) });

export const AssignPackageInput = z.strictObject({ packageCode: PackageCode });
export type AssignPackageInput = z.input<typeof AssignPackageInput>;

const Limits = z.object({
  users: z.number().int().nullable(),
  templates: z.number().int().nullable(),
  storageBytes: z.number().int().nullable(),
  apiRequestsPerMinute: z.number().int().nullable(),
  runningApprovals: z.number().int().nullable(),
});

export const PackageView = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  description: z.string(),
  quotas: Limits,
  /** Tenants on this package. */
  tenantsCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PackageView = z.infer<typeof PackageView>;

export const toPackageView = (p: Package, tenantsCount: number): PackageView => ({
  id: p.id,
  code: p.code,
  name: p.name,
  description: p.description,
  quotas: Object.fromEntries(QUOTAS.map((q) => [q, limitOf(p, q)])) as PackageView['quotas'],
  tenantsCount,
  createdAt: p.createdAt.toISOString(),
  updatedAt: p.updatedAt.toISOString(),
});

const QuotaUsage = z.object({
  /** null: unlimited. */
  limit: z.number().int().nullable(),
  usage: z.number().int(),
});

export const UsageView = z.object({
  tenant: z.object({ id: z.string(), code: z.string(), name: z.string() }),
  package: z.object({ code: z.string(), name: z.string() }),
  quotas: z.object({
    users: QuotaUsage,
    templates: QuotaUsage,
    storageBytes: QuotaUsage,
    /** `limit`: the package's, else the platform default (null: no limit); `usage`: requests counted in the current window. */
    apiRequestsPerMinute: QuotaUsage,
    runningApprovals: QuotaUsage,
  }),
});
export type UsageView = z.infer<typeof UsageView>;
