/** Input and views of the platform's tenant administration, typed against the tenant processes' contract. */
import { z } from 'zod';
import { Name } from '../../common/schema';
import { PageQuery } from '../../common/pagination';
import { STANDARD_PACKAGE_CODE, TENANT_STATUSES, type Tenant } from '../../db/entities';
import { EXECUTION_STATES } from '../../temporal/processes';
import { Email, TimeZone, Username } from '../user/schema';
import { PLATFORM_TENANT_CODE } from '../permission/catalog';
import { TENANT_ONBOARDING_STEPS, type TenantDeletionReport, type TenantOnboardingProgress } from '../../workflows/tenants/contract';

const DAY_MS = 24 * 3_600_000;

/** Lower-case letters, digits and dashes: it is typed at login and is part of workflow ids. */
export const TenantCode = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9-]{1,39}$/, 'lower-case letters, digits and dashes, starting with a letter (2 to 40 characters)')
  .refine((c) => c !== PLATFORM_TENANT_CODE, 'is reserved for the platform');

export const CreateTenantRequest = z.strictObject({
  code: TenantCode,
  name: Name,
  timeZone: TimeZone.default('UTC'),
  /** The package (plan) whose quotas the tenant is held to; `standard` unless named. */
  packageCode: z.string().trim().min(1).max(64).default(STANDARD_PACKAGE_CODE),
  /** The first tenant administrator, invited by mail with an activation link. */
  admin: z.strictObject({ username: Username, email: Email, displayName: Name }),
  /** How long the activation link stays valid (default 7 days). */
  invitationTtlMs: z.number().int().min(1000).max(90 * DAY_MS).default(7 * DAY_MS),
});
export type CreateTenantRequest = z.output<typeof CreateTenantRequest>;

export const TenantListQuery = PageQuery.extend({ status: z.enum(TENANT_STATUSES).optional() });
export type TenantListQuery = z.output<typeof TenantListQuery>;

export const TenantCodeParams = z.object({ code: z.string().min(1).max(64) });

export const TenantProcessStarted = z.object({
  code: z.string(),
  workflowId: z.string(),
  /** Where its progress is read (also the Location header). */
  statusUrl: z.string(),
});
export type TenantProcessStarted = z.infer<typeof TenantProcessStarted>;

const Step = z.enum(TENANT_ONBOARDING_STEPS);
export const TenantOnboardingProgressView = z.object({
  code: z.string(),
  status: z.enum(['running', 'compensating', 'completed', 'compensated']),
  tenantId: z.string().nullable(),
  adminUserId: z.string().nullable(),
  stepsDone: z.array(Step),
  currentStep: Step.nullable(),
  compensations: z.array(z.object({ step: Step, status: z.enum(['done', 'failed']), detail: z.string() })),
  error: z.string().nullable(),
}) satisfies z.ZodType<TenantOnboardingProgress>;

const ProcessInfo = {
  workflowId: z.string(),
  execution: z.enum(EXECUTION_STATES),
  startedAt: z.string(),
  closedAt: z.string().nullable(),
  /** Why a closed run did not complete. */
  error: z.string().nullable(),
};

export const TenantOnboardingView = z.object({ ...ProcessInfo, progress: TenantOnboardingProgressView.nullable() });
export type TenantOnboardingView = z.infer<typeof TenantOnboardingView>;

export const TenantDeletionReportView = z.object({
  code: z.string(),
  removed: z.record(z.string(), z.number().int()),
  total: z.number().int(),
  scheduleDeleted: z.boolean(),
  finishedAt: z.string().nullable(),
}) satisfies z.ZodType<TenantDeletionReport>;
export const TenantDeletionView = z.object({ ...ProcessInfo, report: TenantDeletionReportView.nullable() });
export type TenantDeletionView = z.infer<typeof TenantDeletionView>;

export const PlatformTenantView = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  status: z.enum(TENANT_STATUSES),
  timeZone: z.string(),
  /** The package the tenant is on (`/api/v1/platform/packages/:code`). */
  packageCode: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PlatformTenantView = z.infer<typeof PlatformTenantView>;

export const PlatformTenantDetail = PlatformTenantView.extend({
  usersCount: z.number().int(),
  /** The onboarding saga of the tenant (null for a tenant created otherwise, e.g. the demo seed). */
  onboarding: TenantOnboardingView.nullable(),
  /** The deletion, once one was started. */
  deletion: TenantDeletionView.nullable(),
});
export type PlatformTenantDetail = z.infer<typeof PlatformTenantDetail>;

export const toPlatformTenantView = (t: Tenant, packageCode: string): PlatformTenantView => ({
  id: t.id,
  code: t.code,
  name: t.name,
  status: t.status,
  timeZone: t.timeZone,
  packageCode,
  createdAt: t.createdAt.toISOString(),
  updatedAt: t.updatedAt.toISOString(),
});
