import { Migration } from '@mikro-orm/migrations';

/** Which to-dos stand for onboarding checklist items (completing one reports the item). */
export class Migration00000000000002_onboarding_todo_links extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`onboarding_todo_links\` (\`todo_id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`workflow_id\` varchar(255) not null, \`item_id\` varchar(64) not null, \`created_at\` datetime(3) not null, primary key (\`todo_id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`onboarding_todo_links\` add index \`onboarding_todo_links_workflow_idx\`(\`tenant_id\`, \`workflow_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`onboarding_todo_links\`;`);
  }

}
