import { Migration } from '@mikro-orm/migrations';

/** The reconciler pages running requests by (status, id); the nightly purge deletes login logs by age across tenants. */
export class Migration00000000000060_reconcile_and_purge_indexes extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index \`approval_instances_status_idx\` on \`approval_instances\` (\`status\`, \`id\`);`);
    this.addSql(`create index \`login_logs_created_idx\` on \`login_logs\` (\`created_at\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists \`login_logs_created_idx\`;`);
    this.addSql(`drop index if exists \`approval_instances_status_idx\`;`);
  }

}
