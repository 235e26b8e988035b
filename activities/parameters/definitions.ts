/**
 * The typed tenant parameters: one zod schema per parameter (the one source of its shape, used to
 * validate writes, to read stored values back and to document the API), and its platform default
 * (in code; taken from the environment where the config already has the value). Adding a
 * parameter: add it here; the table needs no migration (one row per parameter a tenant changed).
 */
import { z } from 'zod';
import type { AppConfig } from '../../common/config';

/** ISO weekday: 1 = Monday … 7 = Sunday. */
const IsoWeekday = z.number().int().min(1).max(7);

/** A real calendar date `YYYY-MM-DD` (not 2026-02-30). */
const LocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-12-25')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'is not a calendar date');

export const PASSWORD_CLASSES = ['lower', 'upper', 'letter', 'digit', 'symbol'] as const;
export const PasswordClass = z.enum(PASSWORD_CLASSES);
export type PasswordClass = z.infer<typeof PasswordClass>;

export const PasswordPolicy = z.strictObject({
  /** At least this many characters (at most 256 always). */
  minLength: z.number().int().min(8).max(128),
  /** Character classes every new password must contain (`letter`: any letter, whatever its case). */
  requiredClasses: z.array(PasswordClass).max(PASSWORD_CLASSES.length).refine((a) => new Set(a).size === a.length, 'lists a class twice'),
});
export type PasswordPolicy = z.infer<typeof PasswordPolicy>;

/** The rule the product shipped with before passwords had a per-tenant policy. */
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = { minLength: 10, requiredClasses: ['letter', 'digit'] };

/** Each parameter's schema. The keys are the parameters' names in the API. */
export const PARAMETER_SCHEMAS = {
  /** Working weekdays, for durations in working days (`P2WD`) in approval steps. */
  workingDays: z
    .array(IsoWeekday)
    .min(1, 'at least one working day')
    .max(7)
    .refine((a) => new Set(a).size === a.length, 'lists a weekday twice'),
  /** Dates that are not working days (public holidays), in the tenant's time zone. */
  holidays: z
    .array(LocalDate)
    .max(400)
    .refine((a) => new Set(a).size === a.length, 'lists a date twice'),
  /** How long before a dated to-do is due its reminder goes out, for users who did not choose their own. */
  reminderLeadSeconds: z.number().int().min(0).max(30 * 86_400),
  /** Local time (tenant time zone) of the daily digest. */
  digestTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time like 08:00'),
  /** What a new password must look like (activation, reset by an admin, change by oneself). */
  passwordPolicy: PasswordPolicy,
  /** How long a sign-in lasts without use: the refresh token's lifetime (each use renews it). */
  sessionLifetimeSeconds: z.number().int().min(3600).max(365 * 86_400),
} as const;

export type ParameterKey = keyof typeof PARAMETER_SCHEMAS;
export const PARAMETER_KEYS = Object.keys(PARAMETER_SCHEMAS) as ParameterKey[];
export type TenantParameters = { [K in ParameterKey]: z.output<(typeof PARAMETER_SCHEMAS)[K]> };

/** The stored form of a valid value: lists in order (no transforms in the schemas: they document the API as they are). */
export function normalized<K extends ParameterKey>(key: K, value: TenantParameters[K]): TenantParameters[K] {
  if (key === 'workingDays') return [...(value as number[])].sort((a, b) => a - b) as TenantParameters[K];
  if (key === 'holidays') return [...(value as string[])].sort() as TenantParameters[K];
  return value;
}

/** The platform defaults: in code, or from the environment where the config has the value already. */
export function platformDefaults(config: Pick<AppConfig, 'DIGEST_TIME' | 'REFRESH_TOKEN_TTL_SECONDS'>): TenantParameters {
  return {
    workingDays: [1, 2, 3, 4, 5],
    holidays: [],
    reminderLeadSeconds: 3600,
    digestTime: config.DIGEST_TIME,
    passwordPolicy: DEFAULT_PASSWORD_POLICY,
    sessionLifetimeSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
  };
}

/** Values of every parameter (the effective set, or the defaults). */
export const ParameterValues = z.strictObject(PARAMETER_SCHEMAS);

/** PUT: the whole set; a parameter left out goes back to the platform default. */
export const ReplaceParametersInput = z.strictObject(
  Object.fromEntries(PARAMETER_KEYS.map((k) => [k, PARAMETER_SCHEMAS[k].optional()])) as { [K in ParameterKey]: z.ZodOptional<(typeof PARAMETER_SCHEMAS)[K]> },
);
export type ReplaceParametersInput = z.input<typeof ReplaceParametersInput>;

/** PATCH: the parameters named change; `null` puts one back to the platform default; the others keep their values. */
export const PatchParametersInput = z.strictObject(
  Object.fromEntries(PARAMETER_KEYS.map((k) => [k, PARAMETER_SCHEMAS[k].nullable().optional()])) as {
    [K in ParameterKey]: z.ZodOptional<z.ZodNullable<(typeof PARAMETER_SCHEMAS)[K]>>;
  },
);
export type PatchParametersInput = z.input<typeof PatchParametersInput>;

export const ParametersView = z.object({
  /** What the product uses for this tenant. */
  values: ParameterValues,
  /** The platform defaults (what a parameter goes back to). */
  platformDefaults: ParameterValues,
  /** Parameters that are at the platform default (the tenant never set them, or reset them). */
  defaulted: z.array(z.enum(PARAMETER_KEYS as [ParameterKey, ...ParameterKey[]])),
});
export type ParametersView = z.infer<typeof ParametersView>;
