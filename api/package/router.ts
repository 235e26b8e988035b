/**
 * Packages and quotas: the tenant's own usage (tenant admins), and the platform's packages and
 * tenant assignments (platform operators, `platform:package:*`).
 */
import { PERMISSIONS as P } from '../../activities/permission/catalog';
import { route, type RouteModule } from '../route';
import { PageOf } from '../../common/pagination';
import {
  AssignPackageInput,
  CreatePackageInput,
  PackageListQuery,
  PackageParams,
  PackageView,
  TenantCodeParams,
  UpdatePackageInput,
  UsageView,
} from '../../activities/package/schema';

export const tenantUsageModule: RouteModule = {
  prefix: '/api/v1/tenant',
  tag: 'Tenant',
  routes: [
    route({
      method: 'get',
      path: '/usage',
      summary: "The tenant's package: each quota's limit (null: unlimited) and current usage",
      permission: P.tenantRead,
      response: UsageView,
      handler: ({ rt, actor }) => rt.services.packages.mine(actor),
    }),
  ],
};

export const platformPackagesModule: RouteModule = {
  prefix: '/api/v1/platform/packages',
  tag: 'Platform',
  routes: [
    route({
      method: 'get',
      path: '/',
      summary: 'List packages (by code, paginated)',
      permission: P.platformPackageRead,
      query: PackageListQuery,
      response: PageOf(PackageView),
      handler: ({ rt, query }) => rt.services.packages.list(query),
    }),
    route({
      method: 'post',
      path: '/',
      summary: 'Create a package',
      description: 'A quota left out is unlimited (the request rate: the platform default). 409 `package_code_taken` for a code in use.',
      permission: P.platformPackageWrite,
      body: CreatePackageInput,
      status: 201,
      response: PackageView,
      errors: [409],
      handler: ({ rt, body }) => rt.services.packages.create(body),
    }),
    route({
      method: 'get',
      path: '/:code',
      summary: 'A package',
      permission: P.platformPackageRead,
      params: PackageParams,
      response: PackageView,
      handler: ({ rt, params }) => rt.services.packages.get(params.code),
    }),
    route({
      method: 'patch',
      path: '/:code',
      summary: 'Change a package (name, description, quotas)',
      description: 'Only the quotas sent change. A quota below what a tenant on the package already uses is refused (409 `quota_below_usage` with `tenant`, `quota`, `limit`, `usage`).',
      permission: P.platformPackageWrite,
      params: PackageParams,
      body: UpdatePackageInput,
      response: PackageView,
      errors: [409],
      handler: ({ rt, params, body }) => rt.services.packages.update(params.code, body),
    }),
  ],
};

export const platformTenantPackagesModule: RouteModule = {
  prefix: '/api/v1/platform/tenants',
  tag: 'Platform',
  routes: [
    route({
      method: 'put',
      path: '/:code/package',
      summary: "Put a tenant on a package; answers the tenant's usage under it",
      description: 'Refused when the tenant already uses more than the package allows (409 `quota_below_usage` naming the `quota`, with `limit` and `usage`).',
      permission: P.platformPackageWrite,
      params: TenantCodeParams,
      body: AssignPackageInput,
      response: UsageView,
      errors: [409],
      handler: ({ rt, params, body }) => rt.services.packages.assign(params.code, body),
    }),
    route({
      method: 'get',
      path: '/:code/usage',
      summary: "A tenant's package: each quota's limit and current usage",
      permission: P.platformPackageRead,
      params: TenantCodeParams,
      response: UsageView,
      handler: ({ rt, params }) => rt.services.packages.tenantUsage(params.code),
    }),
  ],
};
