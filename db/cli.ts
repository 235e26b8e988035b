/**
 * Database chores: `migrate`, `seed`, `migration:create <name>`, `migration:check`.
 * Usage: node dist/db/cli.js <command>   (or ts via jest helpers in tests)
 */
import { loadConfig } from '../common/config';
import { createLogger } from '../common/logger';
import { initOrm, migrate } from './orm';
import { seedDemoData, seedPlatformDictionaries, seedPlatformTenant, syncPermissionCatalog } from './seed';

async function main() {
  const [command, name] = process.argv.slice(2);
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL, 'db');
  const orm = await initOrm(config.database, { debug: config.DATABASE_DEBUG, logger: log });
  try {
    switch (command) {
      case 'migrate':
        log.info({ applied: await migrate(orm) }, 'migrations applied');
        log.info(await syncPermissionCatalog(orm.em.fork()), 'permission catalogue in sync');
        await seedPlatformDictionaries(orm.em.fork());
        break;
      case 'seed': {
        await migrate(orm);
        await seedPlatformDictionaries(orm.em.fork());
        const { tenantId, tenantCode, adminUsername } = await seedDemoData(orm.em.fork());
        const platform = await seedPlatformTenant(orm.em.fork());
        log.info({ tenantId, tenantCode, adminUsername, platformOperator: `${platform.tenant.code}/${platform.operator.username}` }, 'demo data seeded');
        break;
      }
      case 'migration:create': {
        await migrate(orm);
        const result = await orm.getMigrator().createMigration(undefined, false, false, name);
        log.info({ file: result.fileName, statements: result.diff.up.length }, 'migration created');
        break;
      }
      case 'migration:check': {
        // SQLite: MikroORM's diff is exact. MySQL/MariaDB: see test/platform/migrations.test.ts,
        // which compares real schemas because the diff misreads MariaDB defaults.
        await migrate(orm);
        const needed = await orm.getMigrator().checkMigrationNeeded();
        if (needed) throw new Error('entities and migrations disagree: run migration:create (or see schema:diff)');
        log.info('migrations match the entities');
        break;
      }
      case 'schema:diff': {
        // What the database lacks compared with the entities (empty when migrations are complete).
        await migrate(orm);
        console.log((await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false })) || '-- no difference');
        break;
      }
      default:
        throw new Error(`unknown command ${command ?? '(none)'}; use migrate | seed | migration:create <name> | migration:check | schema:diff`);
    }
  } finally {
    await orm.close(true);
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
