/**
 * One entity set, two databases: MySQL/MariaDB for real deployments, embedded libsql (SQLite)
 * for `npm start` on a laptop. `DATABASE_URL` chooses. Each dialect has its own committed
 * migrations, listed explicitly so they run the same from ts (jest) and from dist.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MikroORM as MySqlOrm, MySqlDriver } from '@mikro-orm/mysql';
import { MikroORM as LibSqlOrm, LibSqlDriver } from '@mikro-orm/libsql';
import { Migrator } from '@mikro-orm/migrations';
import type { MikroORM, Options } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import type { AppConfig } from '../common/config';
import type { Logger } from '../common/logger';
import type { LoggerOptions } from '@mikro-orm/core';
import { TracingLogger } from './tracing-logger';
import { allEntities } from './entities';
import { AuditChangeSubscriber } from './audit-changes';
import { mysqlMigrations } from './migrations/mysql';
import { sqliteMigrations } from './migrations/sqlite';

export type Orm = MikroORM & { em: EntityManager };
export type Dialect = AppConfig['database']['kind'];

export interface OrmOpts {
  debug?: boolean;
  logger?: Logger;
  /** Write audit_changes in every flush (default). Off only for a schema that predates the table. */
  auditChanges?: boolean;
}

export function ormOptions(db: AppConfig['database'], opts: OrmOpts = {}): Options {
  const common = {
    entities: allEntities,
    extensions: [Migrator],
    // Every flush also writes what it changed (audit_changes), in the same transaction.
    subscribers: opts.auditChanges === false ? [] : [new AuditChangeSubscriber()],
    debug: opts.debug ?? false,
    logger: opts.logger ? (msg: string) => opts.logger!.debug(msg) : undefined,
    // Each SQL statement becomes a span of the request or activity that ran it (tracing on only).
    loggerFactory: (options: LoggerOptions) => new TracingLogger(options, db.kind === 'mysql' ? 'mysql' : 'sqlite'),
    // Entities are plain classes described by EntitySchema: no reflection needed.
    discovery: { warnWhenNoEntities: true, requireEntitiesArray: true },
    allowGlobalContext: false,
    forceUtcTimezone: true,
    ignoreUndefinedInQuery: true,
  } satisfies Partial<Options>;
  const migrationsTable = 'mikro_orm_migrations';
  if (db.kind === 'mysql') {
    return {
      ...common,
      driver: MySqlDriver,
      clientUrl: db.url,
      timezone: '+00:00',
      pool: { min: 0, max: 10 },
      migrations: {
        tableName: migrationsTable,
        migrationsList: mysqlMigrations,
        path: `${__dirname}/migrations/mysql`,
        snapshot: false,
        silent: true,
        // MySQL commits DDL implicitly, so a wrapping transaction would only pretend.
        transactional: false,
        allOrNothing: false,
        emit: 'ts',
      },
    } as Options;
  }
  return {
    ...common,
    driver: LibSqlDriver,
    dbName: db.file,
    migrations: {
      tableName: migrationsTable,
      migrationsList: sqliteMigrations,
      path: `${__dirname}/migrations/sqlite`,
      snapshot: false,
      transactional: true,
      allOrNothing: true,
      emit: 'ts',
    },
  } as Options;
}

export async function initOrm(db: AppConfig['database'], opts: OrmOpts = {}): Promise<Orm> {
  if (db.kind === 'sqlite' && db.file !== ':memory:') mkdirSync(dirname(db.file), { recursive: true });
  const options = ormOptions(db, opts);
  const orm = db.kind === 'mysql' ? await MySqlOrm.init(options as never) : await LibSqlOrm.init(options as never);
  return orm as unknown as Orm;
}

/** Apply pending migrations; returns the names applied. */
export async function migrate(orm: Orm): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}
