/** Production API entrypoint (`npm run start:api`). */
import { loadConfig, ConfigError } from '../common/config';
import { createRuntime } from '../activities/runtime';
import { createApp } from './app';
import { migrate } from '../db/orm';

export async function startApi(rt: Awaited<ReturnType<typeof createRuntime>>) {
  const app = createApp(rt);
  const server = app.listen(rt.config.API_PORT, rt.config.API_HOST);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : rt.config.API_PORT;
  rt.log.info({ url: `http://${rt.config.API_HOST}:${port}` }, 'api listening');
  return { server, port };
}

async function main() {
  const config = loadConfig();
  const rt = await createRuntime(config, { name: 'signoff-api' });
  if (process.env.MIGRATE_ON_START === 'true') await migrate(rt.orm);
  const { server } = await startApi(rt);
  const stop = async () => {
    rt.log.info('api shutting down');
    server.close();
    server.closeAllConnections?.();
    await rt.close();
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
