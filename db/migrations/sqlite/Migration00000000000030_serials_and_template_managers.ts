import { Migration } from '@mikro-orm/migrations';

/**
 * Business serial numbers (a counter per tenant, template key and scope; the number each
 * submission got; the instance's `serial_number`, indexed per tenant) and template managers.
 */
export class Migration00000000000030_serials_and_template_managers extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`approval_serial_counters\` (\`id\` text not null, \`tenant_id\` text not null, \`template_key\` text not null, \`scope\` text not null, \`last_value\` integer not null default 0, \`updated_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create unique index \`approval_serial_counters_scope_unique\` on \`approval_serial_counters\` (\`tenant_id\`, \`template_key\`, \`scope\`);`);
    this.addSql(`create table \`approval_serials\` (\`id\` text not null, \`tenant_id\` text not null, \`counter_id\` text not null, \`seq\` integer not null, \`serial_number\` text not null, \`created_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create index \`approval_serials_tenant_number_idx\` on \`approval_serials\` (\`tenant_id\`, \`serial_number\`);`);
    this.addSql(`create unique index \`approval_serials_counter_seq_unique\` on \`approval_serials\` (\`counter_id\`, \`seq\`);`);
    this.addSql(`create table \`approval_template_managers\` (\`id\` text not null, \`tenant_id\` text not null, \`template_id\` text not null, \`user_id\` text not null, \`added_by\` text not null, \`created_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create index \`approval_template_managers_user_idx\` on \`approval_template_managers\` (\`tenant_id\`, \`user_id\`);`);
    this.addSql(`create unique index \`approval_template_managers_unique\` on \`approval_template_managers\` (\`template_id\`, \`user_id\`);`);
    this.addSql(`alter table \`approval_instances\` add column \`serial_number\` text null;`);
    this.addSql(`create index \`approval_instances_serial_idx\` on \`approval_instances\` (\`tenant_id\`, \`serial_number\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index \`approval_instances_serial_idx\`;`);
    this.addSql(`alter table \`approval_instances\` drop column \`serial_number\`;`);
    this.addSql(`drop table if exists \`approval_template_managers\`;`);
    this.addSql(`drop table if exists \`approval_serials\`;`);
    this.addSql(`drop table if exists \`approval_serial_counters\`;`);
  }

}
