import type { EntitySchemaProperty } from '@mikro-orm/core';

/** Shared column definitions so every table spells ids, tenant ids and timestamps the same way. */
export const idColumn = { type: 'string', primary: true, length: 36 } as const;
export const tenantColumn = { type: 'string', length: 36, fieldName: 'tenant_id' } as const;
export const refColumn = (nullable = false) => ({ type: 'string', length: 36, nullable }) as const;
export const createdAtColumn = { type: 'Date', columnType: 'datetime(3)', onCreate: () => new Date() } as const;
export const updatedAtColumn = {
  type: 'Date',
  columnType: 'datetime(3)',
  onCreate: () => new Date(),
  onUpdate: () => new Date(),
} as const;
export const dateColumn = (nullable = true) => ({ type: 'Date', columnType: 'datetime(3)', nullable }) as const;

export type Props<T> = { [K in keyof T]-?: Partial<EntitySchemaProperty<T[K], T>> };

import { JsonType, type Platform, type TransformContext } from '@mikro-orm/core';

/**
 * JSON that reads back as values on MySQL, MariaDB and SQLite alike. MySQL's driver parses JSON
 * columns itself, so MikroORM skips parsing there; MariaDB stores JSON as LONGTEXT and hands
 * back a string. Parse whatever still is a string.
 */
export class PortableJsonType extends JsonType {
  override convertToJSValue(value: unknown, platform: Platform, context?: TransformContext): unknown {
    const converted = super.convertToJSValue(value as string, platform, context);
    if (typeof converted !== 'string') return converted;
    try {
      return JSON.parse(converted);
    } catch {
      return converted;
    }
  }
}
