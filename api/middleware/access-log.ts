import type { Middleware } from 'koa';
import type { Logger } from '../../common/logger';

/** One structured line per request, after it finished (status, duration, ids from the log context). */
export const accessLog = (log: Logger): Middleware => async (ctx, next) => {
  const started = process.hrtime.bigint();
  try {
    await next();
  } finally {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const level = ctx.status >= 500 ? 'error' : ctx.status >= 400 ? 'info' : 'debug';
    log[level]({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms * 10) / 10 }, 'request');
  }
};
