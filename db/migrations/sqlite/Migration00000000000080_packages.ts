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
    this.addSql(`create table \`packages\` (\`id\` text not null, \`code\` text not null, \`name\` text not null, \`description\` text not null default '', \`max_users\` integer null, \`max_templates\` integer null, \`max_storage_bytes\` bigint null, \`api_requests_per_minute\` integer null, \`max_running_approvals\` integer null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create unique index \`packages_code_unique\` on \`packages\` (\`code\`);`);

    this.addSql(`create table \`quota_claims\` (\`id\` text not null, \`tenant_id\` text not null, \`quota\` text not null, \`ref_id\` text not null, \`expires_at\` datetime(3) not null, \`created_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create unique index \`quota_claims_ref_unique\` on \`quota_claims\` (\`tenant_id\`, \`quota\`, \`ref_id\`);`);

    // Dates are stored as epoch milliseconds on SQLite (MikroORM's libsql mapping).
    this.addSql(`insert into \`packages\` (\`id\`, \`code\`, \`name\`, \`description\`, \`max_users\`, \`created_at\`, \`updated_at\`) select '00000000-0000-4000-8000-000000000080', 'standard', 'Standard', 'The package every tenant starts with', coalesce(max(\`user_quota\`), 500), cast(strftime('%s', 'now') as integer) * 1000, cast(strftime('%s', 'now') as integer) * 1000 from \`tenants\`;`);

    this.addSql(`alter table \`tenants\` drop column \`user_quota\`;`);
    this.addSql(`alter table \`tenants\` add column \`package_id\` text not null default '00000000-0000-4000-8000-000000000080';`);
    this.addSql(`create index \`tenants_package_idx\` on \`tenants\` (\`package_id\`);`);
  }

}
