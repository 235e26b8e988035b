import type { Middleware } from 'koa';
import type { Metrics } from '../../common/metrics';

/**
 * Request metrics, outermost so they see the final status (problem+json included). The route
 * label is the router's template (`/api/v1/approvals/:id`), never the raw path: unmatched paths
 * (typos, scans, console assets) all count as `unmatched`, so a scanner cannot mint series.
 */
export const requestMetrics = (metrics: Metrics): Middleware => async (ctx, next) => {
  metrics.httpInFlight.inc();
  const end = metrics.httpDuration.startTimer();
  try {
    await next();
  } finally {
    metrics.httpInFlight.dec();
    const template = (ctx as { _matchedRoute?: unknown })._matchedRoute;
    const route = typeof template === 'string' ? template : 'unmatched';
    end({ method: methodLabel(ctx.method), route, status: String(ctx.status) });
    const code = (ctx.body as { code?: unknown } | undefined)?.code;
    if (ctx.status === 401) metrics.authFailures.inc({ reason: typeof code === 'string' ? code : 'unauthorized' });
  }
};

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const methodLabel = (m: string) => (METHODS.has(m) ? m : 'OTHER');
