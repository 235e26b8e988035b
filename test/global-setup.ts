/**
 * Real services for the whole test run, started once:
 *  - the Temporal dev server (the CLI binary, through the SDK's `existing-path` executable), or
 *    the server at TEST_TEMPORAL_ADDRESS,
 *  - a fresh MariaDB database with the committed migrations applied,
 *  - the workflow bundle (built once, shared by every test worker),
 *  - payload encryption keys for the run (two, as after a rotation: every suite runs encrypted),
 * Redis keys get a per-run prefix. Values reach the tests through process.env (jest runs in band).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { ensureTemporalCli } from '../temporal/cli';
import { ensureSearchAttributes } from '../temporal/search-attributes';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { initOrm, migrate } from '../db/orm';
import { seedPlatformDictionaries } from '../db/seed';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../workers/workflow-interceptors';

export default async function globalSetup() {
  const started = Date.now();
  const runDir = mkdtempSync(join(tmpdir(), 'signoff-test-'));
  const mysqlAdmin = process.env.TEST_MYSQL_ADMIN_URL ?? 'mysql://root@127.0.0.1:3306';
  const dbName = process.env.TEST_DB_NAME ?? 'signoff_test';

  // 1. Fresh database, migrated by the committed migrations (not schema:update).
  const admin = await createConnection(`${mysqlAdmin}/`);
  await admin.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
  await admin.query(`CREATE DATABASE \`${dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const databaseUrl = `${mysqlAdmin}/${dbName}`;
  const orm = await initOrm({ kind: 'mysql', url: databaseUrl });
  await migrate(orm);
  // Platform dictionaries, as `migrate` and `npm start` write them.
  await seedPlatformDictionaries(orm.em.fork());
  await orm.close(true);

  // 2. Workflow bundle, once.
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    // The product's own (the worker bundles the same) and the test one that fails a workflow on a failed assertion.
    workflowInterceptorModules: [...WORKFLOW_INTERCEPTOR_MODULES, require.resolve('@temporalio/testing/lib/assert-to-failure-interceptor')],
    logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} } as never,
  });
  const bundlePath = join(runDir, 'workflow-bundle.js');
  writeFileSync(bundlePath, code);

  // 3. Temporal dev server: the real server, from the CLI binary. Or, with TEST_TEMPORAL_ADDRESS,
  // a server already running (the production-shape one of `npm run temporal:production`), its
  // `default` namespace holding the product's search attributes.
  let address = process.env.TEST_TEMPORAL_ADDRESS;
  if (address) {
    const connection = await Connection.connect({ address });
    await ensureSearchAttributes(connection, 'default');
    await connection.close();
  } else {
    const cliPath = ensureTemporalCli({ install: true, log: (m) => console.log(m) });
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: cliPath },
        ip: '127.0.0.1',
        searchAttributes: ALL_SEARCH_ATTRIBUTES,
        log: { format: 'json', level: 'error' },
      },
    });
    (globalThis as Record<string, unknown>).__SIGNOFF_TEMPORAL_ENV__ = env;
    address = env.address;
  }

  const dataDir = join(runDir, 'data');
  mkdirSync(dataDir, { recursive: true });
  Object.assign(process.env, {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    REDIS_KEY_PREFIX: `signoff-test:${process.pid}:${Date.now()}:`,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: 'default',
    SIGNOFF_TEST_BUNDLE: bundlePath,
    SIGNOFF_TEST_RUN_DIR: runDir,
    SIGNOFF_TEST_MYSQL_ADMIN_URL: mysqlAdmin,
    // Every client and worker of the run encrypts payloads; the committed (clear) histories
    // still replay because clear payloads pass through the codec.
    TEMPORAL_CODEC_KEYS: `test-old:${randomBytes(32).toString('base64')},test-new:${randomBytes(32).toString('base64')}`,
    TEMPORAL_CODEC_CURRENT_KEY: 'test-new',
    // Request limits off for the run: every suite calls from 127.0.0.1 and polls as fast as it
    // likes. test/security/rate-limits.test.ts turns them on (defaults included) for itself.
    RATE_LIMIT_PER_USER: '0',
    RATE_LIMIT_PER_TENANT: '0',
    RATE_LIMIT_PER_IP: '0',
    RATE_LIMIT_PER_API_KEY: '0',
    // Cheaper scrypt for the many users tests create; a dedicated test covers the production cost.
    SCRYPT_LOG_N: process.env.SCRYPT_LOG_N ?? '14',
  });
  console.log(`\n[global-setup] temporal ${address}, db ${dbName}, ready in ${Date.now() - started} ms`);
}
