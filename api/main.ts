/** Production API entrypoint (`npm run start:api`). */
import { loadConfig, ConfigError } from '../common/config';
import { createRuntime } from '../activities/runtime';
import { createApp } from './app';
import { migrate } from '../db/orm';
import { startMetricsServer } from './ops/metrics-endpoint';
import { installTracing, shutdownTracing } from '../common/tracing';

export async function startApi(rt: Awaited<ReturnType<typeof createRuntime>>) {
  const app = createApp(rt);
  const server = app.listen(rt.config.API_PORT, rt.config.API_HOST);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : rt.config.API_PORT;
  rt.log.info({ url: `http://${rt.config.API_HOST}:${port}` }, 'api listening');
  const metricsServer = await startMetricsServer(rt);
  if (metricsServer) rt.log.info({ host: rt.config.METRICS_HOST, port: rt.config.METRICS_PORT }, 'metrics listening');
  else if (!rt.config.METRICS_TOKEN) rt.log.info('metrics not served: set METRICS_PORT or METRICS_TOKEN');
  return { server, port, metricsServer };
}

async function main() {
  const config = loadConfig();
  installTracing('signoff-api', { endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  const rt = await createRuntime(config, { name: 'signoff-api' });
  if (process.env.MIGRATE_ON_START === 'true') await migrate(rt.orm);
  const { server, metricsServer } = await startApi(rt);
  const stop = async () => {
    rt.log.info('api shutting down');
    server.close();
    metricsServer?.close();
    server.closeAllConnections?.();
    await rt.close();
    await shutdownTracing();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(1);
  });
}
