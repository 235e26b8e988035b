/**
 * `npm run bench:scale`: the two-step approval journey with the product in separate processes,
 * as production runs it (`node dist/workers/main.js` ×W, `node dist/api/main.js` ×A, one Temporal
 * server, one database), against the bare baseline with W worker processes of its own
 * (bench/baseline-worker.ts), in the same run. Asserts nothing; prints figures.
 *
 * For each layout: throughput, start/approve latency, and the CPU time one approval costs in each
 * kind of process (API, worker, Temporal server, this driving client), read from /proc, so what
 * an approval costs is visible per part and the ratio is not blurred by one shared event loop
 * (the in-process `npm run bench` runs everything in one). Then memory: RSS of the API and the
 * worker after the approvals and after 10k read requests, and with BENCH_SOAK_SECONDS the RSS of
 * both sampled under constant load, with the least-squares slope after the first minute.
 *
 * Knobs: BENCH_SCALE_LAYOUTS (workers x APIs, default `1x1,2x1,1x2,2x2`), BENCH_SCALE_N (approvals
 * per layout, default 200), BENCH_SCALE_C (concurrent clients, default 20), BENCH_SCALE_READS
 * (read requests of the memory part, default 10000), BENCH_SOAK_SECONDS (0: no soak; 600 for ten
 * minutes), BENCH_DATABASE_URL (default: a fresh MariaDB database `signoff_bench_scale` on
 * 127.0.0.1:3306; several processes share it; on MariaDB each kind of process connects as a
 * user of its own so the server counts the statements each asks per approval: StatementCensus),
 * BENCH_TEMPORAL_ADDRESS (an existing server instead of a fresh dev server, e.g. `npm run
 * temporal:production`; its processes are measured when BENCH_SERVER_PIDS lists them,
 * comma-separated), BENCH_CPU_PROF (a folder: each API and worker process writes a V8 CPU profile
 * there when it stops; `node dist/bench/cpu-top.js <folder>` prints where their CPU went).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createConnection, type Connection as Connection2 } from 'mysql2/promise';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { loadConfig } from '../common/config';
import { createRuntime, type Runtime } from '../activities/runtime';
import { migrate } from '../db/orm';
import { seedDemoData } from '../db/seed';
import { ensureTemporalCli } from '../temporal/cli';
import { startDevServer, type DevServer } from '../temporal/dev-server';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../workers/workflow-interceptors';
import { activityPhases, call, driveApproval, driveBaseline, publishTwoStepTemplate, type BenchPeople, type Call } from './approval-flow';
import { httpOk, recreateMysqlDatabase, stopProcess, until } from './processes';
import { ms, pool, slopePerMinute, summarize } from './stats';

const waitHttp = (url: string) => until(() => httpOk(url), 120_000, `${url} answering 200`);
import type { BaselinePhase } from './workflows';

const LAYOUTS = (process.env.BENCH_SCALE_LAYOUTS ?? '1x1,2x1,1x2,2x2').split(',').map((l) => {
  const [w, a] = l.trim().split('x').map(Number);
  if (!(w >= 1 && a >= 1)) throw new Error(`BENCH_SCALE_LAYOUTS: "${l}" is not <workers>x<apis>`);
  return { workers: w, apis: a };
});
const N = Number(process.env.BENCH_SCALE_N ?? 200);
const C = Number(process.env.BENCH_SCALE_C ?? 20);
const READS = Number(process.env.BENCH_SCALE_READS ?? 10_000);
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 0);
const PROFILE_DIR = process.env.BENCH_CPU_PROF;
const QUEUE = 'bench-scale';
const BASELINE_QUEUE = 'bench-scale-baseline';

/** Linux /proc readings of one process: CPU time (user + system, ms) and resident memory (MiB). */
const CLOCK_TICKS_PER_SECOND = 100;
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ": state is field 3, utime 14 and stime 15 (man 5 proc).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}
function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}
/** The V8 heap in use of a process, from its prom-client metrics (MiB). */
async function heapUsedMiB(metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  const bytes = /^nodejs_heap_size_used_bytes(?:\{[^}]*\})? ([\d.e+]+)/m.exec(text)?.[1];
  return Number(bytes) / 1024 / 1024;
}
const selfCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

type Kind = 'api' | 'worker' | 'baseline-worker';
interface Proc {
  kind: Kind;
  child: ChildProcess;
  pid: number;
  url?: string;
  /** Where its prom-client metrics are (the API's METRICS_PORT, the worker's health port). */
  metricsUrl?: string;
}

class Stack {
  private seq = 0;
  constructor(
    private readonly dir: string,
    private readonly env: Record<string, string>,
    /** A database URL per kind of process (the statement census), else the shared one. */
    private readonly databaseUrls: Partial<Record<Kind, string>> = {},
  ) {}

  /** Start one product or baseline process and wait until it serves. */
  async spawn(kind: Kind, extra: Record<string, string> = {}): Promise<Proc> {
    const n = this.seq++;
    const script = { api: '../api/main.js', worker: '../workers/main.js', 'baseline-worker': './baseline-worker.js' }[kind];
    const port = kind === 'api' ? 20_000 + Math.floor(Math.random() * 20_000) : 0;
    const healthPort = kind === 'worker' ? 40_000 + Math.floor(Math.random() * 20_000) : 0;
    // The API serves its metrics on an internal port of their own (the public one would need a token).
    const metricsPort = kind === 'api' ? 40_000 + Math.floor(Math.random() * 20_000) : 0;
    // BENCH_CPU_PROF: a V8 CPU profile per process, written when it exits (bench/cpu-top.ts reads them).
    const prof = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=${kind}-${n}.cpuprofile`] : [];
    const child = spawn(process.execPath, [...prof, require.resolve(script)], {
      env: { ...process.env, ...this.env, ...(this.databaseUrls[kind] ? { DATABASE_URL: this.databaseUrls[kind] } : {}), ...extra, ...(port ? { API_PORT: String(port), API_HOST: '127.0.0.1' } : {}), ...(healthPort ? { WORKER_HEALTH_PORT: String(healthPort) } : {}), ...(metricsPort ? { METRICS_PORT: String(metricsPort) } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = createWriteStream(join(this.dir, `${kind}-${n}.log`));
    child.stderr!.pipe(log);
    const proc: Proc = {
      kind,
      child,
      pid: child.pid!,
      ...(port ? { url: `http://127.0.0.1:${port}`, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` } : {}),
      ...(healthPort ? { metricsUrl: `http://127.0.0.1:${healthPort}/metrics` } : {}),
    };
    const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`${kind} exited (${code}) before it was ready; see ${join(this.dir, `${kind}-${n}.log`)}`))));
    const ready =
      kind === 'baseline-worker'
        ? new Promise<void>((resolve) => createInterface({ input: child.stdout! }).on('line', (l) => l.trim() === 'ready' && resolve()))
        : (child.stdout!.pipe(log), waitHttp(kind === 'api' ? `${proc.url}/ready` : `http://127.0.0.1:${healthPort}/ready`));
    await Promise.race([ready, exited]);
    exited.catch(() => undefined);
    return proc;
  }

  async stop(procs: Proc[]): Promise<void> {
    await Promise.all(procs.map((p) => stopProcess(p.child)));
  }
}

/** CPU time of each process kind (and the server and this client) over one measured run, per approval. */
class CpuMeter {
  private readonly start = new Map<string, number>();
  constructor(private readonly parts: { label: string; pids: number[] }[]) {}
  private read(): Map<string, number> {
    const now = new Map<string, number>();
    for (const p of this.parts) now.set(p.label, p.pids.reduce((a, pid) => a + cpuMs(pid), 0));
    now.set('client', selfCpuMs());
    return now;
  }
  begin(): void {
    for (const [k, v] of this.read()) this.start.set(k, v);
  }
  /** "api 35.1, worker 40.2, … (total 100.4)" ms of CPU per approval. */
  perApproval(n: number): { line: string; total: number } {
    let total = 0;
    const parts = [...this.read()].map(([k, v]) => {
      const per = (v - (this.start.get(k) ?? 0)) / n;
      total += per;
      return `${k} ${per.toFixed(1)}`;
    });
    return { line: `${parts.join(', ')} (total ${total.toFixed(1)})`, total };
  }
}

/**
 * What each kind of process asks the database per approval, counted by MariaDB itself: every
 * kind connects as a database user of its own, and the server's user statistics (`userstat`)
 * count statements and the server's CPU time per user. Statement counts are exact where
 * CPU figures on a shared machine are not, so they show a change in the database work at once.
 * Needs MariaDB and a bench user that may create users and set globals (root here); otherwise
 * every process uses the bench's own URL and the census line says why it is missing.
 */
const CENSUS_KINDS = ['api', 'worker'] as const;
type CensusKind = (typeof CENSUS_KINDS)[number];
interface UserStats {
  select: number;
  write: number;
  other: number;
  cpuMs: number;
}

class StatementCensus {
  private start = new Map<string, UserStats>();
  private constructor(
    private readonly admin: Connection2 | null,
    readonly urls: Partial<Record<CensusKind, string>>,
    readonly unavailable: string | null,
  ) {}

  static async open(databaseUrl: string): Promise<StatementCensus> {
    if (!/^(mysql|mariadb):/.test(databaseUrl)) return new StatementCensus(null, {}, 'only on MariaDB');
    const u = new URL(databaseUrl);
    const db = u.pathname.slice(1);
    let conn: Connection2 | undefined;
    try {
      conn = await createConnection({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username || 'root'), password: decodeURIComponent(u.password) });
      const [[version]] = (await conn.query('SELECT VERSION() AS v')) as unknown as [{ v: string }[]];
      if (!/mariadb/i.test(version.v)) throw new Error(`${version.v} is not MariaDB (no user statistics)`);
      await conn.query('SET GLOBAL userstat = 1');
      const urls: Partial<Record<CensusKind, string>> = {};
      for (const kind of CENSUS_KINDS) {
        const user = `signoff_bench_${kind}`;
        // Both hosts: a TCP connection to 127.0.0.1 matches either, depending on name resolution.
        for (const host of ['localhost', '127.0.0.1', '%']) {
          await conn.query(`CREATE USER IF NOT EXISTS '${user}'@'${host}'`);
          await conn.query(`GRANT ALL PRIVILEGES ON \`${db}\`.* TO '${user}'@'${host}'`);
        }
        const url = new URL(databaseUrl);
        url.username = user;
        url.password = '';
        urls[kind] = url.toString();
      }
      return new StatementCensus(conn, urls, null);
    } catch (err) {
      await conn?.end().catch(() => undefined);
      return new StatementCensus(null, {}, (err as Error).message);
    }
  }

  private async read(): Promise<Map<string, UserStats>> {
    const [rows] = (await this.admin!.query(
      `SELECT USER AS user, SELECT_COMMANDS AS s, UPDATE_COMMANDS AS w, OTHER_COMMANDS AS o, CPU_TIME AS cpu
         FROM information_schema.USER_STATISTICS WHERE USER LIKE 'signoff\\_bench\\_%'`,
    )) as unknown as [{ user: string; s: number; w: number; o: number; cpu: number }[]];
    return new Map(rows.map((r) => [r.user.replace('signoff_bench_', ''), { select: Number(r.s), write: Number(r.w), other: Number(r.o), cpuMs: Number(r.cpu) * 1000 }]));
  }

  async begin(): Promise<void> {
    if (this.admin) this.start = await this.read();
  }

  /** "api 96.3 (select 88.1, write 1.1, other 7.1; database CPU 9.8 ms), worker …" per approval. */
  async perApproval(n: number): Promise<string> {
    if (!this.admin) return `statements per approval: not counted (${this.unavailable})`;
    const now = await this.read();
    const parts = CENSUS_KINDS.map((kind) => {
      const a = this.start.get(kind) ?? { select: 0, write: 0, other: 0, cpuMs: 0 };
      const b = now.get(kind) ?? a;
      const per = (k: keyof UserStats) => (b[k] - a[k]) / n;
      const total = per('select') + per('write') + per('other');
      // "other": BEGIN, COMMIT and session statements. (COMMIT_TRANSACTIONS is not shown: it counts every autocommitted statement too.)
      return `${kind} ${total.toFixed(1)} (select ${per('select').toFixed(1)}, write ${per('write').toFixed(1)}, other ${per('other').toFixed(1)}; database CPU ${per('cpuMs').toFixed(1)} ms)`;
    });
    return `statements per approval (MariaDB user statistics): ${parts.join(', ')}`;
  }

  async close(): Promise<void> {
    await this.admin?.end();
  }
}

const rate = (n: number, wallMs: number) => (n / wallMs) * 1000;
const pair = (xs: number[]) => {
  const s = summarize(xs);
  return `${ms(s.p50)} / ${ms(s.p95)}`;
};

async function freshDatabase(url: string): Promise<void> {
  if (!url.startsWith('mysql:') && !url.startsWith('mariadb:')) return;
  const u = new URL(url);
  const name = u.pathname.slice(1);
  u.pathname = '';
  await recreateMysqlDatabase(u.toString(), name);
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'signoff-scale-'));
  let server: DevServer | undefined;
  let address = process.env.BENCH_TEMPORAL_ADDRESS;
  if (!address) {
    const port = 27233 + Math.floor(Math.random() * 1000);
    server = await startDevServer({ cliPath: ensureTemporalCli({ install: true }), dataDir: dir, namespace: 'default', port, uiPort: port + 1000 });
    address = server.address;
  }
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/signoff_bench_scale';
  await freshDatabase(databaseUrl);
  // One configuration for every process: the same database, Redis prefix, keys (DATA_DIR) and queue.
  const env: Record<string, string> = {
    DATA_DIR: dir,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: QUEUE,
    REDIS_KEY_PREFIX: `signoff-scale:${Date.now()}:`,
    LOG_LEVEL: 'warn',
    // The bench drives thousands of requests from one address and three users: limits off.
    RATE_LIMIT_PER_USER: '0',
    RATE_LIMIT_PER_TENANT: '0',
    RATE_LIMIT_PER_IP: '0',
    RATE_LIMIT_PER_API_KEY: '0',
    LOGIN_MAX_FAILURES_PER_IP: '100000',
  };
  const config = loadConfig({ ...process.env, ...env });
  const rt: Runtime = await createRuntime(config, { name: 'bench-scale' });
  await migrate(rt.orm);
  const seeded = await seedDemoData(rt.orm.em.fork(), { scryptLogN: config.SCRYPT_LOG_N });
  const token = async (u: (typeof seeded.users)['admin']) => (await rt.tokens.issue(u)).token;
  const people: BenchPeople = {
    tokens: { admin: await token(seeded.users.admin), alice: await token(seeded.users.alice), pete: await token(seeded.users.pete), carol: await token(seeded.users.carol) },
    peteId: seeded.users.pete.id,
    carolId: seeded.users.carol.id,
  };
  const client = new Client({ connection: await Connection.connect({ address }), dataConverter: rt.dataConverter });

  // Bundle once; every worker process loads the same file (as a production image would).
  const quiet = { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} } as never;
  const productBundle = join(dir, 'workflows.js');
  writeFileSync(productBundle, (await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES, logger: quiet })).code);
  const baselineBundle = join(dir, 'baseline-workflows.js');
  writeFileSync(baselineBundle, (await bundleWorkflowCode({ workflowsPath: require.resolve('./workflows'), logger: quiet })).code);

  const census = await StatementCensus.open(databaseUrl);
  const stack = new Stack(dir, { ...env, WORKFLOW_BUNDLE_PATH: productBundle, BENCH_BASELINE_QUEUE: BASELINE_QUEUE, BENCH_BASELINE_BUNDLE: baselineBundle }, census.urls);
  // A server of our own is measured; one at BENCH_TEMPORAL_ADDRESS when BENCH_SERVER_PIDS names
  // its processes (e.g. the server and its PostgreSQL backends: `pgrep -d, -f temporal-server`).
  const serverPids = server?.process.pid ? [server.process.pid] : (process.env.BENCH_SERVER_PIDS ?? '').split(',').filter(Boolean).map(Number);
  const serverPart = serverPids.length ? [{ label: 'temporal server', pids: serverPids.filter((pid) => existsSync(`/proc/${pid}`)) }] : [];
  const upProduct = async (workers: number, apis: number) => {
    const procs = await Promise.all([...Array.from({ length: workers }, () => stack.spawn('worker')), ...Array.from({ length: apis }, () => stack.spawn('api'))]);
    return { procs, https: procs.filter((p) => p.kind === 'api').map((p) => call(p.url!)) };
  };

  let key = '';
  let phases: BaselinePhase[] = [];
  const lines: string[] = [
    `Signoff scale benchmark — ${cpus().length} cores, database ${config.database.kind}, Temporal ${server ? 'dev server' : address}; N=${N} approvals per layout, C=${C}`,
    '  CPU ms per approval: user + system time of each process kind over the measured run, divided by N',
    '',
  ];
  const drive = (https: Call[], i: number) => driveApproval(https[Math.abs(i) % https.length], key, people, i);

  for (const { workers, apis } of LAYOUTS) {
    // Ours.
    const up = await upProduct(workers, apis);
    if (!key) {
      key = await publishTwoStepTemplate(up.https[0], people);
      const warm = await drive(up.https, -1);
      await client.workflow.getHandle(warm.workflowId).result();
      phases = await activityPhases(client, warm.workflowId);
    }
    for (let i = 0; i < 2 * apis; i++) await drive(up.https, -2 - i);
    const cpu = new CpuMeter([
      { label: 'api', pids: up.procs.filter((p) => p.kind === 'api').map((p) => p.pid) },
      { label: 'worker', pids: up.procs.filter((p) => p.kind === 'worker').map((p) => p.pid) },
      ...serverPart,
    ]);
    const starts: number[] = [];
    const approves: number[] = [];
    cpu.begin();
    await census.begin();
    const wall = await pool(N, C, async (i) => {
      const run = await drive(up.https, i);
      starts.push(run.start);
      approves.push(...run.approves);
    });
    const oursCpu = cpu.perApproval(N);
    const statements = await census.perApproval(N);
    await stack.stop(up.procs);

    // The baseline with as many worker processes.
    const base = await Promise.all(Array.from({ length: workers }, () => stack.spawn('baseline-worker')));
    for (let i = 0; i < 4; i++) await driveBaseline(client, BASELINE_QUEUE, phases, `warm-${workers}-${i}`);
    const bcpu = new CpuMeter([{ label: 'worker', pids: base.map((p) => p.pid) }, ...serverPart]);
    const bStarts: number[] = [];
    const bApproves: number[] = [];
    bcpu.begin();
    const bWall = await pool(N, C, async (i) => {
      const run = await driveBaseline(client, BASELINE_QUEUE, phases, `${workers}x${apis}-${i}`);
      bStarts.push(run.start);
      bApproves.push(...run.approves);
    });
    const baseCpu = bcpu.perApproval(N);
    await stack.stop(base);

    lines.push(
      `${workers} worker process${workers > 1 ? 'es' : ''} × ${apis} API process${apis > 1 ? 'es' : ''}`,
      `  ours      ${rate(N, wall).toFixed(1)} /s   start p50/p95 ${pair(starts)}   approve p50/p95 ${pair(approves)}`,
      `            CPU ms per approval: ${oursCpu.line}`,
      `            ${statements}`,
      `  baseline  ${rate(N, bWall).toFixed(1)} /s   start p50/p95 ${pair(bStarts)}   approve p50/p95 ${pair(bApproves)}`,
      `            CPU ms per approval: ${baseCpu.line}`,
      `  ratio ours/baseline: time per approval ${(wall / bWall).toFixed(2)}, CPU per approval ${(oursCpu.total / baseCpu.total).toFixed(2)}`,
      '',
    );
    console.log(lines.splice(0).join('\n'));
  }

  // Memory: one worker and one API process, as `npm start` runs them.
  const up = await upProduct(1, 1);
  const [worker, api] = [up.procs.find((p) => p.kind === 'worker')!, up.procs.find((p) => p.kind === 'api')!];
  const rss = () => `api ${rssMiB(api.pid).toFixed(0)} MiB, worker ${rssMiB(worker.pid).toFixed(0)} MiB`;
  for (let i = 0; i < 4; i++) await drive(up.https, -100 - i);
  const mem = [`memory (1 worker × 1 API process): RSS after warm-up ${rss()}`];
  await pool(N, C, async (i) => void (await drive(up.https, 1000 + i)));
  mem.push(`  after ${N} more approvals (${3 * N} requests): ${rss()}`);
  const inbox = (await up.https[0]('GET', '/api/v1/approvals/inbox?box=done&limit=20', undefined, people.tokens.pete)).body.items as { instanceId: string }[];
  const reads = await pool(READS, 50, async (i) => {
    const path = i % 2 ? `/api/v1/approvals/inbox?box=done&limit=20` : `/api/v1/approvals/${inbox[i % inbox.length].instanceId}`;
    const res = await up.https[0]('GET', path, undefined, people.tokens.pete);
    if (res.status !== 200) throw new Error(`read ${path}: ${res.status}`);
  });
  mem.push(`  after ${READS} read requests (detail and inbox, C=50, ${rate(READS, reads).toFixed(0)} req/s): ${rss()}`);
  if (SOAK_SECONDS > 0) {
    // RSS and the V8 heap in use (prom-client's nodejs_heap_size_used_bytes): RSS alone swings
    // with when the collector runs and what V8 keeps reserved, the heap in use is what a leak grows.
    type Sample = { t: number; api: number; worker: number; apiHeap: number; workerHeap: number };
    const samples: Sample[] = [];
    const t0 = performance.now();
    const sampler = setInterval(
      () =>
        void Promise.all([heapUsedMiB(api.metricsUrl!), heapUsedMiB(worker.metricsUrl!)]).then(([apiHeap, workerHeap]) =>
          samples.push({ t: (performance.now() - t0) / 1000, api: rssMiB(api.pid), worker: rssMiB(worker.pid), apiHeap, workerHeap }),
        ),
      10_000,
    );
    let done = 0;
    await Promise.all(
      Array.from({ length: C }, async (_, c) => {
        for (let i = 0; performance.now() - t0 < SOAK_SECONDS * 1000; i++) {
          await drive(up.https, 100_000 + c * 100_000 + i);
          done++;
        }
      }),
    );
    clearInterval(sampler);
    // The first minute fills caches and pools; growth after it is what would leak.
    const settled = samples.filter((s) => s.t >= Math.min(60, SOAK_SECONDS / 5));
    const slope = (k: keyof Sample) => slopePerMinute(settled.map((s) => ({ t: s.t, mib: s[k] }))).toFixed(2);
    const series = (k: keyof Sample) => samples.filter((_, i) => i % Math.max(1, Math.floor(samples.length / 8)) === 0).map((s) => s[k].toFixed(0)).join(' ');
    mem.push(
      `  soak ${SOAK_SECONDS} s at C=${C}: ${done} approvals (${rate(done, SOAK_SECONDS * 1000).toFixed(1)} /s); slopes after the first minute (MiB/min): RSS api ${slope('api')}, worker ${slope('worker')}; heap in use api ${slope('apiHeap')}, worker ${slope('workerHeap')}`,
      `    api RSS MiB ${series('api')}; heap in use ${series('apiHeap')}`,
      `    worker RSS MiB ${series('worker')}; heap in use ${series('workerHeap')}`,
    );
  }
  console.log(mem.join('\n'));
  await stack.stop(up.procs);

  await census.close();
  await client.connection.close();
  await rt.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
