/**
 * `npm start`: the whole product on one machine, as one process tree.
 *   Temporal dev server (child process, SQLite file in DATA_DIR, Web UI)
 *   + migrations + idempotent demo seed + worker + API,
 * then prints the URLs. Ctrl-C stops everything cleanly; a second start reuses the data.
 * With TEMPORAL_ADDRESS set it uses that server instead of launching one.
 */
import { Runtime as TemporalRuntime } from '@temporalio/worker';
import { loadConfig, ConfigError } from '../common/config';
import { createRuntime } from '../activities/runtime';
import { migrate } from '../db/orm';
import { seedDemoData, seedPlatformDictionaries, seedPlatformTenant, syncPermissionCatalog, DEMO } from '../db/seed';
import { seedDemoJourneys } from '../db/seed-journeys';
import { startApi } from '../api/main';
import { consoleDir } from '../api/console';
import { runWorker } from '../workers/main';
import { ensureTemporalCli, TemporalCliNotFound } from './cli';
import { startDevServer, type DevServer } from './dev-server';
import { CODEC_PAGE_PATH } from '../api/ops/temporal-codec-browser';
import { TEMPORAL_CODEC_PREFIX } from '../api/ops/temporal-codec.router';

/** The dev server this process launched: stopped on any way out, a failed start included. */
let devServer: DevServer | undefined;

async function main() {
  const config = loadConfig();
  // Payloads in Temporal are encrypted; the UI decodes them through the API (for operators).
  const apiHost = ['0.0.0.0', '::'].includes(config.API_HOST) ? '127.0.0.1' : config.API_HOST;
  const codecEndpoint = `http://${apiHost}:${config.API_PORT}${TEMPORAL_CODEC_PREFIX}`;
  if (config.NODE_ENV !== 'production') config.TEMPORAL_CODEC_OPERATORS ??= `${DEMO.tenantCode}/${DEMO.adminUsername}`;
  let uiUrl = config.TEMPORAL_UI_URL;
  if (!config.TEMPORAL_ADDRESS) {
    const cliPath = ensureTemporalCli({ install: true, log: (m) => console.log(m) });
    const port = Number(process.env.TEMPORAL_DEV_PORT ?? 7233);
    devServer = await startDevServer({
      cliPath,
      dataDir: config.dataDir,
      namespace: config.TEMPORAL_NAMESPACE,
      port,
      uiPort: Number(process.env.TEMPORAL_DEV_UI_PORT ?? port + 1000),
      codecEndpoint,
    });
    config.TEMPORAL_ADDRESS = devServer.address;
    uiUrl ??= devServer.uiUrl;
    // The console links each request to its workflow there; the codec endpoint allows it as CORS origin.
    config.TEMPORAL_UI_URL = uiUrl;
  }

  // We own the signals in this combined process: stop API, then worker, then the server.
  TemporalRuntime.install({ shutdownSignals: [] });
  const rt = await createRuntime(config, { name: 'signoff' });
  const applied = await migrate(rt.orm);
  if (applied.length) rt.log.info({ applied }, 'migrations applied');
  const synced = await syncPermissionCatalog(rt.orm.em.fork());
  if (synced.permissionsAdded || synced.grantsAdded) rt.log.info(synced, 'permission catalogue brought up to date');
  await seedPlatformDictionaries(rt.orm.em.fork());
  const seeded = await seedDemoData(rt.orm.em.fork(), { scryptLogN: config.SCRYPT_LOG_N });
  const platform = await seedPlatformTenant(rt.orm.em.fork(), { scryptLogN: config.SCRYPT_LOG_N });
  const journeys = await seedDemoJourneys(rt, seeded);
  if (journeys.length) rt.log.info({ templates: journeys }, 'demo journeys set up (serial numbers, restricted starters, a template manager)');

  const workerStop = new AbortController();
  const worker = runWorker(rt, { signal: workerStop.signal });
  const { server, port } = await startApi(rt);

  const api = `http://${config.API_HOST}:${port}`;
  const ui = uiUrl ?? `(Temporal UI: see your cluster)`;
  console.log(
    [
      '',
      'Signoff is running.',
      consoleDir() ? `  Console        ${api}/` : `  Console        not built: run \`npm run build\` (the API below works without it)`,
      `  API            ${api}/api/v1`,
      `  API docs       ${api}/docs   (OpenAPI: ${api}/openapi.json)`,
      `  Health         ${api}/health   ${api}/ready`,
      `  Temporal UI    ${ui}${uiUrl ? `/namespaces/${config.TEMPORAL_NAMESPACE}/workflows` : ''}`,
      `  Temporal       ${config.TEMPORAL_ADDRESS} (namespace ${config.TEMPORAL_NAMESPACE})`,
      `  Payload codec  ${codecEndpoint}   operators: ${config.TEMPORAL_CODEC_OPERATORS ?? 'none'}`,
      `                 (to read payloads in the UI: sign in at ${api}${CODEC_PAGE_PATH}, then turn on`,
      `                 "Include cross-origin credentials" in the UI's codec settings)`,
      `  Database       ${config.database.kind === 'sqlite' ? config.database.file : 'MySQL'}`,
      `  Demo login     tenant "${seeded.tenantCode}", user "${DEMO.adminUsername}", password "${DEMO.adminPassword}"`,
      `                 (other demo users: carol, pete, alice, fiona, harry / "${DEMO.userPassword}")`,
      `  Platform login tenant "${platform.tenant.code}", user "${DEMO.operatorUsername}", password "${DEMO.operatorPassword}" (platform operator: /api/v1/platform/tenants)`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    rt.log.info({ signal }, 'stopping');
    // Never hang on the way out: in-flight activities get the worker's grace time, then we go.
    setTimeout(() => {
      console.error('Shutdown took longer than 40 s; exiting anyway (Temporal retries whatever was in flight).');
      process.exit(1);
    }, 40_000).unref();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    workerStop.abort();
    await worker.catch((err) => rt.log.error({ err }, 'worker stopped with an error'));
    await rt.close();
    await devServer?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  worker.catch(async (err) => {
    rt.log.fatal({ err }, 'worker failed');
    await stop('worker-failure');
  });
}

main().catch(async (err) => {
  console.error(err instanceof ConfigError || err instanceof TemporalCliNotFound ? err.message : err);
  // A start that failed half way (port taken, database down…) must not leave the server behind.
  await devServer?.stop().catch(() => undefined);
  process.exit(1);
});
