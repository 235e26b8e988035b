import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import { logContext } from '../../common/context';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Request id (taken from X-Request-Id when sane, else generated), echoed back and put into the log context with the trace id. */
export const requestContext = (): Middleware => async (ctx, next) => {
  const incoming = ctx.get('x-request-id');
  const requestId = SAFE_ID.test(incoming) ? incoming : randomUUID();
  ctx.state.requestId = requestId;
  ctx.set('X-Request-Id', requestId);
  const traceId = ctx.state.traceId as string | undefined; // set by requestTracing, when tracing is on
  await logContext.run(traceId ? { requestId, traceId } : { requestId }, next);
};
