/**
 * Small zod building blocks shared by every module's inputs, queries and views: one definition
 * of each, so a rule (what a query boolean accepts, what a search filter is) is the same
 * everywhere and in the OpenAPI document.
 */
import { z } from 'zod';
import { ValidationError } from './errors';

/**
 * A boolean in a query string: `true`/`1` or `false`/`0`, exactly these. (`z.coerce.boolean`
 * would read "false" as true; `z.stringbool` would also take yes/on/TRUE and document the
 * parameter as any string.)
 */
export const QueryBool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const Uuid = z.uuid();

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

/** A nullable date as a view shows it: ISO instant or null. */
export const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

/** Free-text filter: trimmed, empty means "no filter". Services match it with `contains` (common/query). */
export const SearchText = z
  .string()
  .trim()
  .max(100)
  .transform((s) => s || undefined)
  .optional();

/** The name of a thing (department, position, role, menu entry, API key, person). */
export const Name = z.string().trim().min(1).max(200);

/** The title of a text (message, announcement, to-do, approval request). */
export const Title = z.string().trim().min(1).max(200);

/** Position of an entry among its siblings. */
export const SortOrder = z.number().int().min(-1_000_000).max(1_000_000);

/**
 * Parse input that reached a service without passing the HTTP layer (activities, other services)
 * and turn zod's error into our 422, so a bad call never surfaces as a 500.
 */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown, message = 'The input is not valid'): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw new ValidationError(
    message,
    result.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(input)', message: i.message, code: i.code })),
  );
}
