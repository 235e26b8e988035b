/**
 * Keyset cursors for newest-first listings: the (time, id) of the last row shown, opaque to
 * clients. Lists that change while one pages neither skip nor repeat rows with them.
 */
import { BadRequestError } from './errors';

export interface Cursor {
  at: string;
  id: string;
}

export const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify(c)).toString('base64url');

export function decodeCursor(text: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    if (typeof c.at === 'string' && typeof c.id === 'string' && !Number.isNaN(Date.parse(c.at))) return c;
  } catch {
    /* fall through */
  }
  throw new BadRequestError('invalid_cursor', 'The cursor is not one this API handed out');
}

/** Rows strictly after the cursor in `column desc, id desc` order. */
export function afterCursor(column: string, cursor: Cursor): Record<string, unknown> {
  const at = new Date(cursor.at);
  return { $or: [{ [column]: { $lt: at } }, { [column]: at, id: { $lt: cursor.id } }] };
}
