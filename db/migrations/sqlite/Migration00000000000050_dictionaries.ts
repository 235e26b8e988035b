import { Migration } from '@mikro-orm/migrations';

/** Dictionaries: option lists (platform defaults with a null tenant, and each tenant's own) for template select fields. */
export class Migration00000000000050_dictionaries extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`dictionary_groups\` (\`id\` text not null, \`tenant_id\` text null, \`code\` text not null, \`name\` text not null, \`description\` text null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create unique index \`dictionary_groups_code_unique\` on \`dictionary_groups\` (\`tenant_id\`, \`code\`);`);
    this.addSql(`create table \`dictionary_items\` (\`id\` text not null, \`tenant_id\` text null, \`group_id\` text not null, \`code\` text not null, \`labels\` json not null, \`sort_order\` integer not null default 0, \`enabled\` integer not null default true, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create index \`dictionary_items_group_idx\` on \`dictionary_items\` (\`group_id\`, \`sort_order\`);`);
    this.addSql(`create unique index \`dictionary_items_code_unique\` on \`dictionary_items\` (\`group_id\`, \`tenant_id\`, \`code\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`dictionary_items\`;`);
    this.addSql(`drop table if exists \`dictionary_groups\`;`);
  }

}
