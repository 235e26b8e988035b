import { Migration } from '@mikro-orm/migrations';

/**
 * The inbox and the detail look rows up by `tenant_id = ? and id in (…)` (requests of a page,
 * names of their people). SQLite's planner, without statistics, prefers any index that starts
 * with tenant_id over the primary key for that shape and then walks the whole tenant; an index
 * on (tenant_id, id) serves both conditions. InnoDB would manage with the primary key, but both
 * dialects keep one schema, the entities' (the schema-compare test holds them to it).
 */
export class Migration00000000000110_tenant_id_lookup_indexes extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`approval_instances\` add index \`approval_instances_tenant_id_idx\`(\`tenant_id\`, \`id\`);`);
    this.addSql(`alter table \`users\` add index \`users_tenant_id_idx\`(\`tenant_id\`, \`id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`users\` drop index \`users_tenant_id_idx\`;`);
    this.addSql(`alter table \`approval_instances\` drop index \`approval_instances_tenant_id_idx\`;`);
  }

}
