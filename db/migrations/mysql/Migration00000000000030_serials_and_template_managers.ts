import { Migration } from '@mikro-orm/migrations';

/**
 * Business serial numbers (a counter per tenant, template key and scope; the number each
 * submission got; the instance's `serial_number`, indexed per tenant) and template managers.
 */
export class Migration00000000000030_serials_and_template_managers extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`approval_serial_counters\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`template_key\` varchar(64) not null, \`scope\` varchar(100) not null, \`last_value\` int not null default 0, \`updated_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`approval_serial_counters\` add unique \`approval_serial_counters_scope_unique\`(\`tenant_id\`, \`template_key\`, \`scope\`);`);
    this.addSql(`create table \`approval_serials\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`counter_id\` varchar(36) not null, \`seq\` int not null, \`serial_number\` varchar(100) not null, \`created_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`approval_serials\` add index \`approval_serials_tenant_number_idx\`(\`tenant_id\`, \`serial_number\`);`);
    this.addSql(`alter table \`approval_serials\` add unique \`approval_serials_counter_seq_unique\`(\`counter_id\`, \`seq\`);`);
    this.addSql(`create table \`approval_template_managers\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`template_id\` varchar(36) not null, \`user_id\` varchar(36) not null, \`added_by\` varchar(36) not null, \`created_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`approval_template_managers\` add index \`approval_template_managers_user_idx\`(\`tenant_id\`, \`user_id\`);`);
    this.addSql(`alter table \`approval_template_managers\` add unique \`approval_template_managers_unique\`(\`template_id\`, \`user_id\`);`);
    this.addSql(`alter table \`approval_instances\` add \`serial_number\` varchar(100) null;`);
    this.addSql(`alter table \`approval_instances\` add index \`approval_instances_serial_idx\`(\`tenant_id\`, \`serial_number\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`approval_instances\` drop index \`approval_instances_serial_idx\`;`);
    this.addSql(`alter table \`approval_instances\` drop column \`serial_number\`;`);
    this.addSql(`drop table if exists \`approval_template_managers\`;`);
    this.addSql(`drop table if exists \`approval_serials\`;`);
    this.addSql(`drop table if exists \`approval_serial_counters\`;`);
  }

}
