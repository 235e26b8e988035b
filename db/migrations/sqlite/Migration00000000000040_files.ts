import { Migration } from '@mikro-orm/migrations';

/** Attachments: stored files and the requests and to-dos that refer to them. */
export class Migration00000000000040_files extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`files\` (\`id\` text not null, \`tenant_id\` text not null, \`uploader_id\` text not null, \`name\` text not null, \`size\` integer not null, \`content_type\` text not null, \`sha256\` text not null, \`storage_key\` text not null, \`created_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create index \`files_uploader_idx\` on \`files\` (\`tenant_id\`, \`uploader_id\`, \`created_at\`);`);
    this.addSql(`create table \`file_references\` (\`id\` text not null, \`tenant_id\` text not null, \`file_id\` text not null, \`kind\` text not null, \`ref_id\` text not null, \`created_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create unique index \`file_references_unique\` on \`file_references\` (\`file_id\`, \`kind\`, \`ref_id\`);`);
    this.addSql(`create index \`file_references_target_idx\` on \`file_references\` (\`tenant_id\`, \`kind\`, \`ref_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`file_references\`;`);
    this.addSql(`drop table if exists \`files\`;`);
  }

}
