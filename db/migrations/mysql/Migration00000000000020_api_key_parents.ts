import { Migration } from '@mikro-orm/migrations';

/** API keys made with another key name it (parent_key_id), so revoking the parent revokes them. */
export class Migration00000000000020_api_key_parents extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`api_keys\` add \`parent_key_id\` varchar(36) null;`);
    this.addSql(`alter table \`api_keys\` add index \`api_keys_parent_idx\`(\`tenant_id\`, \`parent_key_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`api_keys\` drop index \`api_keys_parent_idx\`;`);
    this.addSql(`alter table \`api_keys\` drop column \`parent_key_id\`;`);
  }

}
