import { Migration } from '@mikro-orm/migrations';

/** Tenant parameters: a tenant's own value of a typed parameter (no row = the platform default). */
export class Migration00000000000090_tenant_parameters extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`tenant_parameters\` (\`tenant_id\` varchar(36) not null, \`parameter\` varchar(64) not null, \`value\` text not null, \`updated_by\` varchar(36) null, \`updated_at\` datetime(3) not null, primary key (\`tenant_id\`, \`parameter\`)) default character set utf8mb4 engine = InnoDB;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`tenant_parameters\`;`);
  }

}
