/** Query helpers shared by every module's services: text search and retries on unique indexes. */
import { UniqueConstraintViolationException, raw } from '@mikro-orm/core';

/** The LIKE escape character every pattern built here declares (`ESCAPE '!'`). */
const ESCAPE = '!';

/** `text` as a LIKE literal: `%`, `_` and the escape character match themselves. */
export const likeLiteral = (text: string): string => text.replace(/[!%_]/g, (c) => `${ESCAPE}${c}`);

/**
 * `column LIKE pattern` with the escape character declared, so a pattern built with
 * `likeLiteral` means the same on MySQL (whose default escape is `\`) and SQLite (none).
 */
export function like(column: string, pattern: string): Record<string, unknown> {
  return { [raw((alias: string) => `${alias}.${column} like ? escape '${ESCAPE}'`, [pattern])]: [] };
}

/**
 * "Any of these columns contains the text", case-insensitive and the same on MySQL and SQLite:
 * both sides are lower-cased (whatever the column's collation), and `%` and `_` typed by a user
 * match themselves.
 */
export function contains(columns: string | string[], text: string): Record<string, unknown> {
  const list = typeof columns === 'string' ? [columns] : columns;
  const pattern = `%${likeLiteral(text.toLowerCase())}%`;
  const sql = (alias: string) => `(${list.map((c) => `lower(${alias}.${c}) like ? escape '${ESCAPE}'`).join(' or ')})`;
  return { [raw(sql, list.map(() => pattern))]: [] };
}

/** Re-run `work` when it lost a race on a unique index (it re-reads state each time). */
export async function retryOnUniqueViolation<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (!(err instanceof UniqueConstraintViolationException) || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 20 * attempt)));
    }
  }
}
