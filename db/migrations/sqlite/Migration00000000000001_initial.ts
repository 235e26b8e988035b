import { Migration } from '@mikro-orm/migrations';

export class Migration00000000000001_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`announcements\` (\`id\` text not null, \`tenant_id\` text not null, \`title\` text not null, \`body\` text not null, \`status\` text not null default 'draft', \`audience_all\` integer not null default true, \`pinned\` integer not null default false, \`expires_at\` datetime(3) null, \`published_at\` datetime(3) null, \`published_by\` text null, \`created_by\` text not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create index \`announcements_tenant_status_idx\` on \`announcements\` (\`tenant_id\`, \`status\`, \`published_at\`);`);

    this.addSql(`create table \`announcement_reads\` (\`id\` text not null, \`tenant_id\` text not null, \`announcement_id\` text not null, \`user_id\` text not null, \`read_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create index \`announcement_reads_tenant_user_idx\` on \`announcement_reads\` (\`tenant_id\`, \`user_id\`);`);
    this.addSql(`create unique index \`announcement_reads_unique\` on \`announcement_reads\` (\`announcement_id\`, \`user_id\`);`);

    this.addSql(`create table \`announcement_targets\` (\`id\` text not null, \`tenant_id\` text not null, \`announcement_id\` text not null, \`kind\` text not null, \`ref_id\` text not null, \`include_subtree\` integer not null default false, primary key (\`id\`));`);
    this.addSql(`create index \`announcement_targets_ref_idx\` on \`announcement_targets\` (\`tenant_id\`, \`kind\`, \`ref_id\`);`);
    this.addSql(`create index \`announcement_targets_announcement_idx\` on \`announcement_targets\` (\`announcement_id\`);`);

    this.addSql(`create table \`api_keys\` (\`id\` text not null, \`tenant_id\` text not null, \`user_id\` text not null, \`name\` text not null, \`prefix\` text not null, \`key_hash\` text not null, \`scopes\` json not null, \`expires_at\` datetime(3) null, \`revoked_at\` datetime(3) null, \`last_used_at\` datetime(3) null, \`created_by\` text not null, \`created_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create unique index \`api_keys_prefix_unique\` on \`api_keys\` (\`prefix\`);`);
    this.addSql(`create index \`api_keys_tenant_idx\` on \`api_keys\` (\`tenant_id\`);`);

    this.addSql(`create table \`approval_events\` (\`id\` text not null, \`tenant_id\` text not null, \`instance_id\` text not null, \`event_key\` text not null, \`seq\` integer not null, \`type\` text not null, \`step_id\` text null, \`task_id\` text null, \`actor_id\` text null, \`data\` json not null, \`occurred_at\` datetime(3) not null, \`created_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create unique index \`approval_events_key_unique\` on \`approval_events\` (\`event_key\`);`);
    this.addSql(`create index \`approval_events_instance_idx\` on \`approval_events\` (\`instance_id\`, \`seq\`);`);

    this.addSql(`create table \`approval_instances\` (\`id\` text not null, \`tenant_id\` text not null, \`workflow_id\` text not null, \`template_id\` text not null, \`template_key\` text not null, \`template_version\` integer not null, \`template_name\` text not null, \`title\` text not null, \`initiator_id\` text not null, \`initiator_department_id\` text null, \`status\` text not null, \`form\` json not null, \`current_step_ids\` json not null, \`current_assignee_ids\` json not null, \`round\` integer not null, \`projected_seq\` integer not null, \`submitted_at\` datetime(3) not null, \`finished_at\` datetime(3) null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create unique index \`approval_instances_workflow_unique\` on \`approval_instances\` (\`workflow_id\`);`);
    this.addSql(`create index \`approval_instances_initiator_idx\` on \`approval_instances\` (\`tenant_id\`, \`initiator_id\`, \`submitted_at\`);`);
    this.addSql(`create index \`approval_instances_template_idx\` on \`approval_instances\` (\`tenant_id\`, \`template_key\`, \`status\`);`);

    this.addSql(`create table \`approval_tasks\` (\`id\` text not null, \`tenant_id\` text not null, \`instance_id\` text not null, \`position\` integer not null, \`step_id\` text not null, \`step_name\` text not null, \`kind\` text not null, \`assignee_id\` text not null, \`status\` text not null, \`reason\` text null, \`comment\` text null, \`auto_approved\` text null, \`round\` integer not null, \`opened_at\` datetime(3) not null, \`acted_at\` datetime(3) null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create index \`approval_tasks_inbox_idx\` on \`approval_tasks\` (\`tenant_id\`, \`assignee_id\`, \`status\`, \`opened_at\`);`);
    this.addSql(`create index \`approval_tasks_instance_idx\` on \`approval_tasks\` (\`instance_id\`);`);

    this.addSql(`create table \`approval_templates\` (\`id\` text not null, \`tenant_id\` text not null, \`template_key\` text not null, \`name\` text not null, \`category\` text not null, \`description\` text not null default '', \`status\` text not null default 'active', \`draft\` json not null, \`latest_version\` integer not null default 0, \`draft_dirty\` integer not null default true, \`created_by\` text not null, \`updated_by\` text null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create index \`approval_templates_tenant_category_idx\` on \`approval_templates\` (\`tenant_id\`, \`category\`, \`status\`);`);
    this.addSql(`create unique index \`approval_templates_tenant_key_unique\` on \`approval_templates\` (\`tenant_id\`, \`template_key\`);`);

    this.addSql(`create table \`approval_template_versions\` (\`id\` text not null, \`tenant_id\` text not null, \`template_id\` text not null, \`version\` integer not null, \`name\` text not null, \`definition\` json not null, \`published_by\` text not null, \`published_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create index \`approval_template_versions_tenant_template_idx\` on \`approval_template_versions\` (\`tenant_id\`, \`template_id\`);`);
    this.addSql(`create unique index \`approval_template_versions_template_version_unique\` on \`approval_template_versions\` (\`template_id\`, \`version\`);`);

    this.addSql(`create table \`audit_logs\` (\`id\` text not null, \`tenant_id\` text not null, \`user_id\` text not null, \`via\` text not null, \`api_key_id\` text null, \`method\` text not null, \`action\` text not null, \`target_id\` text null, \`params\` json null, \`status\` integer not null, \`success\` integer not null, \`error_code\` text null, \`request_id\` text not null, \`ip\` text null, \`duration_ms\` integer not null, \`created_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create index \`audit_logs_tenant_time_idx\` on \`audit_logs\` (\`tenant_id\`, \`created_at\`);`);
    this.addSql(`create index \`audit_logs_tenant_user_idx\` on \`audit_logs\` (\`tenant_id\`, \`user_id\`, \`created_at\`);`);
    this.addSql(`create index \`audit_logs_tenant_target_idx\` on \`audit_logs\` (\`tenant_id\`, \`target_id\`);`);
    this.addSql(`create index \`audit_logs_time_idx\` on \`audit_logs\` (\`created_at\`);`);

    this.addSql(`create table \`daily_plans\` (\`id\` text not null, \`tenant_id\` text not null, \`user_id\` text not null, \`date\` text not null, \`item_count\` integer not null default 0, \`done_count\` integer not null default 0, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create unique index \`daily_plans_owner_date_unique\` on \`daily_plans\` (\`tenant_id\`, \`user_id\`, \`date\`);`);

    this.addSql(`create table \`daily_plan_items\` (\`id\` text not null, \`tenant_id\` text not null, \`plan_id\` text not null, \`text\` text not null, \`done\` integer not null default false, \`sort_order\` integer not null, \`todo_id\` text null, \`done_at\` datetime(3) null, primary key (\`id\`));`);
    this.addSql(`create index \`daily_plan_items_plan_idx\` on \`daily_plan_items\` (\`plan_id\`, \`sort_order\`);`);

    this.addSql(`create table \`departments\` (\`id\` text not null, \`tenant_id\` text not null, \`parent_id\` text null, \`code\` text not null, \`name\` text not null, \`path\` text not null, \`depth\` integer not null default 0, \`head_user_id\` text null, \`sort_order\` integer not null default 0, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create index \`departments_tenant_path_idx\` on \`departments\` (\`tenant_id\`, \`path\`);`);
    this.addSql(`create index \`departments_tenant_parent_idx\` on \`departments\` (\`tenant_id\`, \`parent_id\`);`);
    this.addSql(`create unique index \`departments_tenant_code_unique\` on \`departments\` (\`tenant_id\`, \`code\`);`);

    this.addSql(`create table \`in_app_messages\` (\`id\` text not null, \`tenant_id\` text not null, \`user_id\` text not null, \`title\` text not null, \`body\` text not null, \`category\` text not null default 'system', \`sender_id\` text null, \`dedupe_key\` text null, \`read_at\` datetime(3) null, \`deleted_at\` datetime(3) null, \`created_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create unique index \`in_app_messages_dedupe_unique\` on \`in_app_messages\` (\`dedupe_key\`);`);
    this.addSql(`create index \`in_app_messages_user_idx\` on \`in_app_messages\` (\`tenant_id\`, \`user_id\`, \`created_at\`);`);

    this.addSql(`create table \`login_logs\` (\`id\` text not null, \`tenant_id\` text null, \`tenant_code\` text not null, \`identifier\` text not null, \`user_id\` text null, \`success\` integer not null, \`reason\` text not null, \`ip\` text null, \`user_agent\` text null, \`created_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create index \`login_logs_tenant_created_idx\` on \`login_logs\` (\`tenant_id\`, \`created_at\`);`);

    this.addSql(`create table \`mail_deliveries\` (\`id\` text not null, \`tenant_id\` text not null, \`dedupe_key\` text not null, \`to_address\` text not null, \`subject\` text not null, \`status\` text not null default 'pending', \`transport_message_id\` text null, \`attempts\` integer not null default 0, \`last_error\` text null, \`sent_at\` datetime(3) null, \`created_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create unique index \`mail_deliveries_dedupe_unique\` on \`mail_deliveries\` (\`dedupe_key\`);`);
    this.addSql(`create index \`mail_deliveries_tenant_idx\` on \`mail_deliveries\` (\`tenant_id\`, \`created_at\`);`);

    this.addSql(`create table \`menus\` (\`id\` text not null, \`tenant_id\` text not null, \`parent_id\` text null, \`key\` text not null, \`name\` text not null, \`kind\` text not null default 'page', \`route_path\` text null, \`icon\` text null, \`permission_code\` text null, \`sort_order\` integer not null default 0, \`visible\` integer not null default true, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create index \`menus_tenant_parent_idx\` on \`menus\` (\`tenant_id\`, \`parent_id\`);`);
    this.addSql(`create unique index \`menus_tenant_key_unique\` on \`menus\` (\`tenant_id\`, \`key\`);`);

    this.addSql(`create table \`notification_deliveries\` (\`id\` text not null, \`tenant_id\` text not null, \`user_id\` text not null, \`dedupe_key\` text not null, \`type\` text not null, \`channel\` text not null, \`subject\` text not null, \`status\` text not null default 'pending', \`attempts\` integer not null default 0, \`last_error\` text null, \`ref_id\` text null, \`sent_at\` datetime(3) null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create unique index \`notification_deliveries_dedupe_unique\` on \`notification_deliveries\` (\`dedupe_key\`);`);
    this.addSql(`create index \`notification_deliveries_tenant_idx\` on \`notification_deliveries\` (\`tenant_id\`, \`status\`, \`created_at\`);`);

    this.addSql(`create table \`notification_preferences\` (\`id\` text not null, \`tenant_id\` text not null, \`user_id\` text not null, \`channels\` json not null, \`reminder_lead_seconds\` integer not null default 3600, \`overdue_repeat_seconds\` integer null, \`max_overdue_reminders\` integer not null default 1, \`updated_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create unique index \`notification_preferences_user_unique\` on \`notification_preferences\` (\`tenant_id\`, \`user_id\`);`);

    this.addSql(`create table \`permissions\` (\`code\` text not null, \`name\` text not null, \`module\` text not null, \`description\` text null, primary key (\`code\`));`);

    this.addSql(`create table \`positions\` (\`id\` text not null, \`tenant_id\` text not null, \`code\` text not null, \`name\` text not null, \`rank\` integer not null default 100, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create unique index \`positions_tenant_code_unique\` on \`positions\` (\`tenant_id\`, \`code\`);`);

    this.addSql(`create table \`refresh_tokens\` (\`id\` text not null, \`tenant_id\` text not null, \`user_id\` text not null, \`family_id\` text not null, \`token_hash\` text not null, \`parent_id\` text null, \`expires_at\` datetime(3) not null, \`rotated_at\` datetime(3) null, \`revoked_at\` datetime(3) null, \`revoke_reason\` text null, \`ip\` text null, \`user_agent\` text null, \`created_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create unique index \`refresh_tokens_hash_unique\` on \`refresh_tokens\` (\`token_hash\`);`);
    this.addSql(`create index \`refresh_tokens_family_idx\` on \`refresh_tokens\` (\`family_id\`);`);
    this.addSql(`create index \`refresh_tokens_user_idx\` on \`refresh_tokens\` (\`tenant_id\`, \`user_id\`);`);

    this.addSql(`create table \`roles\` (\`id\` text not null, \`tenant_id\` text not null, \`code\` text not null, \`name\` text not null, \`description\` text null, \`data_scope\` text not null default 'self', \`builtin\` integer not null default false, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create unique index \`roles_tenant_code_unique\` on \`roles\` (\`tenant_id\`, \`code\`);`);

    this.addSql(`create table \`role_departments\` (\`id\` text not null, \`tenant_id\` text not null, \`role_id\` text not null, \`department_id\` text not null, primary key (\`id\`));`);
    this.addSql(`create index \`role_departments_tenant_idx\` on \`role_departments\` (\`tenant_id\`);`);
    this.addSql(`create unique index \`role_departments_role_dept_unique\` on \`role_departments\` (\`role_id\`, \`department_id\`);`);

    this.addSql(`create table \`role_permissions\` (\`id\` text not null, \`tenant_id\` text not null, \`role_id\` text not null, \`permission_code\` text not null, primary key (\`id\`));`);
    this.addSql(`create index \`role_permissions_tenant_idx\` on \`role_permissions\` (\`tenant_id\`);`);
    this.addSql(`create unique index \`role_permissions_role_code_unique\` on \`role_permissions\` (\`role_id\`, \`permission_code\`);`);

    this.addSql(`create table \`tenants\` (\`id\` text not null, \`code\` text not null, \`name\` text not null, \`status\` text not null default 'active', \`user_quota\` integer not null default 100, \`time_zone\` text not null default 'UTC', \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create unique index \`tenants_code_unique\` on \`tenants\` (\`code\`);`);

    this.addSql(`create table \`todos\` (\`id\` text not null, \`tenant_id\` text not null, \`user_id\` text not null, \`title\` text not null, \`notes\` text null, \`priority\` text not null default 'normal', \`priority_rank\` integer not null default 1, \`status\` text not null default 'open', \`due_at\` datetime(3) null, \`tags\` json not null, \`tag_index\` text not null default '', \`attachments\` json not null, \`completed_at\` datetime(3) null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create index \`todos_owner_status_due_idx\` on \`todos\` (\`tenant_id\`, \`user_id\`, \`status\`, \`due_at\`);`);
    this.addSql(`create index \`todos_owner_created_idx\` on \`todos\` (\`tenant_id\`, \`user_id\`, \`created_at\`);`);

    this.addSql(`create table \`users\` (\`id\` text not null, \`tenant_id\` text not null, \`username\` text not null, \`email\` text not null, \`display_name\` text not null, \`password_hash\` text null, \`status\` text not null default 'active', \`department_id\` text null, \`position_id\` text null, \`phone\` text null, \`provisioned_by\` text null, \`password_changed_at\` datetime(3) null, \`last_login_at\` datetime(3) null, \`deleted_at\` datetime(3) null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create index \`users_tenant_department_idx\` on \`users\` (\`tenant_id\`, \`department_id\`);`);
    this.addSql(`create index \`users_tenant_status_idx\` on \`users\` (\`tenant_id\`, \`status\`);`);
    this.addSql(`create unique index \`users_tenant_username_unique\` on \`users\` (\`tenant_id\`, \`username\`);`);
    this.addSql(`create unique index \`users_tenant_email_unique\` on \`users\` (\`tenant_id\`, \`email\`);`);

    this.addSql(`create table \`user_roles\` (\`id\` text not null, \`tenant_id\` text not null, \`user_id\` text not null, \`role_id\` text not null, \`granted_by\` text null, \`created_at\` datetime(3) not null, primary key (\`id\`));`);
    this.addSql(`create index \`user_roles_tenant_role_idx\` on \`user_roles\` (\`tenant_id\`, \`role_id\`);`);
    this.addSql(`create unique index \`user_roles_user_role_unique\` on \`user_roles\` (\`user_id\`, \`role_id\`);`);
  }

}
