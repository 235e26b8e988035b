import { Migration } from '@mikro-orm/migrations';

/** Dictionaries: option lists (platform defaults with a null tenant, and each tenant's own) for template select fields. */
export class Migration00000000000050_dictionaries extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`dictionary_groups\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) null, \`code\` varchar(64) not null, \`name\` varchar(200) not null, \`description\` varchar(500) null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`dictionary_groups\` add unique \`dictionary_groups_code_unique\`(\`tenant_id\`, \`code\`);`);
    this.addSql(`create table \`dictionary_items\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) null, \`group_id\` varchar(36) not null, \`code\` varchar(64) not null, \`labels\` json not null, \`sort_order\` int not null default 0, \`enabled\` tinyint(1) not null default true, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`dictionary_items\` add index \`dictionary_items_group_idx\`(\`group_id\`, \`sort_order\`);`);
    this.addSql(`alter table \`dictionary_items\` add unique \`dictionary_items_code_unique\`(\`group_id\`, \`tenant_id\`, \`code\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`dictionary_items\`;`);
    this.addSql(`drop table if exists \`dictionary_groups\`;`);
  }

}
