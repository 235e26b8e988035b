/**
 * Prometheus metrics of one process (prom-client). Each runtime owns its registry: tests build
 * several runtimes in one process, and metric objects registered twice in one registry throw.
 *
 * Label values are always from a closed set (method, route TEMPLATE, status, problem code,
 * operation, template key, step id, channel…), never a raw path, id or user input: an unbounded
 * label is a new time series per value and takes Prometheus down.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Seconds. Dense around the 100 ms p95 target so the histogram can tell 80 ms from 120 ms. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds: dependency round trips (DB, Redis, Temporal frontend) are mostly sub-10 ms. */
export const DEPENDENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export function createMetrics() {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'signoff_http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status (the _count series is the request count)',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    httpInFlight: new Gauge({ name: 'signoff_http_requests_in_flight', help: 'HTTP requests being served now', registers }),
    rateLimitRefusals: new Counter({
      name: 'signoff_rate_limit_refusals_total',
      help: 'Requests refused with 429 by a limit, by limit bucket',
      labelNames: ['bucket'] as const,
      registers,
    }),
    authFailures: new Counter({
      name: 'signoff_auth_failures_total',
      help: 'Requests refused with 401, by problem code (invalid_credentials, token_expired, api_key_revoked…)',
      labelNames: ['reason'] as const,
      registers,
    }),
    temporalClientDuration: new Histogram({
      name: 'signoff_temporal_client_duration_seconds',
      help: 'Temporal client calls by operation (start, update, query, signal, describe…) and outcome',
      labelNames: ['operation', 'outcome'] as const,
      buckets: DEPENDENCY_BUCKETS,
      registers,
    }),
    reminderFires: new Counter({
      name: 'signoff_reminder_fires_total',
      help: 'To-do reminders sent by this worker, by kind (due, overdue)',
      labelNames: ['kind'] as const,
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Time a promise into a histogram, with `outcome` ok/error when the histogram has that label. */
export async function timed<T>(histogram: Histogram<'operation' | 'outcome'>, operation: string, fn: () => Promise<T>): Promise<T> {
  const end = histogram.startTimer({ operation });
  try {
    const value = await fn();
    end({ outcome: 'ok' });
    return value;
  } catch (err) {
    end({ outcome: 'error' });
    throw err;
  }
}

/**
 * Count a refusal by a rate limit. For any limiter (per IP, per tenant, per key): call it where
 * the 429 is decided, with a bucket name from code (never the client's address or id).
 */
export function countRateLimitRefusal(metrics: Pick<Metrics, 'rateLimitRefusals'>, bucket: string): void {
  metrics.rateLimitRefusals.inc({ bucket });
}
