/**
 * `npm run bench:reads`: latency of the everyday reads over HTTP while the task table grows.
 * Prints figures; asserts nothing (timings belong here, not in tests).
 *
 * Per database and per table size N: the demo tenant plus N running requests, each with one open
 * approval task and its `submitted` timeline event, bulk-inserted in batches (not through the
 * API). One approver (Pete) holds a fixed share of them (BENCH_READS_MINE); the others go to
 * filler colleagues, so his inbox stays the same size while the tenant grows. Then, as Pete,
 * through the in-process API (a real Koa server on a port, real fetch):
 *
 *   detail     GET /api/v1/approvals/:id          (one of his requests, in turn)
 *   inbox      GET /api/v1/approvals/inbox         (to-do, first page of 20)
 *   counts     GET /api/v1/approvals/inbox/counts
 *   catalogue  GET /api/v1/approval-catalog         (templates he may start)
 *   directory  GET /api/v1/directory/people?q=…    (a surname that matches 1 in 25 people)
 *
 * each warmed up, then BENCH_READS_SAMPLES sequential requests (p50/p95/p99, and process CPU per
 * request); then the inbox with BENCH_READS_C clients for BENCH_READS_SECONDS (requests/s).
 * CPU is the whole process's (API, the fetch client and, on SQLite, the embedded database; the
 * MariaDB server's own CPU is not in it). These reads touch no Temporal: no server is started and
 * the client points at a closed port, so a read that did need it would fail the run.
 *
 * Knobs: BENCH_DB (sqlite, mysql or both; default both), BENCH_READS_N (comma list of table sizes,
 * ascending, default 10000,100000), BENCH_READS_SAMPLES (200), BENCH_READS_C (50),
 * BENCH_READS_SECONDS (10), BENCH_READS_USERS (filler colleagues, default 5000),
 * BENCH_READS_MINE (Pete's open tasks, default 200), BENCH_READS_SKIP_MIGRATIONS (comma list of
 * migration names left out, e.g. Migration00000000000110_tenant_id_lookup_indexes to measure
 * without that migration), BENCH_READS_MYSQL_ADMIN_URL (default mysql://root@127.0.0.1:3306; the
 * bench drops and creates the database `signoff_bench_reads`), BENCH_READS_KEEP=1 (keep the
 * databases afterwards, e.g. to EXPLAIN by hand).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createConnection } from 'mysql2/promise';
import { loadConfig } from '../common/config';
import { createRuntime, type Runtime } from '../activities/runtime';
import { seedDemoData } from '../db/seed';
import { mysqlMigrations } from '../db/migrations/mysql';
import { sqliteMigrations } from '../db/migrations/sqlite';
import { newId } from '../common/ids';
import { ApprovalEvent, ApprovalInstance, ApprovalTask, ApprovalTemplate, User } from '../db/entities';
import { createApp } from '../api/app';
import { ms, summarize } from './stats';

type Kind = 'sqlite' | 'mysql';

const SIZES = (process.env.BENCH_READS_N ?? '10000,100000')
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => n > 0)
  .sort((a, b) => a - b);
const DBS: Kind[] = (() => {
  const v = process.env.BENCH_DB ?? 'both';
  if (v === 'both') return ['sqlite', 'mysql'];
  if (v === 'sqlite' || v === 'mysql') return [v];
  throw new Error(`BENCH_DB: sqlite, mysql or both, not ${v}`);
})();
const SAMPLES = Number(process.env.BENCH_READS_SAMPLES ?? 200);
const WARMUP = 20;
const C = Number(process.env.BENCH_READS_C ?? 50);
const SECONDS = Number(process.env.BENCH_READS_SECONDS ?? 10);
const USERS = Number(process.env.BENCH_READS_USERS ?? 5000);
const MINE = Number(process.env.BENCH_READS_MINE ?? 200);
const SKIP = (process.env.BENCH_READS_SKIP_MIGRATIONS ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const MYSQL_ADMIN = process.env.BENCH_READS_MYSQL_ADMIN_URL ?? 'mysql://root@127.0.0.1:3306';
const MYSQL_DB = 'signoff_bench_reads';
const KEEP = process.env.BENCH_READS_KEEP === '1';
/** Rows per insert statement; one transaction per batch (SQLite would otherwise commit each statement). */
const BATCH = 1000;

const FIRST = ['Mina', 'Jonas', 'Priya', 'Tomás', 'Aiko', 'Lena', 'Omar', 'Sofia', 'Kwame', 'Ines', 'Ravi', 'Elif', 'Noah', 'Yara', 'Lukas', 'Hana', 'Diego', 'Maya', 'Felix', 'Zara'];
const LAST = ['Okafor', 'Schmidt', 'Nakamura', 'Rossi', 'Kowalski', 'Haddad', 'Silva', 'Novak', 'Jensen', 'Moreau', 'Gupta', 'Kim', 'Larsen', 'Duarte', 'Weber', 'Popescu', 'Ahmed', 'Berg', 'Costa', 'Ivanova', 'Tanaka', 'Fischer', 'Mensah', 'Laurent', 'Horvat'];
/** Matches 1 in 25 filler colleagues (and nobody of the demo seed). */
const SEARCH = LAST[3];

interface Reading {
  name: string;
  lat: ReturnType<typeof summarize>;
  cpuMsPerReq: number;
  note: string;
}

interface Loaded {
  rps: number;
  requests: number;
  errors: number;
  lat: ReturnType<typeof summarize>;
  cpuMsPerReq: number;
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

async function runDatabase(kind: Kind): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'signoff-bench-reads-'));
  let databaseUrl = `sqlite:${join(dir, 'bench.db')}`;
  if (kind === 'mysql') {
    const admin = await createConnection(`${MYSQL_ADMIN}/`);
    await admin.query(`drop database if exists \`${MYSQL_DB}\``);
    await admin.query(`create database \`${MYSQL_DB}\` character set utf8mb4 collate utf8mb4_unicode_ci`);
    await admin.end();
    databaseUrl = `${MYSQL_ADMIN}/${MYSQL_DB}`;
  }
  const config = loadConfig({
    ...process.env,
    DATA_DIR: dir,
    DATABASE_URL: databaseUrl,
    // Nothing listens there: a read that needed Temporal would fail the bench instead of hiding it.
    TEMPORAL_ADDRESS: '127.0.0.1:1',
    REDIS_KEY_PREFIX: `signoff-bench-reads:${Date.now()}:`,
    LOG_LEVEL: 'warn',
    // One client address and one user: the limits would measure themselves.
    RATE_LIMIT_PER_USER: '0',
    RATE_LIMIT_PER_TENANT: '0',
    RATE_LIMIT_PER_IP: '0',
    RATE_LIMIT_PER_API_KEY: '0',
  });
  const rt = await createRuntime(config, { name: 'bench-reads' });
  try {
    const all = (kind === 'mysql' ? mysqlMigrations : sqliteMigrations).map((m) => m.name);
    const unknown = SKIP.filter((s) => !all.includes(s));
    if (unknown.length) throw new Error(`BENCH_READS_SKIP_MIGRATIONS: unknown ${unknown.join(', ')}`);
    await rt.orm.getMigrator().up({ migrations: all.filter((m) => !SKIP.includes(m)) });
    // Tokens are issued directly, so the demo passwords only need to exist: the cheapest cost.
    const seeded = await seedDemoData(rt.orm.em.fork(), { scryptLogN: 10 });
    const http = createApp(rt).listen(0, '127.0.0.1');
    await new Promise((r) => http.once('listening', r));
    const api = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    try {
      const filler = await insertUsers(rt, seeded.tenantId, Object.values(seeded.departments).map((d) => d.id));
      const template = await rt.orm.em.fork().findOneOrFail(ApprovalTemplate, { tenantId: seeded.tenantId, latestVersion: { $gt: 0 } }, { orderBy: { key: 'asc' } });
      const pete = seeded.users.pete;
      const token = (await rt.tokens.issue(pete)).token;
      const fill = readModelFiller(rt, seeded.tenantId, template, pete.id, filler);
      for (const n of SIZES) {
        const f0 = performance.now();
        await fill.to(n);
        const fillS = (performance.now() - f0) / 1000;
        const lines = await measure(rt, kind, api, token, seeded.tenantId, fill.mine, n, fillS);
        console.log(lines.join('\n'));
      }
    } finally {
      http.close();
    }
  } finally {
    await rt.close();
    if (!KEEP) {
      rmSync(dir, { recursive: true, force: true });
      if (kind === 'mysql') {
        const admin = await createConnection(`${MYSQL_ADMIN}/`);
        await admin.query(`drop database if exists \`${MYSQL_DB}\``);
        await admin.end();
      }
    } else console.log(`kept: ${kind === 'mysql' ? `${MYSQL_ADMIN}/${MYSQL_DB}` : join(dir, 'bench.db')}`);
  }
}

/** Filler colleagues (initiators and approvers of everyone else's requests); returns their ids. */
async function insertUsers(rt: Runtime, tenantId: string, departmentIds: string[]): Promise<string[]> {
  const em = rt.orm.em.fork();
  const ids: string[] = [];
  const now = new Date();
  for (let from = 0; from < USERS; from += BATCH) {
    const rows: Record<string, unknown>[] = [];
    for (let i = from; i < Math.min(USERS, from + BATCH); i++) {
      const id = newId();
      ids.push(id);
      rows.push({
        id,
        tenantId,
        username: `filler${i}`,
        email: `filler${i}@bench.example`,
        displayName: `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]} ${i}`,
        passwordHash: null,
        status: 'active',
        departmentId: departmentIds[i % departmentIds.length],
        positionId: null,
        phone: null,
        provisionedBy: null,
        passwordChangedAt: null,
        lastLoginAt: null,
        deletedAt: null,
        createdAt: now,
        updatedAt: now,
      });
    }
    await em.insertMany(User, rows as never);
  }
  return ids;
}

/**
 * Grows the read model to a given number of open tasks. Pete's share is spread evenly over the
 * first size, so his inbox is full from the start and does not grow afterwards.
 */
function readModelFiller(rt: Runtime, tenantId: string, template: ApprovalTemplate, approverId: string, users: string[]) {
  const mine: string[] = [];
  let inserted = 0;
  // Submission times one second apart, ending now: newer sizes are the newest requests.
  const base = Date.now() - 10 * 365 * 86_400_000;
  const every = Math.max(1, Math.floor(SIZES[0] / Math.max(1, MINE)));
  return {
    mine,
    async to(target: number) {
      while (inserted < target) {
        const instances: Record<string, unknown>[] = [];
        const tasks: Record<string, unknown>[] = [];
        const events: Record<string, unknown>[] = [];
        for (let k = 0; k < BATCH && inserted < target; k++, inserted++) {
          const id = newId();
          const workflowId = `approval:${tenantId}:${id}`;
          const at = new Date(base + inserted * 1000);
          const initiatorId = users[(inserted * 7) % users.length];
          const isMine = mine.length < MINE && inserted % every === 0;
          const assigneeId = isMine ? approverId : users[(inserted * 13 + 1) % users.length];
          if (isMine) mine.push(id);
          const title = `${template.name} #${inserted}`;
          instances.push({
            id,
            tenantId,
            workflowId,
            templateId: template.id,
            templateKey: template.key,
            templateVersion: template.latestVersion,
            templateName: template.name,
            title,
            initiatorId,
            initiatorDepartmentId: null,
            serialNumber: null,
            status: 'running',
            form: { amount: inserted % 5000, reason: 'bench' },
            currentStepIds: ['one'],
            currentAssigneeIds: [assigneeId],
            round: 1,
            projectedSeq: 1,
            submittedAt: at,
            finishedAt: null,
            createdAt: at,
            updatedAt: at,
          });
          tasks.push({
            id: newId(),
            tenantId,
            instanceId: id,
            position: 0,
            stepId: 'one',
            stepName: 'Approval',
            kind: 'approval',
            assigneeId,
            status: 'open',
            reason: null,
            comment: null,
            autoApproved: null,
            round: 1,
            openedAt: at,
            actedAt: null,
            createdAt: at,
            updatedAt: at,
          });
          events.push({
            id: newId(),
            tenantId,
            instanceId: id,
            eventKey: `${workflowId}:1`,
            seq: 1,
            type: 'submitted',
            stepId: null,
            taskId: null,
            actorId: initiatorId,
            data: { title, version: template.latestVersion },
            occurredAt: at,
            createdAt: at,
          });
        }
        await rt.orm.em.fork().transactional(async (em) => {
          await em.insertMany(ApprovalInstance, instances as never);
          await em.insertMany(ApprovalTask, tasks as never);
          await em.insertMany(ApprovalEvent, events as never);
        });
      }
    },
  };
}

async function measure(rt: Runtime, kind: Kind, api: string, token: string, tenantId: string, mine: string[], n: number, fillS: number): Promise<string[]> {
  const get = async (path: string) => {
    const res = await fetch(api + path, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as any;
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
    return body;
  };
  let turn = 0;
  const reads: { name: string; path: () => string; note: (body: any) => string }[] = [
    { name: 'detail', path: () => `/api/v1/approvals/${mine[turn++ % mine.length]}`, note: (b) => `${b.tasks.length} task, ${b.timeline.length} event` },
    { name: 'inbox', path: () => '/api/v1/approvals/inbox?box=todo&limit=20', note: (b) => `${b.items.length} items` },
    { name: 'counts', path: () => '/api/v1/approvals/inbox/counts', note: (b) => `todo ${b.todo}, done ${b.done}, cc ${b.cc}, started ${b.started}` },
    { name: 'catalogue', path: () => '/api/v1/approval-catalog', note: (b) => `${b.items.length} of ${b.total} templates` },
    { name: 'directory', path: () => `/api/v1/directory/people?q=${SEARCH}`, note: (b) => `${b.items.length} of ${b.total} people` },
  ];
  const readings: Reading[] = [];
  for (const r of reads) {
    for (let i = 0; i < WARMUP; i++) await get(r.path());
    const samples: number[] = [];
    let last: unknown;
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < SAMPLES; i++) {
      const t0 = performance.now();
      last = await get(r.path());
      samples.push(performance.now() - t0);
    }
    readings.push({ name: r.name, lat: summarize(samples), cpuMsPerReq: cpuMs(process.cpuUsage(cpu0)) / SAMPLES, note: r.note(last) });
  }

  // The inbox under load: C clients back to back for SECONDS.
  const loaded: number[] = [];
  let errors = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (performance.now() < deadline) {
        const s = performance.now();
        try {
          await get('/api/v1/approvals/inbox?box=todo&limit=20');
          loaded.push(performance.now() - s);
        } catch {
          errors++;
        }
      }
    }),
  );
  const wall = performance.now() - t0;
  const load: Loaded = { rps: (loaded.length / wall) * 1000, requests: loaded.length, errors, lat: summarize(loaded), cpuMsPerReq: cpuMs(process.cpuUsage(cpu0)) / Math.max(1, loaded.length + errors) };

  const em = rt.orm.em.fork();
  const counts = {
    instances: await em.count(ApprovalInstance, {}),
    tasks: await em.count(ApprovalTask, {}),
    events: await em.count(ApprovalEvent, {}),
    users: await em.count(User, {}),
  };
  const plans = await lookupPlans(rt, kind, tenantId, await get('/api/v1/approvals/inbox?box=todo&limit=20'));

  const col = (s: string, w: number) => s.padStart(w);
  return [
    '',
    `reads — ${kind === 'mysql' ? 'MariaDB' : 'SQLite (embedded libsql)'}, N=${n} open tasks (${counts.instances} requests, ${counts.tasks} tasks, ${counts.events} events, ${counts.users} users; Pete's open tasks ${mine.length})` +
      `, migrations left out: ${SKIP.length ? SKIP.join(', ') : 'none'}`,
    `  bulk insert up to this size: ${fillS.toFixed(1)} s`,
    `  ${'read'.padEnd(10)} ${col('p50', 9)} ${col('p95', 9)} ${col('p99', 9)} ${col('max', 9)} ${col('CPU/req', 9)}   (${SAMPLES} sequential requests after ${WARMUP} warm-up, over HTTP)`,
    ...readings.map((r) => `  ${r.name.padEnd(10)} ${col(ms(r.lat.p50), 9)} ${col(ms(r.lat.p95), 9)} ${col(ms(r.lat.p99), 9)} ${col(ms(r.lat.max), 9)} ${col(ms(r.cpuMsPerReq), 9)}   ${r.note}`),
    `  inbox at C=${C} for ${SECONDS} s: ${load.rps.toFixed(0)} requests/s (${load.requests} ok, ${load.errors} failed), latency p50/p95/p99 ${ms(load.lat.p50)} / ${ms(load.lat.p95)} / ${ms(load.lat.p99)}, process CPU ${ms(load.cpuMsPerReq)} per request`,
    ...plans.map((p) => `  plan ${p}`),
  ];
}

/** How the database answers the inbox page's follow-up lookups (`tenant_id = ? and id in (…)`). */
async function lookupPlans(rt: Runtime, kind: Kind, tenantId: string, page: { items: { instanceId: string; initiator: { userId: string } }[] }): Promise<string[]> {
  const em = rt.orm.em.fork();
  const instanceIds = page.items.map((i) => i.instanceId);
  const userIds = [...new Set(page.items.map((i) => i.initiator.userId))];
  const queries = {
    [`approval_instances (${instanceIds.length} ids)`]: em.createQueryBuilder(ApprovalInstance).select('*').where({ tenantId, id: { $in: instanceIds } }).getFormattedQuery(),
    [`users (${userIds.length} ids)`]: em.createQueryBuilder(User).select(['id', 'displayName']).where({ tenantId, id: { $in: userIds } }).getFormattedQuery(),
  };
  const out: string[] = [];
  for (const [label, sql] of Object.entries(queries)) {
    if (kind === 'sqlite') {
      const rows = (await em.getConnection().execute(`explain query plan ${sql}`)) as { detail: string }[];
      out.push(`${label}: ${rows.map((r) => r.detail).join('; ')}`);
    } else {
      const rows = (await em.getConnection().execute(`explain ${sql}`)) as Record<string, unknown>[];
      out.push(`${label}: ${rows.map((r) => `type=${r.type} key=${r.key} key_len=${r.key_len} rows=${r.rows} ${r.Extra ?? ''}`.trim()).join('; ')}`);
    }
  }
  return out;
}

async function main() {
  const t0 = performance.now();
  console.log(`\nSignoff read benchmark — databases ${DBS.join(', ')}; sizes ${SIZES.join(', ')}; node ${process.version}`);
  for (const kind of DBS) await runDatabase(kind);
  console.log(`\ntotal ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
