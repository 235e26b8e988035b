/**
 * `GET /metrics` (Prometheus text format). Served on the public listener only behind
 * METRICS_TOKEN, or on its own internal listener (METRICS_PORT); with neither it is not served.
 */
import { createServer, type Server } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type Router from '@koa/router';
import type { Runtime } from '../../activities/runtime';
import { registerReadModelMetrics } from '../../activities/ops/metrics';

const tokenMatches = (header: string | undefined, token: string) => {
  const given = Buffer.from(/^Bearer\s+(.+)$/i.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
};

/** Read-model gauges join the registry once per runtime, whichever listener serves it. */
const prepared = new WeakSet<Runtime>();
function prepare(rt: Runtime) {
  if (prepared.has(rt)) return;
  prepared.add(rt);
  registerReadModelMetrics(rt);
}

async function render(rt: Runtime, authorization: string | undefined): Promise<{ status: number; type: string; body: string }> {
  const token = rt.config.METRICS_TOKEN;
  if (token && !tokenMatches(authorization, token)) return { status: 401, type: 'text/plain', body: 'metrics need Authorization: Bearer <METRICS_TOKEN>\n' };
  return { status: 200, type: rt.metrics.registry.contentType, body: await rt.metrics.registry.metrics() };
}

/** On the public router: only with a token and without a separate port. */
export function mountMetrics(router: Router, rt: Runtime) {
  if (!rt.config.METRICS_TOKEN || rt.config.METRICS_PORT !== undefined) return;
  prepare(rt);
  router.get('/metrics', async (ctx) => {
    const r = await render(rt, ctx.get('authorization'));
    if (r.status === 401) ctx.set('WWW-Authenticate', 'Bearer realm="metrics"');
    ctx.status = r.status;
    ctx.type = r.type;
    ctx.body = r.body;
  });
}

/** The internal listener (METRICS_PORT), when configured. Resolves once listening. */
export async function startMetricsServer(rt: Runtime): Promise<Server | undefined> {
  if (rt.config.METRICS_PORT === undefined) return undefined;
  prepare(rt);
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    render(rt, req.headers.authorization).then(
      (r) => res.writeHead(r.status, { 'content-type': r.type }).end(r.body),
      (err: unknown) => {
        rt.log.error({ err }, 'metrics rendering failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics failed\n');
      },
    );
  });
  server.listen(rt.config.METRICS_PORT, rt.config.METRICS_HOST);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  return server;
}
