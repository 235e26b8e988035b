import type { Middleware } from 'koa';
import { runWithTiming, serverTimingHeader } from '../../common/timing';

/**
 * `Server-Timing` on every answer (SERVER_TIMING=true): the request runs inside its own timing
 * store (common/timing.ts), and the phases measured down the stack are written out once the
 * answer is final, problem+json included.
 */
export const serverTiming = (): Middleware => async (ctx, next) => {
  const t0 = performance.now();
  const run = runWithTiming(() => next());
  try {
    await run.done;
  } finally {
    ctx.set('Server-Timing', serverTimingHeader(run.totals(), performance.now() - t0));
  }
};
