/** Daily plans of the caller: one per calendar day of the tenant's time zone. */
import { z } from 'zod';
import { PageOf } from '../../common/pagination';
import { Uuid } from '../../common/schema';
import { route, type RouteModule } from '../route';
import { PlanDate, PlanHistoryQuery, PlanRangeQuery, PlanStats, PlanView, PutPlanInput } from '../../activities/support/plans/schema';

const PlanDateParams = z.object({ date: PlanDate });
const PlanItemParams = PlanDateParams.extend({ itemId: Uuid });

export const plansModule: RouteModule = {
  prefix: '/api/v1/plans',
  tag: 'Daily plans',
  routes: [
    route({
      method: 'get',
      path: '/',
      apiKey: 'workspace:read',
      summary: 'My plans of a date range, newest first',
      description: 'from/to are inclusive YYYY-MM-DD dates; by default the last 30 days up to today (tenant time zone).',
      query: PlanHistoryQuery,
      response: PageOf(PlanView),
      handler: ({ rt, actor, query }) => rt.services.plans.history(actor, query),
    }),
    // Before `/:date`, which would otherwise match "stats".
    route({
      method: 'get',
      path: '/stats',
      apiKey: 'workspace:read',
      summary: 'Days planned, items and completion rate over a date range',
      description: 'from/to as for the history; at most 366 days.',
      query: PlanRangeQuery,
      response: PlanStats,
      handler: ({ rt, actor, query }) => rt.services.plans.stats(actor, query),
    }),
    route({
      method: 'get',
      path: '/:date',
      apiKey: 'workspace:read',
      summary: 'My plan of a day (`today` = today in the tenant time zone)',
      params: PlanDateParams,
      response: PlanView,
      errors: [404],
      handler: ({ rt, actor, params }) => rt.services.plans.get(actor, params.date),
    }),
    route({
      method: 'put',
      path: '/:date',
      apiKey: 'workspace:write',
      summary: "Replace a day's items (creates the plan on first use)",
      description:
        'Items in order; an item with `id` keeps that existing item (404 `plan_item_not_found` if it is not an item of this plan), items left out are removed. `todoId` links one of your to-dos.',
      params: PlanDateParams,
      body: PutPlanInput,
      response: PlanView,
      errors: [404],
      handler: ({ rt, actor, params, body }) => rt.services.plans.put(actor, params.date, body),
    }),
    route({
      method: 'post',
      path: '/:date/items/:itemId/done',
      apiKey: 'workspace:write',
      summary: 'Tick off one item of a day',
      params: PlanItemParams,
      response: PlanView,
      errors: [404],
      handler: ({ rt, actor, params }) => rt.services.plans.markDone(actor, params.date, params.itemId),
    }),
  ],
};
