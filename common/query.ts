/** Query helpers of the support module. */
import { raw } from '@mikro-orm/core';

/**
 * "Any of these columns contains the text", case-insensitive and the same on MySQL and SQLite:
 * `%` and `_` typed by a user match themselves thanks to an explicit ESCAPE character.
 */
export function textContains(columns: string[], text: string): Record<string, unknown> {
  const pattern = `%${text.toLowerCase().replace(/[=%_]/g, (c) => `=${c}`)}%`;
  const sql = (alias: string) => `(${columns.map((c) => `lower(${alias}.${c}) like ? escape '='`).join(' or ')})`;
  return { [raw(sql, columns.map(() => pattern))]: [] };
}

/** LIKE pattern for "contains this literal", with `=` as the escape character. */
export const likeLiteral = (text: string) => text.replace(/[=%_]/g, (c) => `=${c}`);
