import { Migration } from '@mikro-orm/migrations';

/** The reconciler pages running requests by (status, id); the nightly purge deletes login logs by age across tenants. */
export class Migration00000000000060_reconcile_and_purge_indexes extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`approval_instances\` add index \`approval_instances_status_idx\`(\`status\`, \`id\`);`);
    this.addSql(`alter table \`login_logs\` add index \`login_logs_created_idx\`(\`created_at\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`login_logs\` drop index \`login_logs_created_idx\`;`);
    this.addSql(`alter table \`approval_instances\` drop index \`approval_instances_status_idx\`;`);
  }

}
