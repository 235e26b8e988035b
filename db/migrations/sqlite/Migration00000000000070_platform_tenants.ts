import { Migration } from '@mikro-orm/migrations';

/** Platform scope: a tenant's kind (the platform tenant holds the operators) and the first tenant admin's invitation. */
export class Migration00000000000070_platform_tenants extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`tenants\` add column \`kind\` text not null default 'customer';`);
    this.addSql(`create table \`tenant_admin_invitations\` (\`id\` text not null, \`tenant_id\` text not null, \`user_id\` text not null, \`workflow_id\` text not null, \`token_hash\` text not null, \`expires_at\` datetime(3) not null, \`used_at\` datetime(3) null, \`created_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create index \`tenant_admin_invitations_tenant_idx\` on \`tenant_admin_invitations\` (\`tenant_id\`, \`user_id\`);`);
    this.addSql(`create unique index \`tenant_admin_invitations_hash_unique\` on \`tenant_admin_invitations\` (\`token_hash\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`tenant_admin_invitations\`;`);
    this.addSql(`alter table \`tenants\` drop column \`kind\`;`);
  }

}
