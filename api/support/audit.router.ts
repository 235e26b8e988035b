/** The tenant's audit log (read-only; rows are written by the audit middleware). */
import { PageOf } from '../../common/pagination';
import { PERMISSIONS as P } from '../../activities/permission/catalog';
import { route, type RouteModule } from '../route';
import { AuditChangeQuery, AuditChangeView, AuditLogQuery, AuditLogView } from '../../activities/support/audit/schema';

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
    route({
      method: 'get',
      path: '/changes',
      summary: 'What changed in the tenant, field by field, newest first',
      description:
        'One entry per created, updated or deleted record, written in the same transaction as the change, whoever made it: a signed-in caller (`api`), a public call such as account activation or token refresh (`public`), a workflow (`workflow`) or a script (`system`). `changes` maps each field to its `before` and `after` (secrets redacted, long values summarised). Filters: entity, entityId, source, userId, from/to.',
      permission: P.auditRead,
      query: AuditChangeQuery,
      response: PageOf(AuditChangeView),
      handler: ({ rt, actor, query }) => rt.services.audit.listChanges(actor, query),
    }),
  ],
};
