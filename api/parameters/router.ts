/** Tenant parameters: working calendar, reminder lead, digest time, password policy, session lifetime. */
import { PERMISSIONS as P } from '../../activities/permission/catalog';
import { route, type RouteModule } from '../route';
import { ParametersView, PatchParametersInput, ReplaceParametersInput } from '../../activities/parameters/definitions';

const CHECKED = 'Checked as a whole before anything is written (422 `validation_failed`, each problem at its field path): never half-applied. A new digest time moves the daily digest schedule.';

export const tenantParametersModule: RouteModule = {
  prefix: '/api/v1/tenant/parameters',
  tag: 'Tenant',
  routes: [
    route({
      method: 'get',
      path: '/',
      summary: "The tenant's parameters: effective values, platform defaults and which are defaults",
      permission: P.tenantRead,
      response: ParametersView,
      handler: ({ rt, actor }) => rt.services.tenantParameters.view(actor),
    }),
    route({
      method: 'put',
      path: '/',
      summary: 'Replace every parameter (one left out goes back to the platform default)',
      description: CHECKED,
      permission: P.tenantUpdate,
      body: ReplaceParametersInput,
      response: ParametersView,
      handler: ({ rt, actor, body }) => rt.services.tenantParameters.replace(actor, body),
    }),
    route({
      method: 'patch',
      path: '/',
      summary: 'Change some parameters (`null` puts one back to the platform default)',
      description: CHECKED,
      permission: P.tenantUpdate,
      body: PatchParametersInput,
      response: ParametersView,
      handler: ({ rt, actor, body }) => rt.services.tenantParameters.patch(actor, body),
    }),
  ],
};
