/** The tenant's audit log (read-only; rows are written by the audit middleware). */
import { PageOf } from '../../common/pagination';
import { PERMISSIONS as P } from '../../activities/permission/catalog';
import { route, type RouteModule } from '../route';
import { AuditLogQuery, AuditLogView } from '../../activities/support/audit/schema';

export const auditLogsModule: RouteModule = {
  prefix: '/api/v1/audit-logs',
  tag: 'Audit log',
  routes: [
    route({
      method: 'get',
      path: '/',
      summary: 'State-changing API calls of the tenant, newest first',
      description:
        'Filters: userId, action (contains), target (exact target id), result (success/failure), from/to (ISO instants, to exclusive). Entries are written in batches within about a second of the call.',
      permission: P.auditRead,
      query: AuditLogQuery,
      response: PageOf(AuditLogView),
      handler: ({ rt, actor, query }) => rt.services.audit.list(actor, query),
    }),
  ],
};
