/**
 * Production worker entrypoint (`npm run start:worker`): ensures search attributes on the cluster,
 * then polls until SIGINT/SIGTERM. Shutdown is graceful: no new tasks, in-flight ones finish or
 * are retried elsewhere; nothing is lost because state lives in Temporal.
 */
import type { Server } from 'node:http';
import { NativeConnection, Runtime as TemporalRuntime, type Worker } from '@temporalio/worker';
import { connectTemporal, temporalConnectionOptions } from '../temporal/connection';
import { loadConfig, ConfigError } from '../common/config';
import { createRuntime, type Runtime } from '../activities/runtime';
import { ensureSearchAttributes } from '../temporal/search-attributes';
import { createWorker } from './create-worker';
import { ensureAuditPurgeSchedule } from '../activities/support/audit/purge';
import { ensureReconcileSchedule } from '../activities/approval/instances/reconcile';
import { startWorkerHealthServer } from './health';
import { installTracing, shutdownTracing } from '../common/tracing';

export async function runWorker(rt: Runtime, opts: { signal?: AbortSignal } = {}) {
  const admin = await connectTemporal(rt.config);
  try {
    const added = await ensureSearchAttributes(admin, rt.config.TEMPORAL_NAMESPACE);
    if (added.length) rt.log.info({ added }, 'search attributes registered');
  } finally {
    await admin.close();
  }
  const connection = await NativeConnection.connect(temporalConnectionOptions(rt.config));
  const started: { worker?: Worker } = {};
  // Up before bundling, so an orchestrator sees "alive, not ready yet" rather than nothing.
  let health: Server | undefined;
  if (rt.config.WORKER_HEALTH_PORT !== undefined) {
    health = await startWorkerHealthServer(rt, { connection, state: () => started.worker?.getState() }, rt.config.WORKER_HEALTH_PORT);
    rt.log.info({ host: rt.config.WORKER_HEALTH_HOST, port: rt.config.WORKER_HEALTH_PORT }, 'worker health listening');
  }
  const worker = (started.worker = await createWorker(rt, {
    connection,
    ...(rt.config.WORKFLOW_BUNDLE_PATH ? { workflowBundle: { codePath: rt.config.WORKFLOW_BUNDLE_PATH } } : {}),
  }).catch(async (err: unknown) => {
    health?.close();
    await connection.close();
    throw err;
  }));
  rt.log.info({ taskQueue: rt.config.TEMPORAL_TASK_QUEUE, namespace: rt.config.TEMPORAL_NAMESPACE }, 'worker started');
  const running = worker.run();
  // Schedules are data on the cluster: make sure every tenant has its digest schedule, aligned
  // with its time zone. A failure here is logged, not fatal: the worker's own job is the queue.
  Promise.all([rt.services.digestSchedules.ensureAll(), ensureAuditPurgeSchedule(rt), ensureReconcileSchedule(rt)]).then(
    ([digests, auditPurge, reconcile]) => rt.log.info({ digests, auditPurge, reconcile }, 'schedules ensured'),
    (err: unknown) => rt.log.warn({ err }, 'schedules could not be ensured'),
  );
  // Bundling takes seconds: a stop requested meanwhile has already fired its abort event, and
  // a listener added now would never run. Check the flag as well as listening.
  if (opts.signal?.aborted) worker.shutdown();
  else opts.signal?.addEventListener('abort', () => worker.shutdown(), { once: true });
  try {
    await running;
  } finally {
    health?.close();
    await connection.close();
    rt.log.info('worker stopped');
  }
}

/** The SDK runtime's options: its Prometheus exporter (task slots, pollers, schedule-to-start…) when asked for. */
export function sdkRuntimeOptions(config: ReturnType<typeof loadConfig>): Parameters<typeof TemporalRuntime.install>[0] {
  if (config.WORKER_METRICS_PORT === undefined) return {};
  return {
    telemetryOptions: {
      metrics: {
        // Seconds and _total like every other Prometheus metric (and like the API's).
        prometheus: { bindAddress: `${config.WORKER_HEALTH_HOST}:${config.WORKER_METRICS_PORT}`, useSecondsForDurations: true, countersTotalSuffix: true },
      },
    },
  };
}

async function main() {
  const config = loadConfig();
  // The SDK installs its own SIGINT/SIGTERM handlers that call worker.shutdown(). Its runtime is
  // installed once per process, before any connection: that is where its metrics exporter lives.
  TemporalRuntime.install(sdkRuntimeOptions(config));
  installTracing('signoff-worker', { endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  const rt = await createRuntime(config, { name: 'signoff-worker' });
  try {
    await runWorker(rt);
  } finally {
    await rt.close();
    await shutdownTracing(); // flush the last spans
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(1);
  });
}
