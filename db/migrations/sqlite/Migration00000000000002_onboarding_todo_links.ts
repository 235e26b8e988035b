import { Migration } from '@mikro-orm/migrations';

/** Which to-dos stand for onboarding checklist items (completing one reports the item). */
export class Migration00000000000002_onboarding_todo_links extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`onboarding_todo_links\` (\`todo_id\` text not null, \`tenant_id\` text not null, \`workflow_id\` text not null, \`item_id\` text not null, \`created_at\` datetime(3) not null, primary key (\`todo_id\`));`);
    this.addSql(`create index \`onboarding_todo_links_workflow_idx\` on \`onboarding_todo_links\` (\`tenant_id\`, \`workflow_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`onboarding_todo_links\`;`);
  }

}
