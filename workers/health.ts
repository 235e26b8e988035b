/**
 * The worker's own HTTP endpoint (WORKER_HEALTH_PORT), for orchestrators and Prometheus:
 *  - `/ready`: 200 once the worker polls its task queue AND the Temporal frontend answers;
 *  - `/health`: 503 when the frontend does not answer (within 2 s) or the worker has stopped or
 *    failed: a restart may help; a worker that is still bundling is healthy but not ready;
 *  - `/metrics`: this process's application metrics (prom-client). The SDK's own metrics (task
 *    slots, pollers, schedule-to-start…) are on WORKER_METRICS_PORT, served by the SDK runtime.
 */
import { createServer, type Server } from 'node:http';
import type { NativeConnection, State } from '@temporalio/worker';
import type { Runtime } from '../activities/runtime';

export interface WorkerProbe {
  /** The worker's state, or undefined while it is being created (bundling). */
  state(): State | undefined;
  connection: NativeConnection;
}

const SERVER_CHECK_MS = 2000;

/** A real round trip (the client caches the server's system info, so that call proves nothing). */
async function serverReachable(connection: NativeConnection, namespace: string): Promise<boolean> {
  try {
    // The deadline bounds the call, not the reconnects before it: race a timer as well.
    const call = connection.withDeadline(Date.now() + SERVER_CHECK_MS, () => connection.workflowService.describeNamespace({ namespace }));
    call.catch(() => undefined);
    await Promise.race([call, new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), SERVER_CHECK_MS).unref())]);
    return true;
  } catch {
    return false;
  }
}

export async function startWorkerHealthServer(rt: Runtime, probe: WorkerProbe, port: number, host = rt.config.WORKER_HEALTH_HOST): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method !== 'GET') return json(405, { status: 'method_not_allowed' });
    if (path === '/metrics') {
      rt.metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': rt.metrics.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    if (path !== '/health' && path !== '/ready') return json(404, { status: 'not_found' });
    serverReachable(probe.connection, rt.config.TEMPORAL_NAMESPACE).then((reachable) => {
      const state = probe.state() ?? 'STARTING';
      const polling = state === 'RUNNING';
      const dead = state === 'FAILED' || state === 'STOPPED';
      const ok = path === '/ready' ? polling && reachable : reachable && !dead;
      json(ok ? 200 : 503, { status: ok ? (path === '/ready' ? 'ready' : 'ok') : 'unavailable', worker: state, temporal: reachable ? 'reachable' : 'unreachable' });
    });
  });
  server.listen(port, host);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  return server;
}
