import { Migration } from '@mikro-orm/migrations';

export class Migration00000000000001_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`announcements\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`title\` varchar(200) not null, \`body\` text not null, \`status\` varchar(16) not null default 'draft', \`audience_all\` tinyint(1) not null default true, \`pinned\` tinyint(1) not null default false, \`expires_at\` datetime(3) null, \`published_at\` datetime(3) null, \`published_by\` varchar(36) null, \`created_by\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`announcements\` add index \`announcements_tenant_status_idx\`(\`tenant_id\`, \`status\`, \`published_at\`);`);

    this.addSql(`create table \`announcement_reads\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`announcement_id\` varchar(36) not null, \`user_id\` varchar(36) not null, \`read_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`announcement_reads\` add index \`announcement_reads_tenant_user_idx\`(\`tenant_id\`, \`user_id\`);`);
    this.addSql(`alter table \`announcement_reads\` add unique \`announcement_reads_unique\`(\`announcement_id\`, \`user_id\`);`);

    this.addSql(`create table \`announcement_targets\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`announcement_id\` varchar(36) not null, \`kind\` varchar(16) not null, \`ref_id\` varchar(36) not null, \`include_subtree\` tinyint(1) not null default false, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`announcement_targets\` add index \`announcement_targets_ref_idx\`(\`tenant_id\`, \`kind\`, \`ref_id\`);`);
    this.addSql(`alter table \`announcement_targets\` add index \`announcement_targets_announcement_idx\`(\`announcement_id\`);`);

    this.addSql(`create table \`api_keys\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`user_id\` varchar(36) not null, \`name\` varchar(200) not null, \`prefix\` varchar(32) not null, \`key_hash\` varchar(64) not null, \`scopes\` json not null, \`expires_at\` datetime(3) null, \`revoked_at\` datetime(3) null, \`last_used_at\` datetime(3) null, \`created_by\` varchar(36) not null, \`created_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`api_keys\` add unique \`api_keys_prefix_unique\`(\`prefix\`);`);
    this.addSql(`alter table \`api_keys\` add index \`api_keys_tenant_idx\`(\`tenant_id\`);`);

    this.addSql(`create table \`approval_events\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`instance_id\` varchar(36) not null, \`event_key\` varchar(300) not null, \`seq\` int not null, \`type\` varchar(32) not null, \`step_id\` varchar(64) null, \`task_id\` varchar(36) null, \`actor_id\` varchar(36) null, \`data\` json not null, \`occurred_at\` datetime(3) not null, \`created_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`approval_events\` add unique \`approval_events_key_unique\`(\`event_key\`);`);
    this.addSql(`alter table \`approval_events\` add index \`approval_events_instance_idx\`(\`instance_id\`, \`seq\`);`);

    this.addSql(`create table \`approval_instances\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`workflow_id\` varchar(255) not null, \`template_id\` varchar(36) not null, \`template_key\` varchar(64) not null, \`template_version\` int not null, \`template_name\` varchar(200) not null, \`title\` varchar(300) not null, \`initiator_id\` varchar(36) not null, \`initiator_department_id\` varchar(36) null, \`status\` varchar(16) not null, \`form\` json not null, \`current_step_ids\` json not null, \`current_assignee_ids\` json not null, \`round\` int not null, \`projected_seq\` int not null, \`submitted_at\` datetime(3) not null, \`finished_at\` datetime(3) null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`approval_instances\` add unique \`approval_instances_workflow_unique\`(\`workflow_id\`);`);
    this.addSql(`alter table \`approval_instances\` add index \`approval_instances_initiator_idx\`(\`tenant_id\`, \`initiator_id\`, \`submitted_at\`);`);
    this.addSql(`alter table \`approval_instances\` add index \`approval_instances_template_idx\`(\`tenant_id\`, \`template_key\`, \`status\`);`);

    this.addSql(`create table \`approval_tasks\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`instance_id\` varchar(36) not null, \`position\` int not null, \`step_id\` varchar(64) not null, \`step_name\` varchar(200) not null, \`kind\` varchar(16) not null, \`assignee_id\` varchar(36) not null, \`status\` varchar(16) not null, \`reason\` varchar(500) null, \`comment\` text null, \`auto_approved\` varchar(16) null, \`round\` int not null, \`opened_at\` datetime(3) not null, \`acted_at\` datetime(3) null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`approval_tasks\` add index \`approval_tasks_inbox_idx\`(\`tenant_id\`, \`assignee_id\`, \`status\`, \`opened_at\`);`);
    this.addSql(`alter table \`approval_tasks\` add index \`approval_tasks_instance_idx\`(\`instance_id\`);`);

    this.addSql(`create table \`approval_templates\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`template_key\` varchar(64) not null, \`name\` varchar(200) not null, \`category\` varchar(16) not null, \`description\` text not null default (''), \`status\` varchar(16) not null default 'active', \`draft\` json not null, \`latest_version\` int not null default 0, \`draft_dirty\` tinyint(1) not null default true, \`created_by\` varchar(36) not null, \`updated_by\` varchar(36) null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`approval_templates\` add index \`approval_templates_tenant_category_idx\`(\`tenant_id\`, \`category\`, \`status\`);`);
    this.addSql(`alter table \`approval_templates\` add unique \`approval_templates_tenant_key_unique\`(\`tenant_id\`, \`template_key\`);`);

    this.addSql(`create table \`approval_template_versions\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`template_id\` varchar(36) not null, \`version\` int not null, \`name\` varchar(200) not null, \`definition\` json not null, \`published_by\` varchar(36) not null, \`published_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`approval_template_versions\` add index \`approval_template_versions_tenant_template_idx\`(\`tenant_id\`, \`template_id\`);`);
    this.addSql(`alter table \`approval_template_versions\` add unique \`approval_template_versions_template_version_unique\`(\`template_id\`, \`version\`);`);

    this.addSql(`create table \`audit_logs\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`user_id\` varchar(36) not null, \`via\` varchar(16) not null, \`api_key_id\` varchar(36) null, \`method\` varchar(8) not null, \`action\` varchar(255) not null, \`target_id\` varchar(255) null, \`params\` json null, \`status\` int not null, \`success\` tinyint(1) not null, \`error_code\` varchar(64) null, \`request_id\` varchar(128) not null, \`ip\` varchar(64) null, \`duration_ms\` int not null, \`created_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`audit_logs\` add index \`audit_logs_tenant_time_idx\`(\`tenant_id\`, \`created_at\`);`);
    this.addSql(`alter table \`audit_logs\` add index \`audit_logs_tenant_user_idx\`(\`tenant_id\`, \`user_id\`, \`created_at\`);`);
    this.addSql(`alter table \`audit_logs\` add index \`audit_logs_tenant_target_idx\`(\`tenant_id\`, \`target_id\`);`);
    this.addSql(`alter table \`audit_logs\` add index \`audit_logs_time_idx\`(\`created_at\`);`);

    this.addSql(`create table \`daily_plans\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`user_id\` varchar(36) not null, \`date\` varchar(10) not null, \`item_count\` int not null default 0, \`done_count\` int not null default 0, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`daily_plans\` add unique \`daily_plans_owner_date_unique\`(\`tenant_id\`, \`user_id\`, \`date\`);`);

    this.addSql(`create table \`daily_plan_items\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`plan_id\` varchar(36) not null, \`text\` varchar(500) not null, \`done\` tinyint(1) not null default false, \`sort_order\` int not null, \`todo_id\` varchar(36) null, \`done_at\` datetime(3) null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`daily_plan_items\` add index \`daily_plan_items_plan_idx\`(\`plan_id\`, \`sort_order\`);`);

    this.addSql(`create table \`departments\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`parent_id\` varchar(36) null, \`code\` varchar(32) not null, \`name\` varchar(200) not null, \`path\` varchar(700) not null, \`depth\` int not null default 0, \`head_user_id\` varchar(36) null, \`sort_order\` int not null default 0, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`departments\` add index \`departments_tenant_path_idx\`(\`tenant_id\`, \`path\`);`);
    this.addSql(`alter table \`departments\` add index \`departments_tenant_parent_idx\`(\`tenant_id\`, \`parent_id\`);`);
    this.addSql(`alter table \`departments\` add unique \`departments_tenant_code_unique\`(\`tenant_id\`, \`code\`);`);

    this.addSql(`create table \`in_app_messages\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`user_id\` varchar(36) not null, \`title\` varchar(200) not null, \`body\` text not null, \`category\` varchar(32) not null default 'system', \`sender_id\` varchar(36) null, \`dedupe_key\` varchar(255) null, \`read_at\` datetime(3) null, \`deleted_at\` datetime(3) null, \`created_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`in_app_messages\` add unique \`in_app_messages_dedupe_unique\`(\`dedupe_key\`);`);
    this.addSql(`alter table \`in_app_messages\` add index \`in_app_messages_user_idx\`(\`tenant_id\`, \`user_id\`, \`created_at\`);`);

    this.addSql(`create table \`login_logs\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) null, \`tenant_code\` varchar(64) not null, \`identifier\` varchar(254) not null, \`user_id\` varchar(36) null, \`success\` tinyint(1) not null, \`reason\` varchar(32) not null, \`ip\` varchar(64) null, \`user_agent\` varchar(500) null, \`created_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`login_logs\` add index \`login_logs_tenant_created_idx\`(\`tenant_id\`, \`created_at\`);`);

    this.addSql(`create table \`mail_deliveries\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`dedupe_key\` varchar(255) not null, \`to_address\` varchar(254) not null, \`subject\` varchar(255) not null, \`status\` varchar(16) not null default 'pending', \`transport_message_id\` varchar(255) null, \`attempts\` int not null default 0, \`last_error\` text null, \`sent_at\` datetime(3) null, \`created_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`mail_deliveries\` add unique \`mail_deliveries_dedupe_unique\`(\`dedupe_key\`);`);
    this.addSql(`alter table \`mail_deliveries\` add index \`mail_deliveries_tenant_idx\`(\`tenant_id\`, \`created_at\`);`);

    this.addSql(`create table \`menus\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`parent_id\` varchar(36) null, \`key\` varchar(100) not null, \`name\` varchar(200) not null, \`kind\` varchar(16) not null default 'page', \`route_path\` varchar(255) null, \`icon\` varchar(64) null, \`permission_code\` varchar(100) null, \`sort_order\` int not null default 0, \`visible\` tinyint(1) not null default true, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`menus\` add index \`menus_tenant_parent_idx\`(\`tenant_id\`, \`parent_id\`);`);
    this.addSql(`alter table \`menus\` add unique \`menus_tenant_key_unique\`(\`tenant_id\`, \`key\`);`);

    this.addSql(`create table \`notification_deliveries\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`user_id\` varchar(36) not null, \`dedupe_key\` varchar(255) not null, \`type\` varchar(32) not null, \`channel\` varchar(16) not null, \`subject\` varchar(255) not null, \`status\` varchar(16) not null default 'pending', \`attempts\` int not null default 0, \`last_error\` text null, \`ref_id\` varchar(36) null, \`sent_at\` datetime(3) null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`notification_deliveries\` add unique \`notification_deliveries_dedupe_unique\`(\`dedupe_key\`);`);
    this.addSql(`alter table \`notification_deliveries\` add index \`notification_deliveries_tenant_idx\`(\`tenant_id\`, \`status\`, \`created_at\`);`);

    this.addSql(`create table \`notification_preferences\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`user_id\` varchar(36) not null, \`channels\` json not null, \`reminder_lead_seconds\` int not null default 3600, \`overdue_repeat_seconds\` int null, \`max_overdue_reminders\` int not null default 1, \`updated_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`notification_preferences\` add unique \`notification_preferences_user_unique\`(\`tenant_id\`, \`user_id\`);`);

    this.addSql(`create table \`permissions\` (\`code\` varchar(100) not null, \`name\` varchar(200) not null, \`module\` varchar(64) not null, \`description\` varchar(500) null, primary key (\`code\`)) default character set utf8mb4 engine = InnoDB;`);

    this.addSql(`create table \`positions\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`code\` varchar(64) not null, \`name\` varchar(200) not null, \`rank\` int not null default 100, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`positions\` add unique \`positions_tenant_code_unique\`(\`tenant_id\`, \`code\`);`);

    this.addSql(`create table \`refresh_tokens\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`user_id\` varchar(36) not null, \`family_id\` varchar(36) not null, \`token_hash\` varchar(64) not null, \`parent_id\` varchar(36) null, \`expires_at\` datetime(3) not null, \`rotated_at\` datetime(3) null, \`revoked_at\` datetime(3) null, \`revoke_reason\` varchar(64) null, \`ip\` varchar(64) null, \`user_agent\` varchar(500) null, \`created_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`refresh_tokens\` add unique \`refresh_tokens_hash_unique\`(\`token_hash\`);`);
    this.addSql(`alter table \`refresh_tokens\` add index \`refresh_tokens_family_idx\`(\`family_id\`);`);
    this.addSql(`alter table \`refresh_tokens\` add index \`refresh_tokens_user_idx\`(\`tenant_id\`, \`user_id\`);`);

    this.addSql(`create table \`roles\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`code\` varchar(64) not null, \`name\` varchar(200) not null, \`description\` varchar(500) null, \`data_scope\` varchar(32) not null default 'self', \`builtin\` tinyint(1) not null default false, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`roles\` add unique \`roles_tenant_code_unique\`(\`tenant_id\`, \`code\`);`);

    this.addSql(`create table \`role_departments\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`role_id\` varchar(36) not null, \`department_id\` varchar(36) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`role_departments\` add index \`role_departments_tenant_idx\`(\`tenant_id\`);`);
    this.addSql(`alter table \`role_departments\` add unique \`role_departments_role_dept_unique\`(\`role_id\`, \`department_id\`);`);

    this.addSql(`create table \`role_permissions\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`role_id\` varchar(36) not null, \`permission_code\` varchar(100) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`role_permissions\` add index \`role_permissions_tenant_idx\`(\`tenant_id\`);`);
    this.addSql(`alter table \`role_permissions\` add unique \`role_permissions_role_code_unique\`(\`role_id\`, \`permission_code\`);`);

    this.addSql(`create table \`tenants\` (\`id\` varchar(36) not null, \`code\` varchar(64) not null, \`name\` varchar(200) not null, \`status\` varchar(16) not null default 'active', \`user_quota\` int not null default 100, \`time_zone\` varchar(64) not null default 'UTC', \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`tenants\` add unique \`tenants_code_unique\`(\`code\`);`);

    this.addSql(`create table \`todos\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`user_id\` varchar(36) not null, \`title\` varchar(200) not null, \`notes\` text null, \`priority\` varchar(8) not null default 'normal', \`priority_rank\` int not null default 1, \`status\` varchar(8) not null default 'open', \`due_at\` datetime(3) null, \`tags\` json not null, \`tag_index\` varchar(700) not null default '', \`attachments\` json not null, \`completed_at\` datetime(3) null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`todos\` add index \`todos_owner_status_due_idx\`(\`tenant_id\`, \`user_id\`, \`status\`, \`due_at\`);`);
    this.addSql(`alter table \`todos\` add index \`todos_owner_created_idx\`(\`tenant_id\`, \`user_id\`, \`created_at\`);`);

    this.addSql(`create table \`users\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`username\` varchar(64) not null, \`email\` varchar(254) not null, \`display_name\` varchar(200) not null, \`password_hash\` varchar(255) null, \`status\` varchar(16) not null default 'active', \`department_id\` varchar(36) null, \`position_id\` varchar(36) null, \`phone\` varchar(32) null, \`provisioned_by\` varchar(200) null, \`password_changed_at\` datetime(3) null, \`last_login_at\` datetime(3) null, \`deleted_at\` datetime(3) null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`users\` add index \`users_tenant_department_idx\`(\`tenant_id\`, \`department_id\`);`);
    this.addSql(`alter table \`users\` add index \`users_tenant_status_idx\`(\`tenant_id\`, \`status\`);`);
    this.addSql(`alter table \`users\` add unique \`users_tenant_username_unique\`(\`tenant_id\`, \`username\`);`);
    this.addSql(`alter table \`users\` add unique \`users_tenant_email_unique\`(\`tenant_id\`, \`email\`);`);

    this.addSql(`create table \`user_roles\` (\`id\` varchar(36) not null, \`tenant_id\` varchar(36) not null, \`user_id\` varchar(36) not null, \`role_id\` varchar(36) not null, \`granted_by\` varchar(200) null, \`created_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`user_roles\` add index \`user_roles_tenant_role_idx\`(\`tenant_id\`, \`role_id\`);`);
    this.addSql(`alter table \`user_roles\` add unique \`user_roles_user_role_unique\`(\`user_id\`, \`role_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`announcements\`;`);

    this.addSql(`drop table if exists \`announcement_reads\`;`);

    this.addSql(`drop table if exists \`announcement_targets\`;`);

    this.addSql(`drop table if exists \`api_keys\`;`);

    this.addSql(`drop table if exists \`approval_events\`;`);

    this.addSql(`drop table if exists \`approval_instances\`;`);

    this.addSql(`drop table if exists \`approval_tasks\`;`);

    this.addSql(`drop table if exists \`approval_templates\`;`);

    this.addSql(`drop table if exists \`approval_template_versions\`;`);

    this.addSql(`drop table if exists \`audit_logs\`;`);

    this.addSql(`drop table if exists \`daily_plans\`;`);

    this.addSql(`drop table if exists \`daily_plan_items\`;`);

    this.addSql(`drop table if exists \`departments\`;`);

    this.addSql(`drop table if exists \`in_app_messages\`;`);

    this.addSql(`drop table if exists \`login_logs\`;`);

    this.addSql(`drop table if exists \`mail_deliveries\`;`);

    this.addSql(`drop table if exists \`menus\`;`);

    this.addSql(`drop table if exists \`notification_deliveries\`;`);

    this.addSql(`drop table if exists \`notification_preferences\`;`);

    this.addSql(`drop table if exists \`permissions\`;`);

    this.addSql(`drop table if exists \`positions\`;`);

    this.addSql(`drop table if exists \`refresh_tokens\`;`);

    this.addSql(`drop table if exists \`roles\`;`);

    this.addSql(`drop table if exists \`role_departments\`;`);

    this.addSql(`drop table if exists \`role_permissions\`;`);

    this.addSql(`drop table if exists \`tenants\`;`);

    this.addSql(`drop table if exists \`todos\`;`);

    this.addSql(`drop table if exists \`users\`;`);

    this.addSql(`drop table if exists \`user_roles\`;`);
  }

}
