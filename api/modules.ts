/** Every HTTP module of the product, in one list: mounted by the app and documented by OpenAPI. */
import type { RouteModule } from './route';
import { authModule, meModule } from './auth/router';
import { apiKeysModule } from './auth/api-keys.router';
import { tenantsModule, departmentsModule, positionsModule } from './user/org.router';
import { usersModule } from './user/router';
import { directoryModule } from './directory/router';
import { permissionsModule, rolesModule, userRolesModule, menusModule, myMenusModule } from './permission/router';
import { provisioningModule } from './user/provisioning.router';
import { onboardingModule } from './onboarding/router';
import { approvalTemplatesModule } from './approval/templates.router';
import { approvalCatalogModule } from './approval/catalog.router';
import { approvalsModule } from './approval/instances.router';
import { approvalStatsModule } from './approval/stats.router';
import { approvalOversightModule } from './approval/oversight.router';
import { approvalInterventionsModule } from './approval/interventions.router';
import { messagesModule } from './support/messages.router';
import { auditLogsModule } from './support/audit.router';
import { todosModule } from './support/todos.router';
import { plansModule } from './support/plans.router';
import { announcementsModule } from './support/announcements.router';
import { notificationPreferencesModule, notificationsModule } from './support/notifications.router';
import { schedulesModule } from './support/schedules.router';
import { consoleConfigModule } from './console';
import { temporalCodecModule } from './ops/temporal-codec.router';
import { filesModule } from './files/router';
import { dictionariesModule } from './dictionary/router';
import { tenantParametersModule } from './parameters/router';
import { errorsModule } from './errors/router';
import { platformPackagesModule, platformTenantPackagesModule, tenantUsageModule } from './package/router';
import { platformTenantsModule } from './platform/tenants.router';

export const modules: RouteModule[] = [
  authModule,
  meModule,
  apiKeysModule,
  tenantsModule,
  tenantUsageModule,
  tenantParametersModule,
  departmentsModule,
  positionsModule,
  dictionariesModule,
  usersModule,
  directoryModule,
  provisioningModule,
  onboardingModule,
  permissionsModule,
  rolesModule,
  userRolesModule,
  menusModule,
  myMenusModule,
  approvalTemplatesModule,
  approvalCatalogModule,
  // Before approvalsModule: its `/:id` would take `stats` for an instance id.
  approvalStatsModule,
  approvalOversightModule,
  approvalInterventionsModule,
  approvalsModule,
  messagesModule,
  auditLogsModule,
  todosModule,
  filesModule,
  plansModule,
  announcementsModule,
  notificationPreferencesModule,
  notificationsModule,
  schedulesModule,
  consoleConfigModule,
  errorsModule,
  temporalCodecModule,
  platformPackagesModule,
  platformTenantPackagesModule,
  platformTenantsModule,
];
