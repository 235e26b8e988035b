/**
 * The fault drill: the product in its production shape on side ports (Temporal dev server with a
 * database file, separate API and worker processes, a MariaDB database behind a TCP proxy, a
 * private redis-server), a load of two-step approvals by clients that retry with the same
 * Idempotency-Key, and faults one after another. It never touches the shared MariaDB server or
 * Redis: the database is "paused" in the proxy, the stopped Redis is the drill's own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { loadConfig } from '../../common/config';
import { createRuntime, type Runtime } from '../../activities/runtime';
import { initOrm, migrate } from '../../db/orm';
import { seedDemoData } from '../../db/seed';
import { startDevServer, type DevServer } from '../../temporal/dev-server';
import { TcpProxy } from './tcp-proxy';
import { exited, freePort, httpOk, recreateMysqlDatabase, sleep, until as untilOrThrow } from '../processes';

/** The shared poll, its errors saying they come from the drill. */
const until = (check: () => Promise<boolean>, timeoutMs: number, what: string) => untilOrThrow(check, timeoutMs, `drill: ${what}`);

export const FAULTS = ['worker-kill', 'temporal-kill', 'db-pause', 'redis-stop', 'api-restart'] as const;
export type FaultName = (typeof FAULTS)[number];

export interface DrillOptions {
  /** Approvals to run at least; clients keep starting new ones until the last fault recovered. */
  n: number;
  concurrency: number;
  /** How long the database pause and the Redis stop last. */
  faultMs: number;
  faults?: readonly FaultName[];
  cliPath: string;
  mysqlAdminUrl: string;
  dbName: string;
  workDir: string;
  /** Starts the API or the worker process with this environment (built JS, or sources in tests). */
  launch: (kind: 'api' | 'worker', env: Record<string, string>) => ChildProcess;
  /** A pre-built workflow bundle for the worker (restarts then skip bundling). */
  workflowBundlePath?: string;
  log?: (message: string) => void;
}

export interface FaultResult {
  fault: FaultName;
  /** From injection to the end of the fault (restart done / dependency back). */
  faultMs: number;
  /** From the end of the fault until the API and the worker were ready again. */
  recoveryMs: number;
}

export interface DrillReport {
  started: number;
  completed: number;
  lost: number;
  duplicated: number;
  answered5xx: number;
  longestWaitMs: number;
  faults: FaultResult[];
  /** The approvals the clients gave up on, with where they stood and what they were last told. */
  gaveUp: string[];
  /** Requests of this drill in the read model that did not end approved, with their status. */
  notApproved: string[];
}

export async function runDrill(opts: DrillOptions): Promise<DrillReport> {
  const log = opts.log ?? (() => undefined);
  const faults = opts.faults ?? FAULTS;
  mkdirSync(opts.workDir, { recursive: true });
  const [apiPort, healthPort, redisPort, dbProxyPort, temporalPort, uiPort] = await Promise.all([1, 2, 3, 4, 5, 6].map(() => freePort()));
  const admin = new URL(opts.mysqlAdminUrl);
  const cleanups: (() => Promise<void> | void)[] = [];

  try {
    // Database: a drill database on the shared server, migrated; the product reaches it through the proxy.
    await recreateMysqlDatabase(opts.mysqlAdminUrl, opts.dbName);
    cleanups.push(async () => {
      const c = await createConnection(`${opts.mysqlAdminUrl}/`);
      await c.query(`DROP DATABASE IF EXISTS \`${opts.dbName}\``);
      await c.end();
    });
    const directDb = `${opts.mysqlAdminUrl}/${opts.dbName}`;
    const orm = await initOrm({ kind: 'mysql', url: directDb });
    await migrate(orm);
    await orm.close(true);
    const dbProxy = new TcpProxy(dbProxyPort, `${admin.hostname}:${admin.port || 3306}`);
    await dbProxy.open();
    cleanups.push(() => dbProxy.cut());
    const proxiedDb = `${admin.protocol}//${admin.username ? `${admin.username}${admin.password ? `:${admin.password}` : ''}@` : ''}127.0.0.1:${dbProxyPort}/${opts.dbName}`;

    // Redis: the drill's own server, so stopping it disturbs nobody.
    let redis: ChildProcess | undefined;
    const startRedis = async () => {
      redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      await until(async () => {
        const { Redis } = await import('ioredis');
        const r = new Redis({ port: redisPort, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        r.on('error', () => undefined); // a refused probe is the answer, not an error to report
        try {
          await r.connect();
          return (await r.ping()) === 'PONG';
        } catch {
          return false;
        } finally {
          r.disconnect();
        }
      }, 10_000, 'redis-server answering');
    };
    await startRedis();
    cleanups.push(() => {
      redis?.kill('SIGKILL');
    });

    // Temporal: the dev server with a database file, restartable on the same file.
    const temporalDir = join(opts.workDir, 'temporal');
    let temporal: DevServer = await startDevServer({ cliPath: opts.cliPath, dataDir: temporalDir, namespace: 'default', port: temporalPort, uiPort });
    cleanups.push(() => temporal.stop());

    const env: Record<string, string> = {
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      DATA_DIR: join(opts.workDir, 'data'),
      DATABASE_URL: proxiedDb,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      REDIS_KEY_PREFIX: 'drill:',
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
      TEMPORAL_TASK_QUEUE: 'signoff-drill',
      TEMPORAL_CODEC_KEYS: `drill:${randomBytes(32).toString('base64')}`,
      TEMPORAL_CODEC_CURRENT_KEY: 'drill',
      API_HOST: '127.0.0.1',
      API_PORT: String(apiPort),
      WORKER_HEALTH_PORT: String(healthPort),
      SCRYPT_LOG_N: '14',
      ACCESS_TOKEN_TTL_SECONDS: '86400',
      // Three people drive the whole load (ten approvals at a time, polling): far past the
      // per-user limit of 100 calls a minute a real person never reaches. The drill measures
      // faults, not the limiter (test/security/rate-limits.test.ts does), so the tiers are off.
      RATE_LIMIT_PER_USER: '0',
      RATE_LIMIT_PER_TENANT: '0',
      RATE_LIMIT_PER_IP: '0',
      RATE_LIMIT_PER_API_KEY: '0',
      ...(opts.workflowBundlePath ? { WORKFLOW_BUNDLE_PATH: opts.workflowBundlePath } : {}),
    };
    // The drill's own runtime (direct database, not the proxy): keys, fixtures, tokens, verification.
    const rt: Runtime = await createRuntime(loadConfig({ ...env, DATABASE_URL: directDb, LOG_LEVEL: 'error' }), { name: 'drill' });
    cleanups.push(() => rt.close());
    const t = await seedDemoData(rt.orm.em.fork(), { tenantCode: `drill${randomBytes(3).toString('hex')}`, tenantName: 'Drill', scryptLogN: 14 });
    const token = async (u: { id: string; tenantId: string }) => (await rt.tokens.issue(u)).token;
    const tokens = { admin: await token(t.users.admin), alice: await token(t.users.alice), pete: await token(t.users.pete), carol: await token(t.users.carol) };

    let api: ChildProcess | undefined;
    let worker: ChildProcess | undefined;
    const startApi = () => (api = opts.launch('api', env));
    const startWorker = () => (worker = opts.launch('worker', env));
    cleanups.push(async () => {
      api?.kill('SIGKILL');
      worker?.kill('SIGKILL');
      await Promise.all([exited(api), exited(worker)]);
    });
    const base = `http://127.0.0.1:${apiPort}`;
    const apiReady = () => httpOk(`${base}/ready`);
    const workerReady = () => httpOk(`http://127.0.0.1:${healthPort}/ready`);
    const allReady = async () => (await apiReady()) && (await workerReady());
    startWorker();
    await until(workerReady, 180_000, 'worker ready');
    startApi();
    await until(apiReady, 60_000, 'API ready');
    log('drill: product up');

    // ── the load
    let answered5xx = 0;
    /** The last answer to each method and path: what a given-up approval was last told. */
    const lastAnswer = new Map<string, string>();
    let longestWaitMs = 0;
    const call = async (method: string, path: string, tokenValue: string, body?: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(base + path, {
        method,
        headers: { accept: 'application/json', authorization: `Bearer ${tokenValue}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      if (res.status >= 500) answered5xx++;
      const text = await res.text();
      lastAnswer.set(`${method} ${path}`, `${res.status} ${text.slice(0, 200)}`);
      return { status: res.status, body: text ? (JSON.parse(text) as any) : undefined };
    };
    /** One logical operation, retried (same Idempotency-Key) until `done` accepts an answer. */
    const retried = async <T>(deadline: number, attempt: () => Promise<T | undefined>): Promise<T> => {
      const t0 = Date.now();
      for (;;) {
        const value = await attempt().catch(() => undefined);
        if (value !== undefined) {
          longestWaitMs = Math.max(longestWaitMs, Date.now() - t0);
          return value;
        }
        if (Date.now() > deadline) throw new Error('gave up');
        await sleep(300);
      }
    };

    const key = `drill-${Date.now().toString(36)}`;
    const step = (id: string, userId: string) => ({ kind: 'approval', id, name: `Step ${id}`, assignees: { type: 'users', userIds: [userId] } });
    const created = await call('POST', '/api/v1/approval-templates', tokens.admin, { key, name: 'Drill request', category: 'general', formSchema: { fields: [{ id: 'amount', label: 'Amount', type: 'number', required: true }] }, flow: [step('one', t.users.pete.id), step('two', t.users.carol.id)] });
    if (created.status !== 201) throw new Error(`drill template: ${created.status} ${JSON.stringify(created.body)}`);
    const published = await call('POST', `/api/v1/approval-templates/${created.body.id}/publish`, tokens.admin);
    if (published.status !== 201) throw new Error(`drill publish: ${published.status}`);

    const openTask = (id: string, stepId: string, who: string) => async () => {
      const d = await call('GET', `/api/v1/approvals/${id}`, who);
      return d.status === 200 ? (d.body.tasks.find((x: any) => x.stepId === stepId && x.status === 'open')?.taskId as string | undefined) : undefined;
    };
    const approve = (id: string, taskId: string, who: string, idem: string) => async () => {
      const r = await call('POST', `/api/v1/approvals/${id}/tasks/${taskId}/approve`, who, {}, { 'idempotency-key': idem });
      // 409 task_not_open: an earlier attempt whose answer was lost did approve it.
      return r.status === 200 || (r.status === 409 && r.body?.code === 'task_not_open') ? true : undefined;
    };
    let started = 0;
    let completed = 0;
    let lost = 0;
    const instanceIds: string[] = [];
    /** Where each approval that was given up stood: which step of the journey never answered. */
    const gaveUp: string[] = [];
    const one = async (i: number) => {
      const deadline = Date.now() + Math.max(180_000, opts.faultMs * 6);
      let stage = 'submit';
      let instanceId = '';
      try {
        const id = await retried(deadline, async () => {
          const r = await call('POST', '/api/v1/approvals', tokens.alice, { templateKey: key, form: { amount: i } }, { 'idempotency-key': `${key}-${i}` });
          return r.status === 202 ? (r.body.instanceId as string) : undefined;
        });
        instanceIds.push(id);
        instanceId = id;
        stage = 'step one assigned';
        const t1 = await retried(deadline, openTask(id, 'one', tokens.pete));
        stage = 'step one approved';
        await retried(deadline, approve(id, t1, tokens.pete, `${key}-${i}-one`));
        stage = 'step two assigned';
        const t2 = await retried(deadline, openTask(id, 'two', tokens.carol));
        stage = 'step two approved';
        await retried(deadline, approve(id, t2, tokens.carol, `${key}-${i}-two`));
        stage = 'approved in the read model';
        await retried(deadline, async () => ((await call('GET', `/api/v1/approvals/${id}`, tokens.alice)).body?.status === 'approved' ? true : undefined));
        completed++;
      } catch {
        lost++;
        const told = [...lastAnswer].filter(([k]) => (instanceId ? k.includes(instanceId) : k === 'POST /api/v1/approvals')).map(([k, v]) => `${k} → ${v}`);
        gaveUp.push(`#${i}${instanceId ? ` (${instanceId})` : ''} waiting for ${stage}; last answers: ${told.join('; ') || 'none'}`);
      }
    };

    let faultsDone = false;
    const load = (async () => {
      let next = 0;
      await Promise.all(
        Array.from({ length: opts.concurrency }, async () => {
          while (next < opts.n || !faultsDone) {
            const i = next++;
            started++;
            await one(i);
          }
        }),
      );
    })();

    // ── the faults, one after another, while the load runs
    const results: FaultResult[] = [];
    const inject: Record<FaultName, () => Promise<void>> = {
      'worker-kill': async () => {
        worker!.kill('SIGKILL');
        await exited(worker);
        startWorker();
      },
      'temporal-kill': async () => {
        temporal.process.kill('SIGKILL');
        await exited(temporal.process);
        temporal = await startDevServer({ cliPath: opts.cliPath, dataDir: temporalDir, namespace: 'default', port: temporalPort, uiPort });
      },
      'db-pause': async () => {
        dbProxy.pause();
        await sleep(opts.faultMs);
        dbProxy.resume();
      },
      'redis-stop': async () => {
        redis!.kill('SIGKILL');
        await exited(redis);
        await sleep(opts.faultMs);
        await startRedis();
      },
      'api-restart': async () => {
        api!.kill('SIGTERM');
        await exited(api);
        startApi();
      },
    };
    await sleep(Math.min(5000, opts.faultMs));
    try {
      for (const fault of faults) {
        log(`drill: ${fault}`);
        const t0 = Date.now();
        await inject[fault]();
        const faultMs = Date.now() - t0;
        const recoveryMs = await until(allReady, 180_000, `recovery after ${fault}`);
        results.push({ fault, faultMs, recoveryMs });
        log(`drill: ${fault} over in ${faultMs} ms, ready again ${recoveryMs} ms later`);
        await sleep(Math.min(5000, opts.faultMs));
      }
    } finally {
      faultsDone = true;
    }
    await load;

    // ── verification, straight from the read model
    const db = rt.orm.em.fork().getConnection();
    const rows = async <R>(sql: string, params: unknown[]) => (await db.execute(sql, params)) as unknown as R[];
    const instances = await rows<{ id: string; status: string }>(`select id, status from approval_instances where template_key = ? and tenant_id = ?`, [key, t.tenantId]);
    const doubled = await rows<{ n: number }>(
      `select count(*) as n from (select e.instance_id, e.step_id from approval_events e join approval_instances i on i.id = e.instance_id
        where i.template_key = ? and e.type = 'step_approved' group by e.instance_id, e.step_id having count(*) > 1) d`,
      [key],
    );
    const notApproved = instances.filter((x) => x.status !== 'approved').length;
    const extraInstances = Math.max(0, instances.length - new Set(instanceIds).size);
    return {
      started,
      completed,
      lost: Math.max(lost, notApproved),
      duplicated: Number(doubled[0]?.n ?? 0) + extraInstances,
      answered5xx,
      longestWaitMs,
      faults: results,
      gaveUp,
      notApproved: instances.filter((x) => x.status !== 'approved').map((x) => `${x.id}: ${x.status}`),
    };
  } finally {
    for (const clean of cleanups.reverse()) await Promise.resolve(clean()).catch(() => undefined);
    rmSync(opts.workDir, { recursive: true, force: true });
  }
}

export function formatReport(r: DrillReport): string {
  const lines = [
    '| approvals started | completed | lost | duplicated effects | 5xx answered | longest client wait |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${r.started} | ${r.completed} | ${r.lost} | ${r.duplicated} | ${r.answered5xx} | ${(r.longestWaitMs / 1000).toFixed(1)} s |`,
    '',
    '| fault | fault lasted | recovered (API and worker ready) after |',
    '| --- | ---: | ---: |',
    ...r.faults.map((f) => `| ${f.fault} | ${(f.faultMs / 1000).toFixed(1)} s | ${(f.recoveryMs / 1000).toFixed(1)} s |`),
    ...(r.gaveUp.length ? ['', 'given up:', ...r.gaveUp.map((g) => `- ${g}`)] : []),
    ...(r.notApproved.length ? ['', 'not approved in the read model:', ...r.notApproved.map((g) => `- ${g}`)] : []),
  ];
  return lines.join('\n');
}
