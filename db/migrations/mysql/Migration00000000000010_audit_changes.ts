import { Migration } from '@mikro-orm/migrations';

/** What changed, field by field, written in the same transaction as the change (db/audit-changes.ts). */
export class Migration00000000000010_audit_changes extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`audit_changes\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`entity\` varchar(64) not null, \`entity_id\` varchar(64) not null, \`op\` varchar(8) not null, \`changes\` json not null, \`source\` varchar(16) not null, \`user_id\` varchar(36) null, \`request_id\` varchar(128) null, \`workflow_id\` varchar(255) null, \`created_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`audit_changes\` add index \`audit_changes_tenant_time_idx\`(\`tenant_id\`, \`created_at\`);`);
    this.addSql(`alter table \`audit_changes\` add index \`audit_changes_tenant_entity_idx\`(\`tenant_id\`, \`entity\`, \`entity_id\`);`);
    this.addSql(`alter table \`audit_changes\` add index \`audit_changes_time_idx\`(\`created_at\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`audit_changes\`;`);
  }

}
