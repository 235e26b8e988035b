import { Migration } from '@mikro-orm/migrations';

/** Platform scope: a tenant's kind (the platform tenant holds the operators) and the first tenant admin's invitation. */
export class Migration00000000000070_platform_tenants extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`tenants\` add \`kind\` varchar(16) not null default 'customer';`);
    this.addSql(`create table \`tenant_admin_invitations\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`user_id\` varchar(36) not null, \`workflow_id\` varchar(255) not null, \`token_hash\` varchar(64) not null, \`expires_at\` datetime(3) not null, \`used_at\` datetime(3) null, \`created_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`tenant_admin_invitations\` add index \`tenant_admin_invitations_tenant_idx\`(\`tenant_id\`, \`user_id\`);`);
    this.addSql(`alter table \`tenant_admin_invitations\` add unique \`tenant_admin_invitations_hash_unique\`(\`token_hash\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`tenant_admin_invitations\`;`);
    this.addSql(`alter table \`tenants\` drop column \`kind\`;`);
  }

}
