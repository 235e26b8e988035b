/**
 * A production-shape Temporal server next to the dev server: the real `temporal-server` binary
 * (frontend, history, matching and worker services in one process), PostgreSQL persistence with
 * the server's own schema migrations, 4 history shards and SQL visibility holding the product's
 * search attributes: what docker-compose runs (`temporalio/auto-setup` on PostgreSQL), built and
 * run without Docker. The product and the bench use it through TEMPORAL_ADDRESS /
 * BENCH_TEMPORAL_ADDRESS / TEST_TEMPORAL_ADDRESS, unchanged.
 *
 * `npm run temporal:production` (or `node dist/temporal/production-server.js`):
 *  1. binaries: `server` and `sql` (the schema tool) from `go install go.temporal.io/server/...`
 *     at SERVER_VERSION, built once into TEMPORAL_SERVER_BIN_DIR (default
 *     ~/.cache/signoff/temporal-server-<version>; ~10 minutes on 2 cores) and reused after;
 *  2. PostgreSQL (TEMPORAL_PG_HOST/PORT, default 127.0.0.1:5432, reached as the superuser
 *     TEMPORAL_PG_ADMIN, default `postgres`, with psql): the `temporal` role, then the databases
 *     `temporal` and `temporal_visibility` created and migrated by the schema tool from the
 *     module's schema/postgresql/v12 (idempotent: a second run applies only what is new);
 *  3. the server on TEMPORAL_PRODUCTION_PORT (frontend gRPC, default 7300; the other services
 *     take the next ports), its config written from the module's development-postgres12.yaml
 *     with those ports into the data folder (TEMPORAL_PRODUCTION_DIR, default
 *     ~/.cache/signoff/temporal-production), logs in server.log there;
 *  4. the `default` namespace and the product's search attributes registered; then it prints the
 *     address and runs until interrupted.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { untilServerAnswers } from './connection';
import { ensureSearchAttributes } from './search-attributes';

export const SERVER_VERSION = 'v1.32.2';
/** The server's go.mod needs a newer Go than this machine's 1.26; the module proxy serves this one. */
const GO_TOOLCHAIN = 'go1.27.3';
const MODULE = 'go.temporal.io/server';

const env = process.env;
const binDir = env.TEMPORAL_SERVER_BIN_DIR ?? join(homedir(), '.cache', 'signoff', `temporal-server-${SERVER_VERSION}`);
const dataDir = env.TEMPORAL_PRODUCTION_DIR ?? join(homedir(), '.cache', 'signoff', 'temporal-production');
const port = Number(env.TEMPORAL_PRODUCTION_PORT ?? 7300);
const pg = { host: env.TEMPORAL_PG_HOST ?? '127.0.0.1', port: Number(env.TEMPORAL_PG_PORT ?? 5432), admin: env.TEMPORAL_PG_ADMIN ?? 'postgres' };
const goEnv = { ...env, GOTOOLCHAIN: GO_TOOLCHAIN, GOBIN: binDir };
const log = (m: string) => console.log(`[temporal:production] ${m}`);

/** The server and schema-tool binaries, built from the module proxy the first time. */
export function ensureServerBinaries(): { server: string; sql: string } {
  const server = join(binDir, 'server');
  const sql = join(binDir, 'sql');
  for (const [bin, pkg] of [
    [server, 'cmd/server'],
    [sql, 'cmd/tools/sql'],
  ] as const) {
    if (existsSync(bin)) continue;
    log(`building ${MODULE}/${pkg}@${SERVER_VERSION} into ${binDir} (once; several minutes)…`);
    const built = spawnSync('go', ['install', `${MODULE}/${pkg}@${SERVER_VERSION}`], { env: goEnv, stdio: 'inherit' });
    if (built.status !== 0) throw new Error(`go install ${MODULE}/${pkg}@${SERVER_VERSION} failed (exit ${built.status})`);
  }
  return { server, sql };
}

/** Where the module's sources (schemas, sample configs) are: the Go module cache. */
function moduleDir(): string {
  const out = execFileSync('go', ['mod', 'download', '-json', `${MODULE}@${SERVER_VERSION}`], { env: goEnv, encoding: 'utf8' });
  return (JSON.parse(out) as { Dir: string }).Dir;
}

function psql(sql: string): string {
  return execFileSync('psql', ['-h', pg.host, '-p', String(pg.port), '-U', pg.admin, '-d', 'postgres', '-tAc', sql], { encoding: 'utf8' }).trim();
}

/** The `temporal` role and both databases at the module's newest schema version. */
function migrate(sqlTool: string, schemaRoot: string): void {
  if (psql(`SELECT 1 FROM pg_roles WHERE rolname = 'temporal'`) !== '1') psql(`CREATE ROLE temporal LOGIN CREATEDB PASSWORD 'temporal'`);
  for (const [db, schema] of [
    ['temporal', 'temporal'],
    ['temporal_visibility', 'visibility'],
  ] as const) {
    const tool = (...args: string[]) =>
      execFileSync(sqlTool, ['--plugin', 'postgres12', '--ep', pg.host, '-p', String(pg.port), '-u', 'temporal', '--pw', 'temporal', '--db', db, ...args], { encoding: 'utf8', stdio: 'pipe' });
    const fresh = psql(`SELECT 1 FROM pg_database WHERE datname = '${db}'`) !== '1';
    if (fresh) {
      tool('create-database');
      tool('setup-schema', '-v', '0.0');
    }
    tool('update-schema', '-d', join(schemaRoot, schema, 'versioned'));
    log(`database ${db}: ${fresh ? 'created and ' : ''}migrated to the newest schema of ${SERVER_VERSION}`);
  }
}

/** The module's development-postgres12.yaml, with our ports and PostgreSQL address. */
function configYaml(): string {
  const p = (n: number) => port + n;
  const store = (db: string, maxConns: number) => `      sql:
        pluginName: "postgres12"
        databaseName: "${db}"
        connectAddr: "${pg.host}:${pg.port}"
        connectProtocol: "tcp"
        user: "temporal"
        password: "temporal"
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: "1h"`;
  const service = (grpc: number, membership: number, extra = '') => `    rpc:
      grpcPort: ${grpc}
      membershipPort: ${membership}
      bindOnLocalHost: true${extra}`;
  return `# Written by temporal/production-server.ts from ${MODULE}@${SERVER_VERSION} config/development-postgres12.yaml.
log:
  stdout: true
  level: warn
persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: 4
  datastores:
    postgres-default:
${store('temporal', 20)}
    postgres-visibility:
${store('temporal_visibility', 2)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"
  metrics:
    prometheus:
      framework: "tally"
      timerType: "histogram"
      listenAddress: "127.0.0.1:${p(20)}"
services:
  frontend:
${service(p(0), p(10), `\n      httpPort: ${p(4)}`)}
  history:
${service(p(1), p(11))}
  matching:
${service(p(2), p(12))}
  worker:
${service(p(3), p(13))}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:${p(0)}"
dcRedirectionPolicy:
  policy: "noop"
dynamicConfigClient:
  filepath: "${join(dataDir, 'dynamicconfig.yaml')}"
  pollInterval: "10s"
`;
}

async function registerNamespace(address: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    try {
      await connection.workflowService.describeNamespace({ namespace: 'default' });
    } catch {
      await connection.workflowService.registerNamespace({ namespace: 'default', workflowExecutionRetentionPeriod: msToTs('3 days') });
      log('namespace default registered');
    }
    // A new namespace takes a moment to reach every service; the operator call retries until it has.
    for (let tries = 1; ; tries++) {
      try {
        const added = await ensureSearchAttributes(connection, 'default');
        if (added.length) log(`search attributes registered: ${added.join(', ')}`);
        return;
      } catch (err) {
        if (tries >= 30) throw err;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  } finally {
    await connection.close();
  }
}

async function main(): Promise<void> {
  const bins = ensureServerBinaries();
  const root = moduleDir();
  migrate(bins.sql, join(root, 'schema', 'postgresql', 'v12'));
  mkdirSync(join(dataDir, 'config'), { recursive: true });
  writeFileSync(join(dataDir, 'config', 'production.yaml'), configYaml());
  // Namespaces are created at once (the dev server does the same); nothing else is changed.
  writeFileSync(join(dataDir, 'dynamicconfig.yaml'), 'system.forceSearchAttributesCacheRefreshOnRead:\n  - value: true\n');

  const logFile = createWriteStream(join(dataDir, 'server.log'), { flags: 'a' });
  const child = spawn(bins.server, ['--root', dataDir, '--config', 'config', '--env', 'production', '--allow-no-auth', 'start'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(logFile);
  child.stderr.pipe(logFile);
  child.once('exit', (code, signal) => {
    log(`server exited with ${code ?? signal}; see ${join(dataDir, 'server.log')}`);
    process.exit(1);
  });
  const stop = () => {
    child.removeAllListeners('exit');
    child.once('exit', () => process.exit(0));
    child.kill('SIGTERM');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const address = `127.0.0.1:${port}`;
  try {
    await untilServerAnswers(address, 120_000, (cause) => new Error(`the server did not answer on ${address} within 2 minutes (${cause}); see ${join(dataDir, 'server.log')}`));
    await registerNamespace(address);
  } catch (err) {
    child.removeAllListeners('exit');
    child.kill('SIGTERM');
    throw err;
  }
  log(`Temporal ${SERVER_VERSION} on PostgreSQL (4 history shards, SQL visibility) at ${address}; data in ${dataDir}; Ctrl-C stops it`);
  console.log(`TEMPORAL_ADDRESS=${address}`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`[temporal:production] ${(err as Error).message}`);
    process.exit(1);
  });
}
