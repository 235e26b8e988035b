/**
 * The long-lived dependencies of a process (API or worker): config, logger, ORM, Redis,
 * token signer, Temporal client and the domain services. Built once at start, closed on
 * shutdown. Services receive the runtime and reach each other through it at call time, which
 * keeps construction order irrelevant.
 */
import { Redis } from 'ioredis';
import { Client } from '@temporalio/client';
import type { AppConfig } from '../common/config';
import { createLogger, type Logger } from '../common/logger';
import { dataConverterFor, type SignoffDataConverter } from '../temporal/data-converter';
import { connectTemporal } from '../temporal/connection';
import { clientMetricsInterceptor } from '../temporal/client-metrics';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { tracingEnabled } from '../common/tracing';
import { createMetrics, type Metrics } from '../common/metrics';
import { initOrm, type Orm } from '../db/orm';
import { loadSigningKeys } from './auth/keys';
import { TokenSigner } from './auth/tokens';
import { AuthService } from './auth/service';
import { ApiKeyService } from './auth/api-keys';
import { SessionService } from './auth/sessions';
import { LoginGuard } from './auth/login-guard';
import { TenantService } from './user/tenants';
import { DepartmentService } from './user/departments';
import { PositionService } from './user/positions';
import { UserService } from './user/users';
import { OrgChartService } from './user/org-chart';
import { DirectoryService } from './directory/service';
import { ApprovalCatalogService } from './approval/catalog';
import { PermissionService } from './permission/permissions';
import { RoleService } from './permission/roles';
import { MenuService } from './permission/menus';
import { Mailer } from './support/notifications/mailer';
import { MessageService } from './support/messages/service';
import { AuditLogService } from './support/audit/service';
import { TodoService } from './support/todos/service';
import { PlanService } from './support/plans/service';
import { AnnouncementService } from './support/announcements/service';
import { NotificationService } from './support/notifications/service';
import { ReminderService } from './support/todos/reminders';
import { DigestService } from './support/digest/service';
import { reportChecklistTodo } from './onboarding/checklist-todos';
import { DigestSchedules } from './support/digest/schedules';
import { TemplateService } from './approval/templates';
import { ApprovalInstanceService } from './approval/instances/service';
import { ApprovalInbox } from './approval/instances/inbox';
import { ApprovalOversight } from './approval/instances/oversight';
import { ApprovalInterventions } from './approval/instances/interventions';
import { ApprovalStatsService } from './approval/instances/stats';
import { ApprovalBatchService } from './approval/instances/batch';
import { ApprovalGraphService } from './approval/instances/graph';
import { TemporalCodecService } from './ops/temporal-codec';
import { ProvisioningService } from './user/provisioning';
import { OnboardingService } from './onboarding/service';
import { FileService } from './files/service';
import { DictionaryService } from './dictionary/service';
import { PackageService } from './package/service';
import { PlatformTenantService } from './platform/tenants';
import { TenantParameterService } from './parameters/service';

export interface Services {
  auth: AuthService;
  apiKeys: ApiKeyService;
  sessions: SessionService;
  loginGuard: LoginGuard;
  tenants: TenantService;
  departments: DepartmentService;
  positions: PositionService;
  users: UserService;
  orgChart: OrgChartService;
  directory: DirectoryService;
  approvalCatalog: ApprovalCatalogService;
  permissions: PermissionService;
  roles: RoleService;
  menus: MenuService;
  mailer: Mailer;
  messages: MessageService;
  audit: AuditLogService;
  todos: TodoService;
  plans: PlanService;
  announcements: AnnouncementService;
  notifications: NotificationService;
  reminders: ReminderService;
  digest: DigestService;
  digestSchedules: DigestSchedules;
  templates: TemplateService;
  approvals: ApprovalInstanceService;
  approvalInbox: ApprovalInbox;
  approvalOversight: ApprovalOversight;
  approvalInterventions: ApprovalInterventions;
  approvalStats: ApprovalStatsService;
  approvalBatch: ApprovalBatchService;
  approvalGraph: ApprovalGraphService;
  temporalCodec: TemporalCodecService;
  provisioning: ProvisioningService;
  onboarding: OnboardingService;
  files: FileService;
  dictionaries: DictionaryService;
  packages: PackageService;
  platformTenants: PlatformTenantService;
  tenantParameters: TenantParameterService;
}

export interface Runtime {
  config: AppConfig;
  log: Logger;
  orm: Orm;
  redis: Redis;
  tokens: TokenSigner;
  services: Services;
  /** Payload encryption for every Temporal client and worker of this process (temporal/data-converter.ts). */
  dataConverter: SignoffDataConverter;
  /** This process's Prometheus registry and metrics (common/metrics.ts). */
  metrics: Metrics;
  /** Temporal client, connected on first use (the API can start before the server is up). */
  temporal(): Promise<Client>;
  close(): Promise<void>;
}

export async function createRuntime(config: AppConfig, opts: { log?: Logger; name?: string } = {}): Promise<Runtime> {
  const log = opts.log ?? createLogger(config.LOG_LEVEL, opts.name ?? 'signoff');
  // First: a missing or unreadable key stops the start before anything is opened.
  const dataConverter = dataConverterFor(config);
  const orm = await initOrm(config.database, { debug: config.DATABASE_DEBUG, logger: log });
  const redis = new Redis(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX, maxRetriesPerRequest: 2, lazyConnect: false });
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis error'));
  const tokens = await TokenSigner.create(loadSigningKeys(config), {
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
  });

  const metrics = createMetrics();
  let client: Promise<Client> | undefined;
  const rt = {
    config,
    log,
    orm,
    redis,
    tokens,
    services: {} as Services,
    dataConverter,
    metrics,
    temporal() {
      client ??= connectTemporal(config)
        .then((connection) => new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter, interceptors: { workflow: clientInterceptors(metrics) } }))
        .catch((err) => {
          client = undefined; // try again next time
          throw err;
        });
      return client;
    },
    async close() {
      // Audit rows are buffered and written after responses: write what is left first.
      await rt.services.audit?.flush().catch((err: unknown) => log.warn({ err }, 'audit flush failed at shutdown'));
      if (client) await (await client.catch(() => undefined))?.connection.close().catch(() => undefined);
      redis.disconnect();
      await orm.close(true);
    },
  } satisfies Runtime;

  Object.assign(rt.services, {
    auth: new AuthService(rt),
    apiKeys: new ApiKeyService(rt),
    sessions: new SessionService(rt),
    loginGuard: new LoginGuard(rt),
    tenants: new TenantService(rt),
    departments: new DepartmentService(rt),
    positions: new PositionService(rt),
    users: new UserService(rt),
    orgChart: new OrgChartService(rt),
    directory: new DirectoryService(rt),
    approvalCatalog: new ApprovalCatalogService(rt),
    permissions: new PermissionService(rt),
    roles: new RoleService(rt),
    menus: new MenuService(rt),
    mailer: new Mailer(rt),
    messages: new MessageService(rt),
    audit: new AuditLogService(rt),
    todos: new TodoService(rt),
    announcements: new AnnouncementService(rt),
    notifications: new NotificationService(rt),
    reminders: new ReminderService(rt),
    digest: new DigestService(rt),
    digestSchedules: new DigestSchedules(rt),
    templates: new TemplateService(rt),
    approvals: new ApprovalInstanceService(rt),
    approvalInbox: new ApprovalInbox(rt),
    approvalOversight: new ApprovalOversight(rt),
    approvalInterventions: new ApprovalInterventions(rt),
    approvalStats: new ApprovalStatsService(rt),
    approvalBatch: new ApprovalBatchService(rt),
    approvalGraph: new ApprovalGraphService(rt),
    temporalCodec: new TemporalCodecService(rt),
    provisioning: new ProvisioningService(rt),
    onboarding: new OnboardingService(rt),
    files: new FileService(rt),
    dictionaries: new DictionaryService(rt),
    packages: new PackageService(rt),
    platformTenants: new PlatformTenantService(rt),
    tenantParameters: new TenantParameterService(rt),
  } satisfies Omit<Services, 'plans'>);
  rt.services.plans = new PlanService(rt, rt.services.todos);
  rt.services.todos.events.subscribe((event) => reportChecklistTodo(rt, event));
  return rt;
}

/** Metrics always; the OpenTelemetry one (a span per call, trace context into the workflow's headers) when tracing is on. */
function clientInterceptors(metrics: Metrics) {
  return [clientMetricsInterceptor(metrics), ...(tracingEnabled() ? [new OpenTelemetryWorkflowClientInterceptor()] : [])];
}
