import type { Middleware } from 'koa';
import { context, propagation, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { traceIdOf, tracer } from '../../common/tracing';

/**
 * The request's server span (a caller's `traceparent` continues its trace). Named after the
 * route template once routing is known. The trace id goes to `ctx.state.traceId` for logs and
 * problem+json; with tracing off the span is the no-op one and nothing is added.
 */
export const requestTracing = (): Middleware => async (ctx, next) => {
  const parent = propagation.extract(context.active(), ctx.headers);
  return tracer().startActiveSpan(`${ctx.method}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': ctx.method } }, parent, async (span) => {
    const traceId = traceIdOf(span);
    if (traceId) {
      ctx.state.traceId = traceId;
      ctx.set('traceparent', `00-${traceId}-${span.spanContext().spanId}-01`);
    }
    try {
      await next();
    } finally {
      const template = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      const route = typeof template === 'string' ? template : 'unmatched';
      span.updateName(`${ctx.method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': ctx.status });
      if (ctx.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  });
};
