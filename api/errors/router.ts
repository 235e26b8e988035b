/**
 * The problem-code catalogue (common/error-codes.ts) for client developers. Public like
 * /openapi.json: it is documentation, and knowing the codes grants nothing.
 */
import { z } from 'zod';
import { publicRoute, type RouteModule } from '../route';
import { PageOf, pageOf } from '../../common/pagination';
import { ErrorCodeView, errorCodeViews } from '../../common/error-codes';

/**
 * Paginated like every listing, but with a page size that holds the whole catalogue (about 150
 * codes; the default returns everything) so a client fetches it in one call.
 */
const ErrorCodesQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(500),
  status: z.coerce.number().int().min(400).max(599).optional().describe('Only codes answered with this status'),
});

export const errorsModule: RouteModule = {
  prefix: '/api/v1/errors',
  tag: 'Errors',
  routes: [
    publicRoute({
      method: 'get',
      path: '/',
      summary: 'Every problem code the API answers, with its HTTP status and meaning',
      description:
        'Generated from the one catalogue the server throws its errors from, so it lists every `code` a problem+json ' +
        'response can carry. Codes are stable: new ones are added, none is renamed. The `code` of an entry in a ' +
        "validation problem's `errors` array (per field) is free-form and not listed here. Readable without login.",
      auth: false,
      query: ErrorCodesQuery,
      response: PageOf(ErrorCodeView),
      handler: async ({ query }) => {
        const all = errorCodeViews().filter((e) => query.status === undefined || e.status === query.status || e.alsoStatus?.includes(query.status));
        const start = (query.page - 1) * query.pageSize;
        return pageOf(all.slice(start, start + query.pageSize), all.length, query);
      },
    }),
  ],
};
