/**
 * The approval catalogue: what the caller may start, its form, and who would approve it.
 * Open to every signed-in employee; the rule (template starters) lives in activities/approval/catalog.ts.
 */
import { IdParams, route, type RouteModule } from '../route';
import { PageOf } from '../../common/pagination';
import { CatalogEntry, CatalogEntryQuery, CatalogQuery, DryRunResult, StartPreviewInput } from '../../activities/approval/schema';

export const approvalCatalogModule: RouteModule = {
  prefix: '/api/v1/approval-catalog',
  tag: 'Approval catalogue',
  routes: [
    route({
      method: 'get',
      path: '/',
      apiKey: 'approval:submit',
      summary: 'Templates you may start, by category, with their forms',
      description: 'Active templates with a published version whose starters include you (everyone, your department or one above it, a role you hold, or you by name). Filters: q, category. Fields with `optionsFrom` come with the dictionary\'s enabled items as `options`, labelled in `lang`.',
      query: CatalogQuery,
      response: PageOf(CatalogEntry),
      handler: ({ rt, actor, query }) => rt.services.approvalCatalog.list(actor, query),
    }),
    route({
      method: 'get',
      path: '/:id',
      apiKey: 'approval:submit',
      summary: 'One template you may start, with the form of its latest version',
      description: '403 `template_not_startable` when its starters do not include you. Fields with `optionsFrom` come with the dictionary\'s enabled items as `options`, labelled in `lang`.',
      params: IdParams,
      query: CatalogEntryQuery,
      response: CatalogEntry,
      errors: [403, 404],
      handler: ({ rt, actor, params, query }) => rt.services.approvalCatalog.entry(actor, params.id, query),
    }),
    route({
      method: 'post',
      path: '/:id/preview',
      apiKey: 'approval:submit',
      summary: 'Who will approve this? A dry-run of the latest version with you as the initiator',
      description: 'Nothing is started or stored. Form errors answer 422 at their fields, as a submit would.',
      params: IdParams,
      body: StartPreviewInput,
      response: DryRunResult,
      errors: [403, 404],
      handler: ({ rt, actor, params, body }) => rt.services.approvalCatalog.preview(actor, params.id, body),
    }),
  ],
};
