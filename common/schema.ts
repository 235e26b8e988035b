/** Small zod building blocks shared by every module's inputs, queries and views. */
import { z } from 'zod';

/** `true`/`false` in a query string (z.coerce.boolean would read "false" as true). */
export const QueryBool = z.stringbool({ truthy: ['true', '1'], falsy: ['false', '0'] });

export const Uuid = z.string().uuid();

/**
 * An instant with an explicit offset (`2025-03-01T09:00:00Z`), never a zone-less local time.
 * It stays a string after parsing (services call `toDate`), so parsing twice, at the HTTP edge
 * and again in the service, gives the same result.
 */
export const Instant = z.iso.datetime({ offset: true });

export function toDate(s: string): Date;
export function toDate(s: string | null): Date | null;
export function toDate(s: string | null | undefined): Date | null | undefined;
export function toDate(s: string | null | undefined): Date | null | undefined {
  return s == null ? s : new Date(s);
}

/** Free-text filter: trimmed, empty means "no filter". */
export const SearchText = z
  .string()
  .trim()
  .max(100)
  .transform((s) => s || undefined)
  .optional();

export const Title = z.string().trim().min(1).max(200);

/** A role code as roles store it. */
export const RoleCode = z.string().trim().min(1).max(64);

export const iso = (d: Date | null): string | null => d?.toISOString() ?? null;
