/**
 * Tenants, for platform operators (`platform:tenant:read|write`, held only in the platform
 * tenant): create (the onboarding saga), list, read with the saga's progress, suspend, resume,
 * delete (a batched workflow with a report). The rules live in activities/platform/tenants.ts.
 */
import { PERMISSIONS } from '../../activities/permission/catalog';
import { PageOf } from '../../common/pagination';
import { route, type RouteModule } from '../route';
import { PLATFORM_TENANTS_PATH } from '../../activities/platform/tenants';
import {
  CreateTenantRequest,
  PlatformTenantDetail,
  PlatformTenantView,
  TenantCodeParams,
  TenantDeletionView,
  TenantListQuery,
  TenantProcessStarted,
} from '../../activities/platform/schema';

const ONLY_OPERATORS = 'Platform operators only: a customer tenant cannot hold the platform permissions, so its users get 403.';

export const platformTenantsModule: RouteModule = {
  prefix: PLATFORM_TENANTS_PATH,
  tag: 'Platform: tenants',
  routes: [
    route({
      method: 'post',
      path: '/',
      summary: 'Create a tenant (durable onboarding saga)',
      description:
        'Starts `tenant-onboarding:<code>`: tenant row → built-in roles, menus and preset templates → the first tenant administrator, invited by mail with an activation link (`POST /api/v1/onboarding/activate`) → digest schedule → the tenant opens. ' +
        'A failure undoes the steps done, newest first. Answers 202 at once with the Location of the tenant (its `onboarding` is the progress); the same code again answers the same saga. ' +
        ONLY_OPERATORS,
      permission: PERMISSIONS.platformTenantWrite,
      body: CreateTenantRequest,
      status: 202,
      response: TenantProcessStarted,
      errors: [409, 422],
      handler: async ({ rt, actor, body, ctx }) => {
        const started = await rt.services.platformTenants.create(actor, body);
        ctx.set('Location', started.statusUrl);
        return started;
      },
    }),
    route({
      method: 'get',
      path: '/',
      summary: 'List customer tenants (by code), optionally by status',
      description: ONLY_OPERATORS,
      permission: PERMISSIONS.platformTenantRead,
      query: TenantListQuery,
      response: PageOf(PlatformTenantView),
      handler: ({ rt, actor, query }) => rt.services.platformTenants.list(actor, query),
    }),
    route({
      method: 'get',
      path: '/:code',
      summary: 'Read a tenant with the progress of its onboarding (and deletion)',
      description: ONLY_OPERATORS,
      permission: PERMISSIONS.platformTenantRead,
      params: TenantCodeParams,
      response: PlatformTenantDetail,
      errors: [404],
      handler: ({ rt, actor, params }) => rt.services.platformTenants.get(actor, params.code),
    }),
    route({
      method: 'post',
      path: '/:code/suspend',
      summary: 'Suspend a tenant: logins, tokens and API keys refused (`tenant_suspended`), schedules paused; running workflows go on',
      description: ONLY_OPERATORS,
      permission: PERMISSIONS.platformTenantWrite,
      params: TenantCodeParams,
      response: PlatformTenantView,
      errors: [404, 409],
      handler: ({ rt, actor, params }) => rt.services.platformTenants.suspend(actor, params.code),
    }),
    route({
      method: 'post',
      path: '/:code/resume',
      summary: 'Resume a suspended tenant (logins again, schedules unpaused)',
      description: ONLY_OPERATORS,
      permission: PERMISSIONS.platformTenantWrite,
      params: TenantCodeParams,
      response: PlatformTenantView,
      errors: [404, 409],
      handler: ({ rt, actor, params }) => rt.services.platformTenants.resume(actor, params.code),
    }),
    route({
      method: 'delete',
      path: '/:code',
      summary: 'Delete a suspended tenant (batched workflow, report at /deletion)',
      description: 'Only a suspended tenant (409 `tenant_state_invalid` otherwise). Starts `tenant-deletion:<code>`, which removes its rows table by table in batches, its schedule and the tenant row, and reports the rows removed per table. ' + ONLY_OPERATORS,
      permission: PERMISSIONS.platformTenantWrite,
      params: TenantCodeParams,
      status: 202,
      response: TenantProcessStarted,
      errors: [404, 409],
      handler: async ({ rt, actor, params, ctx }) => {
        const started = await rt.services.platformTenants.delete(actor, params.code);
        ctx.set('Location', started.statusUrl);
        return started;
      },
    }),
    route({
      method: 'get',
      path: '/:code/deletion',
      summary: "A tenant deletion's progress and final report (rows removed per table)",
      description: ONLY_OPERATORS,
      permission: PERMISSIONS.platformTenantRead,
      params: TenantCodeParams,
      response: TenantDeletionView,
      errors: [404],
      handler: ({ rt, actor, params }) => rt.services.platformTenants.deletion(actor, params.code),
    }),
  ],
};
