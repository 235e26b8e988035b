import { Migration } from '@mikro-orm/migrations';

/**
 * Packages with quotas, one per tenant (`tenants.package_id`), and quota claims (places held
 * while a request's row is not written yet). The tenant's own `user_quota` goes: a tenant admin
 * could raise it through PATCH /tenant. Its only use left is here: the `standard` package every
 * existing tenant gets allows as many users as the largest quota any tenant had (500 on a fresh
 * database), so no tenant loses room it had; an operator then assigns smaller packages.
 */
export class Migration00000000000080_packages extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`packages\` (\`id\` varchar(36) not null, \`code\` varchar(64) not null, \`name\` varchar(200) not null, \`description\` text not null default (''), \`max_users\` int null, \`max_templates\` int null, \`max_storage_bytes\` bigint null, \`api_requests_per_minute\` int null, \`max_running_approvals\` int null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`packages\` add unique \`packages_code_unique\`(\`code\`);`);

    this.addSql(`create table \`quota_claims\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`quota\` varchar(32) not null, \`ref_id\` varchar(36) not null, \`expires_at\` datetime(3) not null, \`created_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`quota_claims\` add unique \`quota_claims_ref_unique\`(\`tenant_id\`, \`quota\`, \`ref_id\`);`);

    this.addSql(`insert into \`packages\` (\`id\`, \`code\`, \`name\`, \`description\`, \`max_users\`, \`created_at\`, \`updated_at\`) select '00000000-0000-4000-8000-000000000080', 'standard', 'Standard', 'The package every tenant starts with', coalesce(max(\`user_quota\`), 500), current_timestamp(3), current_timestamp(3) from \`tenants\`;`);

    this.addSql(`alter table \`tenants\` drop column \`user_quota\`;`);
    this.addSql(`alter table \`tenants\` add \`package_id\` varchar(36) not null default '00000000-0000-4000-8000-000000000080';`);
    this.addSql(`alter table \`tenants\` add index \`tenants_package_idx\`(\`package_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`tenants\` add \`user_quota\` int not null default 100;`);
    this.addSql(`update \`tenants\` t join \`packages\` p on p.\`id\` = t.\`package_id\` set t.\`user_quota\` = coalesce(p.\`max_users\`, 1000000);`);
    this.addSql(`alter table \`tenants\` drop index \`tenants_package_idx\`;`);
    this.addSql(`alter table \`tenants\` drop column \`package_id\`;`);
    this.addSql(`drop table if exists \`quota_claims\`;`);
    this.addSql(`drop table if exists \`packages\`;`);
  }

}
