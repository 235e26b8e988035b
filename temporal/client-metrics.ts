/**
 * Latency of every Temporal client call by operation, as a client interceptor: it sees the calls
 * of the process layer, the schedules and the health check alike, without wrapping each caller.
 */
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { timed as timedMetric, type Metrics } from '../common/metrics';
import { measure } from '../common/timing';

export function clientMetricsInterceptor(metrics: Pick<Metrics, 'temporalClientDuration'>): WorkflowClientInterceptor {
  const h = metrics.temporalClientDuration;
  // Each call also counts as the request's `temporal` phase (Server-Timing), when one is timed.
  const timed = <T>(hist: typeof h, op: string, fn: () => Promise<T>) => measure('temporal', () => timedMetric(hist, op, fn));
  return {
    start: (input, next) => timed(h, 'start', () => next(input)),
    startWithDetails: (input, next) => timed(h, 'start', () => next(input)),
    signalWithStart: (input, next) => timed(h, 'signal_with_start', () => next(input)),
    startUpdate: (input, next) => timed(h, 'update', () => next(input)),
    startUpdateWithStart: (input, next) => timed(h, 'update_with_start', () => next(input)),
    signal: (input, next) => timed(h, 'signal', () => next(input)),
    query: (input, next) => timed(h, 'query', () => next(input)),
    describe: (input, next) => timed(h, 'describe', () => next(input)),
    cancel: (input, next) => timed(h, 'cancel', () => next(input)),
    terminate: (input, next) => timed(h, 'terminate', () => next(input)),
  };
}
