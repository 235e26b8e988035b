import { Migration } from '@mikro-orm/migrations';

/** What changed, field by field, written in the same transaction as the change (db/audit-changes.ts). */
export class Migration00000000000010_audit_changes extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`audit_changes\` (\`id\` text not null, \`tenant_id\` text not null, \`entity\` text not null, \`entity_id\` text not null, \`op\` text not null, \`changes\` json not null, \`source\` text not null, \`user_id\` text null, \`request_id\` text null, \`workflow_id\` text null, \`created_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create index \`audit_changes_tenant_time_idx\` on \`audit_changes\` (\`tenant_id\`, \`created_at\`);`);
    this.addSql(`create index \`audit_changes_tenant_entity_idx\` on \`audit_changes\` (\`tenant_id\`, \`entity\`, \`entity_id\`);`);
    this.addSql(`create index \`audit_changes_time_idx\` on \`audit_changes\` (\`created_at\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`audit_changes\`;`);
  }

}
