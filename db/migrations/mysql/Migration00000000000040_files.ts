import { Migration } from '@mikro-orm/migrations';

/** Attachments: stored files and the requests and to-dos that refer to them. */
export class Migration00000000000040_files extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`files\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`uploader_id\` varchar(36) not null, \`name\` varchar(255) not null, \`size\` int not null, \`content_type\` varchar(127) not null, \`sha256\` varchar(64) not null, \`storage_key\` varchar(255) not null, \`created_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`files\` add index \`files_uploader_idx\`(\`tenant_id\`, \`uploader_id\`, \`created_at\`);`);
    this.addSql(`create table \`file_references\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`file_id\` varchar(36) not null, \`kind\` varchar(16) not null, \`ref_id\` varchar(36) not null, \`created_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`file_references\` add unique \`file_references_unique\`(\`file_id\`, \`kind\`, \`ref_id\`);`);
    this.addSql(`alter table \`file_references\` add index \`file_references_target_idx\`(\`tenant_id\`, \`kind\`, \`ref_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`file_references\`;`);
    this.addSql(`drop table if exists \`files\`;`);
  }

}
