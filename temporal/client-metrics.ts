/**
 * Latency of every Temporal client call by operation, as a client interceptor: it sees the calls
 * of the process layer, the schedules and the health check alike, without wrapping each caller.
 */
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { timed, type Metrics } from '../common/metrics';

export function clientMetricsInterceptor(metrics: Pick<Metrics, 'temporalClientDuration'>): WorkflowClientInterceptor {
  const h = metrics.temporalClientDuration;
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
