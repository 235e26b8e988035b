import { Migration } from '@mikro-orm/migrations';

/**
 * The inbox and the detail look rows up by `tenant_id = ? and id in (…)` (requests of a page,
 * names of their people). Without statistics SQLite's planner prefers any index that starts with
 * tenant_id (e.g. approval_instances_serial_idx, users_tenant_email_unique) over the primary key
 * for that shape once the list holds more than a few ids (four do on SQLite 3.40), and then walks
 * every row of the tenant: the cost grew with the table. An index on (tenant_id, id) serves both
 * conditions.
 */
export class Migration00000000000110_tenant_id_lookup_indexes extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index \`approval_instances_tenant_id_idx\` on \`approval_instances\` (\`tenant_id\`, \`id\`);`);
    this.addSql(`create index \`users_tenant_id_idx\` on \`users\` (\`tenant_id\`, \`id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists \`users_tenant_id_idx\`;`);
    this.addSql(`drop index if exists \`approval_instances_tenant_id_idx\`;`);
  }

}
