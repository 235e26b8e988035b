import type { MigrationObject } from '@mikro-orm/core';
import { Migration00000000000001_initial } from './Migration00000000000001_initial';
import { Migration00000000000002_onboarding_todo_links } from './Migration00000000000002_onboarding_todo_links';
import { Migration00000000000003_inbox_keyset_indexes } from './Migration00000000000003_inbox_keyset_indexes';
import { Migration00000000000010_audit_changes } from './Migration00000000000010_audit_changes';
import { Migration00000000000020_api_key_parents } from './Migration00000000000020_api_key_parents';
import { Migration00000000000030_serials_and_template_managers } from './Migration00000000000030_serials_and_template_managers';
import { Migration00000000000040_files } from './Migration00000000000040_files';
import { Migration00000000000050_dictionaries } from './Migration00000000000050_dictionaries';
import { Migration00000000000060_reconcile_and_purge_indexes } from './Migration00000000000060_reconcile_and_purge_indexes';
import { Migration00000000000070_platform_tenants } from './Migration00000000000070_platform_tenants';
import { Migration00000000000080_packages } from './Migration00000000000080_packages';
import { Migration00000000000090_tenant_parameters } from './Migration00000000000090_tenant_parameters';
import { Migration00000000000110_tenant_id_lookup_indexes } from './Migration00000000000110_tenant_id_lookup_indexes';

/** Committed migrations for this dialect, oldest first. Add each new file here. */
export const sqliteMigrations: MigrationObject[] = [
  { name: 'Migration00000000000001_initial', class: Migration00000000000001_initial },
  { name: 'Migration00000000000002_onboarding_todo_links', class: Migration00000000000002_onboarding_todo_links },
  { name: 'Migration00000000000003_inbox_keyset_indexes', class: Migration00000000000003_inbox_keyset_indexes },
  { name: 'Migration00000000000010_audit_changes', class: Migration00000000000010_audit_changes },
  { name: 'Migration00000000000020_api_key_parents', class: Migration00000000000020_api_key_parents },
  { name: 'Migration00000000000030_serials_and_template_managers', class: Migration00000000000030_serials_and_template_managers },
  { name: 'Migration00000000000040_files', class: Migration00000000000040_files },
  { name: 'Migration00000000000050_dictionaries', class: Migration00000000000050_dictionaries },
  { name: 'Migration00000000000060_reconcile_and_purge_indexes', class: Migration00000000000060_reconcile_and_purge_indexes },
  { name: 'Migration00000000000070_platform_tenants', class: Migration00000000000070_platform_tenants },
  { name: 'Migration00000000000080_packages', class: Migration00000000000080_packages },
  { name: 'Migration00000000000090_tenant_parameters', class: Migration00000000000090_tenant_parameters },
  { name: 'Migration00000000000110_tenant_id_lookup_indexes', class: Migration00000000000110_tenant_id_lookup_indexes },
];
