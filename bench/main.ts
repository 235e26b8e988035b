/**
 * `npm run bench`: speed and memory of the product against a bare-Temporal baseline, in one run,
 * on the same dev server and machine. Prints figures; asserts nothing (timings belong here, not
 * in tests).
 *
 *   provisioning saga through the HTTP API (POST, then wait for the result) vs
 *   a bare workflow with the same four sequential activities started with the Temporal client;
 *   login latency (scrypt at the configured cost); process memory.
 *
 *   then (bench/approvals.ts) a two-step approval through the HTTP API vs a bare workflow with
 *   the same activities and Updates, and the inbox query at 10k and 100k tasks.
 *
 * Knobs: BENCH_N (instances, default 60), BENCH_C (concurrent clients, default 8),
 * BENCH_APPROVALS_N / BENCH_APPROVALS_C (default 100 / 20), BENCH_ONLY (`provisioning` or
 * `approvals`: run one part), BENCH_DATABASE_URL (default: an embedded SQLite file in a temp folder).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime as TemporalRuntime, Worker } from '@temporalio/worker';
import { loadConfig } from '../common/config';
import { createRuntime } from '../activities/runtime';
import { createActivities } from '../activities';
import { migrate } from '../db/orm';
import { seedDemoData, DEMO } from '../db/seed';
import { createApp } from '../api/app';
import { ensureTemporalCli } from '../temporal/cli';
import { startDevServer } from '../temporal/dev-server';
import { ActivityContextInterceptor } from '../workers/interceptors';
import { summarize, pool, ms } from './stats';
import { runApprovalBench } from './approvals';

const N = Number(process.env.BENCH_N ?? 60);
const C = Number(process.env.BENCH_C ?? 8);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'signoff-bench-'));
  const port = 17233 + Math.floor(Math.random() * 1000);
  const server = await startDevServer({ cliPath: ensureTemporalCli({ install: true }), dataDir: dir, namespace: 'default', port, uiPort: port + 1000 });
  TemporalRuntime.install({ shutdownSignals: [], logger: new DefaultLogger('WARN') });
  const config = loadConfig({
    ...process.env,
    DATA_DIR: dir,
    DATABASE_URL: process.env.BENCH_DATABASE_URL ?? `sqlite:${join(dir, 'bench.db')}`,
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: 'bench',
    REDIS_KEY_PREFIX: `signoff-bench:${Date.now()}:`,
    LOG_LEVEL: 'warn',
    LOGIN_MAX_FAILURES_PER_IP: '100000',
    // The bench measures throughput from one address and a handful of users: limits off.
    RATE_LIMIT_PER_USER: '0',
    RATE_LIMIT_PER_TENANT: '0',
    RATE_LIMIT_PER_IP: '0',
    RATE_LIMIT_PER_API_KEY: '0',
    // Every answer carries its phases; the approval part prints where start and approve spend their time.
    SERVER_TIMING: 'true',
  });
  const rt = await createRuntime(config, { name: 'bench' });
  await migrate(rt.orm);
  const seeded = await seedDemoData(rt.orm.em.fork(), { scryptLogN: config.SCRYPT_LOG_N });
  const http = createApp(rt).listen(0, '127.0.0.1');
  await new Promise((r) => http.once('listening', r));
  const api = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue: 'bench',
    // Ours and the baseline both encrypt payloads (the product's codec), so the ratio compares workflows, not codecs.
    dataConverter: rt.dataConverter,
    workflowsPath: require.resolve('./workflows'),
    activities: { ...createActivities(rt), benchNoop: async (s: string) => s },
    interceptors: { activity: [() => ({ inbound: new ActivityContextInterceptor(rt) })] },
    maxConcurrentActivityTaskExecutions: 50,
  });
  const running = worker.run();
  const client = new Client({ connection: await Connection.connect({ address: server.address }), dataConverter: rt.dataConverter });
  const post = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(api + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  // --- Login (scrypt at the configured cost dominates).
  const loginSamples: number[] = [];
  let token = '';
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    const res = await post('/api/v1/auth/login', { tenantCode: seeded.tenantCode, identifier: DEMO.adminUsername, password: DEMO.adminPassword });
    loginSamples.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`login failed: ${JSON.stringify(res.body)}`);
    token = res.body.accessToken;
  }

  const provisioning = async (): Promise<string[]> => {
    // Warm up both paths (bundle caches, JIT, connection pools).
    await client.workflow.execute('baselineSagaWorkflow', { taskQueue: 'bench', workflowId: 'warmup-baseline', args: ['w'] });
    const warm = await post('/api/v1/provisioning', { username: 'warmup', email: 'warmup@bench.example', displayName: 'Warm up', sendWelcomeEmail: false }, token);
    await client.workflow.getHandle(warm.body.workflowId).result();

    // --- Ours: provisioning saga through the HTTP API.
    const rssBefore = process.memoryUsage().rss;
    const startLatency: number[] = [];
    const e2eLatency: number[] = [];
    const oursWall = await pool(N, C, async (i) => {
      const t0 = performance.now();
      const res = await post(
        '/api/v1/provisioning',
        { username: `bench${i}`, email: `bench${i}@bench.example`, displayName: `Bench ${i}`, roleIds: [seeded.roles.employee.id], sendWelcomeEmail: true },
        token,
      );
      startLatency.push(performance.now() - t0);
      if (res.status !== 202) throw new Error(`provisioning start failed: ${res.status} ${JSON.stringify(res.body)}`);
      await client.workflow.getHandle(res.body.workflowId).result();
      e2eLatency.push(performance.now() - t0);
    });
    const rssAfterOurs = process.memoryUsage().rss;

    // --- Baseline: same activity count, bare Temporal client, same concurrency.
    const baseStart: number[] = [];
    const baseE2e: number[] = [];
    const baseWall = await pool(N, C, async (i) => {
      const t0 = performance.now();
      const handle = await client.workflow.start('baselineSagaWorkflow', { taskQueue: 'bench', workflowId: `baseline-${i}-${Date.now()}`, args: [String(i)] });
      baseStart.push(performance.now() - t0);
      await handle.result();
      baseE2e.push(performance.now() - t0);
    });

    const ours = summarize(e2eLatency);
    const base = summarize(baseE2e);
    const oursStart = summarize(startLatency);
    const bStart = summarize(baseStart);
    const login = summarize(loginSamples);
    const oursRate = (N / oursWall) * 1000;
    const baseRate = (N / baseWall) * 1000;
    const lines = [
      '',
      `provisioning — N=${N} instances, C=${C} concurrent clients`,
      '',
      'user provisioning saga via HTTP (4 activities)  vs  bare Temporal workflow (4 no-op activities)',
      `  throughput            ${oursRate.toFixed(1)} /s          vs  ${baseRate.toFixed(1)} /s      ratio ours/baseline (time per instance) ${(baseRate / oursRate).toFixed(2)}`,
      `  start   p50/p95/p99   ${ms(oursStart.p50)} / ${ms(oursStart.p95)} / ${ms(oursStart.p99)}   vs  ${ms(bStart.p50)} / ${ms(bStart.p95)} / ${ms(bStart.p99)}`,
      `  end-to-end p50/p95/p99 ${ms(ours.p50)} / ${ms(ours.p95)} / ${ms(ours.p99)}   vs  ${ms(base.p50)} / ${ms(base.p95)} / ${ms(base.p99)}   ratio p50 ${(ours.p50 / base.p50).toFixed(2)}`,
      `login (scrypt logN=${config.SCRYPT_LOG_N}) p50/p95   ${ms(login.p50)} / ${ms(login.p95)}  (n=${login.n}, sequential)`,
      `memory: rss ${mb(rssBefore)} before the run, ${mb(rssAfterOurs)} after ${N} sagas, heap used ${mb(process.memoryUsage().heapUsed)}`,
      '',
    ];
    return lines;
  };

  const only = process.env.BENCH_ONLY;
  console.log(`\nSignoff benchmark — database ${config.database.kind}, Temporal dev server ${server.address}`);
  if (only !== 'approvals') console.log((await provisioning()).join('\n'));
  if (only !== 'provisioning') {
    const u = seeded.users;
    const approvalLines = await runApprovalBench({ rt, client, api, taskQueue: 'bench', tenantId: seeded.tenantId, users: { admin: u.admin, alice: u.alice, pete: u.pete, carol: u.carol, harry: u.harry } });
    console.log(['', ...approvalLines, ''].join('\n'));
  }

  worker.shutdown();
  await running;
  await nativeConnection.close();
  await client.connection.close();
  http.close();
  await rt.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
