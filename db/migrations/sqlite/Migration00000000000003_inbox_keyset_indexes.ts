import { Migration } from '@mikro-orm/migrations';

/** Inbox pages ordered by (time, id) read only their own rows: id joins the inbox index; done gets its own. */
export class Migration00000000000003_inbox_keyset_indexes extends Migration {

  override async up(): Promise<void> {
    this.addSql(`drop index if exists \`approval_tasks_inbox_idx\`;`);
    this.addSql(`create index \`approval_tasks_inbox_idx\` on \`approval_tasks\` (\`tenant_id\`, \`assignee_id\`, \`status\`, \`opened_at\`, \`id\`);`);
    this.addSql(`create index \`approval_tasks_done_idx\` on \`approval_tasks\` (\`tenant_id\`, \`assignee_id\`, \`acted_at\`, \`id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists \`approval_tasks_done_idx\`;`);
    this.addSql(`drop index if exists \`approval_tasks_inbox_idx\`;`);
    this.addSql(`create index \`approval_tasks_inbox_idx\` on \`approval_tasks\` (\`tenant_id\`, \`assignee_id\`, \`status\`, \`opened_at\`);`);
  }

}
