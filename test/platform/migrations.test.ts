/**
 * The committed migrations must produce exactly the schema the entities describe, on both
 * dialects, and the demo seed must be idempotent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { initOrm, migrate, type Orm } from '../../db/orm';
import { diffShapes, readSchemaShape } from '../../db/schema-compare';
import { seedDemoData, syncPermissionCatalog } from '../../db/seed';
import { sqliteMigrations } from '../../db/migrations/sqlite';
import { Department, Menu, Package, Role, RolePermission, STANDARD_PACKAGE_ID, Tenant, User, UserRole } from '../../db/entities';

async function counts(orm: Orm) {
  const em = orm.em.fork();
  const out: Record<string, number> = {};
  for (const [name, entity] of Object.entries({ Tenant, Department, User, Role, RolePermission, UserRole, Menu })) {
    out[name] = await em.count(entity as never, {});
  }
  return out;
}

describe('migrations', () => {
  it('MySQL/MariaDB: the schema built by the migrations equals the schema created from the entities', async () => {
    const migratedDb = new URL(process.env.DATABASE_URL!).pathname.slice(1);
    const entitiesDb = `${migratedDb}_entities`;
    const admin = await createConnection(`${process.env.SIGNOFF_TEST_MYSQL_ADMIN_URL}/`);
    await admin.query(`drop database if exists \`${entitiesDb}\``);
    await admin.query(`create database \`${entitiesDb}\` character set utf8mb4 collate utf8mb4_unicode_ci`);
    const migratedOrm = await initOrm({ kind: 'mysql', url: process.env.DATABASE_URL! });
    const entitiesOrm = await initOrm({ kind: 'mysql', url: `${process.env.SIGNOFF_TEST_MYSQL_ADMIN_URL}/${entitiesDb}` });
    try {
      expect(await migrate(migratedOrm)).toEqual([]); // global setup applied them all
      await entitiesOrm.getSchemaGenerator().createSchema();
      const migrated = await readSchemaShape(admin, migratedDb);
      expect(migrated.columns.length).toBeGreaterThan(50);
      expect(diffShapes(migrated, await readSchemaShape(admin, entitiesDb))).toEqual([]);
    } finally {
      await migratedOrm.close(true);
      await entitiesOrm.close(true);
      await admin.query(`drop database if exists \`${entitiesDb}\``);
      await admin.end();
    }
  });

  it('SQLite (embedded): a fresh file migrates to the entities, and seeding twice changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signoff-sqlite-'));
    const orm = await initOrm({ kind: 'sqlite', file: join(dir, 'db.sqlite') });
    try {
      expect(await migrate(orm)).toEqual(sqliteMigrations.map((m) => m.name));
      expect(await orm.getMigrator().checkMigrationNeeded()).toBe(false);
      await seedDemoData(orm.em.fork(), { scryptLogN: 12 });
      const first = await counts(orm);
      expect(first.Tenant).toBe(1);
      expect(first.User).toBe(6);
      await seedDemoData(orm.em.fork(), { scryptLogN: 12 });
      expect(await counts(orm)).toEqual(first);
    } finally {
      await orm.close(true);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('SQLite: a database made by an older release upgrades in place and keeps its rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signoff-sqlite-'));
    const file = join(dir, 'db.sqlite');
    // The older release had no change audit (audit_changes comes with a later migration).
    const older = await initOrm({ kind: 'sqlite', file }, { auditChanges: false });
    try {
      await older.getMigrator().up({ to: sqliteMigrations[0].name });
      // Rows as that release wrote them (today's entities no longer fit its tables): two tenants
      // with their own user quotas, which the packages migration turns into the standard package.
      const sql = older.em.getConnection();
      const now = Date.now();
      for (const [id, code, quota] of [['t-1', 'acme', 300], ['t-2', 'beta', 120]] as const) {
        await sql.execute('insert into tenants (id, code, name, status, user_quota, time_zone, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?)', [id, code, code, 'active', quota, 'UTC', now, now]);
      }
      for (let i = 0; i < 6; i++) {
        await sql.execute('insert into users (id, tenant_id, username, email, display_name, status, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?)', [`u-${i}`, 't-1', `user${i}`, `user${i}@acme.example`, `User ${i}`, 'active', now, now]);
      }
    } finally {
      await older.close(true);
    }
    const orm = await initOrm({ kind: 'sqlite', file });
    try {
      expect(await migrate(orm)).toEqual(sqliteMigrations.slice(1).map((m) => m.name));
      expect(await orm.getMigrator().checkMigrationNeeded()).toBe(false);
      expect((await counts(orm)).User).toBe(6);
      // Every tenant is on the standard package, which keeps the largest quota a tenant had.
      const em = orm.em.fork();
      expect((await em.find(Tenant, {}, { orderBy: { code: 'asc' } })).map((t) => [t.code, t.packageId])).toEqual([
        ['acme', STANDARD_PACKAGE_ID],
        ['beta', STANDARD_PACKAGE_ID],
      ]);
      expect(await em.findOneOrFail(Package, { id: STANDARD_PACKAGE_ID })).toMatchObject({ code: 'standard', maxUsers: 300, maxTemplates: null });
      // And the seed still runs on the upgraded database.
      await seedDemoData(orm.em.fork(), { scryptLogN: 12 });
      // Tenants that existed before the platform scope are customers.
      expect((await orm.em.fork().findOneOrFail(Tenant, { code: 'acme' })).kind).toBe('customer');
    } finally {
      await orm.close(true);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('catalogue sync: tenant_admin gets codes a newer release added; codes removed from other roles stay removed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signoff-sqlite-'));
    const orm = await initOrm({ kind: 'sqlite', file: join(dir, 'db.sqlite') });
    try {
      await migrate(orm);
      await seedDemoData(orm.em.fork(), { scryptLogN: 12 });
      expect(await syncPermissionCatalog(orm.em.fork())).toEqual({ permissionsAdded: 0, grantsAdded: 0 });
      const em = orm.em.fork();
      const admin = await em.findOneOrFail(Role, { code: 'tenant_admin' });
      const hr = await em.findOneOrFail(Role, { code: 'hr' });
      // As if the database predates 'onboarding:manage', and an admin took 'message:send' from HR.
      await em.nativeDelete(RolePermission, { roleId: admin.id, permissionCode: 'onboarding:manage' });
      await em.nativeDelete(RolePermission, { roleId: hr.id, permissionCode: 'message:send' });
      expect(await syncPermissionCatalog(orm.em.fork())).toEqual({ permissionsAdded: 0, grantsAdded: 1 });
      const codes = async (roleId: string) => (await orm.em.fork().find(RolePermission, { roleId })).map((g) => g.permissionCode);
      expect(await codes(admin.id)).toContain('onboarding:manage');
      expect(await codes(hr.id)).not.toContain('message:send');
      expect(await syncPermissionCatalog(orm.em.fork())).toEqual({ permissionsAdded: 0, grantsAdded: 0 });
    } finally {
      await orm.close(true);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
