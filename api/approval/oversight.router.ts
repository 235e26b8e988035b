/**
 * Oversight of every request in the caller's data scope (`approval:view-all`) or of the templates
 * they manage: a filtered, cursor-paged list and its CSV export. ApprovalOversight checks who
 * may (a template manager holds no permission code), hence `service-checked` for API keys.
 */
import { PERMISSIONS as P } from '../../activities/permission/catalog';
import { APPROVALS_PREFIX } from '../../activities/approval/instances/service';
import { OversightPage, OversightQuery } from '../../activities/approval/instances/schema';
import { route, type RouteModule } from '../route';

const FILTERS =
  'Filters: templateKey, status, initiatorId, assigneeId (holds an open task now), departmentId (+ includeSubtree, default true: the initiator’s department at submit), q (title or serial number contains), serialNumber (exactly), submittedFrom/To, finishedFrom/To, stuckForMinutes (running, the oldest open task waited at least that long).';

export const approvalOversightModule: RouteModule = {
  prefix: APPROVALS_PREFIX,
  tag: 'Approvals',
  routes: [
    route({
      method: 'get',
      path: '/oversight',
      summary: 'Every request in your data scope or of the templates you manage, newest first',
      description: `${FILTERS} Pass \`nextCursor\` back as \`cursor\`.`,
      servicePermission: { code: P.approvalViewAll, or: 'a manager of the template (its requests only)' },
      apiKey: 'service-checked',
      query: OversightQuery,
      response: OversightPage,
      handler: ({ rt, actor, query }) => rt.services.approvalOversight.list(actor, query),
    }),
    route({
      method: 'get',
      path: '/oversight/export.csv',
      summary: 'The same selection as CSV (at most 10,000 rows; `X-Truncated: true` when cut)',
      description: FILTERS,
      servicePermission: { code: P.approvalViewAll, or: 'a manager of the template (its requests only)' },
      apiKey: 'service-checked',
      query: OversightQuery,
      handler: async ({ rt, actor, query, ctx }) => {
        const { csv, truncated } = await rt.services.approvalOversight.exportCsv(actor, query);
        ctx.type = 'text/csv; charset=utf-8';
        ctx.set('Content-Disposition', 'attachment; filename="approvals.csv"');
        if (truncated) ctx.set('X-Truncated', 'true');
        return csv;
      },
    }),
  ],
};
