/** The people directory: any signed-in employee may look up colleagues and the department tree. */
import { z } from 'zod';
import { IdParams, route, type RouteModule } from '../route';
import { PageOf } from '../../common/pagination';
import { DirectoryDepartment, DirectoryPerson, DirectoryQuery } from '../../activities/directory/schema';

export const directoryModule: RouteModule = {
  prefix: '/api/v1/directory',
  tag: 'Directory',
  routes: [
    route({
      method: 'get',
      path: '/people',
      apiKey: 'workspace:read',
      summary: 'Search active colleagues of your tenant',
      description:
        'For pickers (transfer, delegate, add-sign, user fields). Filters: q (name or username contains), departmentId (+ includeSubtree). ' +
        'No permission needed; email and phone appear only for callers holding `user:read`.',
      query: DirectoryQuery,
      response: PageOf(DirectoryPerson),
      handler: ({ rt, actor, query }) => rt.services.directory.people(actor, query),
    }),
    route({
      method: 'get',
      path: '/people/:id',
      apiKey: 'workspace:read',
      summary: 'One active colleague',
      params: IdParams,
      response: DirectoryPerson,
      errors: [404],
      handler: ({ rt, actor, params }) => rt.services.directory.person(actor, params.id),
    }),
    route({
      method: 'get',
      path: '/departments',
      apiKey: 'workspace:read',
      summary: "The tenant's department tree (names only)",
      response: z.array(DirectoryDepartment),
      handler: ({ rt, actor }) => rt.services.directory.departments(actor),
    }),
  ],
};
