/**
 * Business and dependency gauges, read at scrape time from the read model (approval instances
 * and tasks, notification deliveries), Temporal visibility (onboarding stages) and pings of the
 * database and Redis. Platform-wide on purpose: ops see totals; labels are template keys, step
 * ids, channels and statuses (closed sets), never tenants' or people's ids.
 *
 * One scrape runs the queries at most once per cache period, however many Prometheus servers
 * (or a retrying one) ask: the read model is not loaded by monitoring.
 */
import { Gauge, Histogram } from 'prom-client';
import { DEPENDENCY_BUCKETS } from '../../common/metrics';
import type { Runtime } from '../runtime';
import { ONBOARDING, ONBOARDING_STATUSES } from '../../workflows/onboarding/contract';
import { SA } from '../../workflows/search-attributes';

/** Onboarding stages that are still in progress (the others are final). */
const ONBOARDING_OPEN_STAGES = ONBOARDING_STATUSES.filter((s) => !['completed', 'cancelled', 'failed'].includes(s));

interface Snapshot {
  approvals: { template: string; status: string; n: number }[];
  openTasks: { template: string; step: string; n: number; oldestSeconds: number }[];
  deliveries: { channel: string; type: string; status: string; n: number }[];
  onboarding: { stage: string; n: number }[] | null;
}

const toDate = (v: unknown): Date | null => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(typeof v === 'string' && !v.includes('T') && !/Z$/.test(v) ? `${v.replace(' ', 'T')}Z` : (v as string | number)));

export function registerReadModelMetrics(rt: Runtime) {
  const cacheMs = rt.config.METRICS_CACHE_SECONDS * 1000;
  const registers = [rt.metrics.registry];
  let cached: { at: number; snapshot: Promise<Snapshot> } | undefined;

  async function read(): Promise<Snapshot> {
    const conn = rt.orm.em.fork().getConnection();
    const rows = async <R>(sql: string) => (await conn.execute(sql)) as unknown as R[];
    const [approvals, tasks, deliveries] = await Promise.all([
      rows<{ template_key: string; status: string; n: number | string }>('select template_key, status, count(*) as n from approval_instances group by template_key, status'),
      rows<{ template_key: string; step_id: string; n: number | string; oldest: unknown }>(
        `select i.template_key, t.step_id, count(*) as n, min(t.opened_at) as oldest
           from approval_tasks t join approval_instances i on i.id = t.instance_id
          where t.status = 'open' group by i.template_key, t.step_id`,
      ),
      rows<{ channel: string; type: string; status: string; n: number | string }>('select channel, type, status, count(*) as n from notification_deliveries group by channel, type, status'),
    ]);
    const now = Date.now();
    return {
      approvals: approvals.map((r) => ({ template: r.template_key, status: r.status, n: Number(r.n) })),
      openTasks: tasks.map((r) => ({
        template: r.template_key,
        step: r.step_id,
        n: Number(r.n),
        oldestSeconds: Math.max(0, (now - (toDate(r.oldest)?.getTime() ?? now)) / 1000),
      })),
      deliveries: deliveries.map((r) => ({ channel: r.channel, type: r.type, status: r.status, n: Number(r.n) })),
      onboarding: await onboardingStages().catch(() => null),
    };
  }

  async function onboardingStages() {
    const client = await rt.temporal();
    const base = `${SA.process.name} = "${ONBOARDING.process}" AND ExecutionStatus = "Running"`;
    return Promise.all(ONBOARDING_OPEN_STAGES.map(async (stage) => ({ stage, n: (await client.workflow.count(`${base} AND ${SA.status.name} = "${stage}"`)).count })));
  }

  /** Shared by every gauge of one scrape; a failed read is not cached. */
  function snapshot(): Promise<Snapshot> {
    if (!cached || Date.now() - cached.at > cacheMs) {
      const snap = read();
      cached = { at: Date.now(), snapshot: snap };
      snap.catch(() => (cached = undefined));
    }
    return cached.snapshot;
  }

  new Gauge({
    name: 'signoff_read_model_up',
    help: '1 when the read-model gauges could be read at this scrape (0: they are absent, not zero)',
    registers,
    async collect() {
      try {
        await snapshot();
        this.set(1);
      } catch (err) {
        this.set(0);
        rt.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'metrics: read model not readable');
      }
    },
  });

  /** A failed read leaves the gauge empty: "unknown" must not look like "zero open tasks". */
  async function fill(g: Gauge<string>, pick: (s: Snapshot) => { labels: Record<string, string>; value: number }[]) {
    g.reset();
    const snap = await snapshot().catch(() => undefined);
    if (snap) for (const { labels, value } of pick(snap)) g.set(labels, value);
  }

  new Gauge({
    name: 'signoff_approval_requests',
    help: 'Approval requests by template key and status (rows only grow: started = sum over statuses, finished = approved|rejected|withdrawn|failed)',
    labelNames: ['template', 'status'],
    registers,
    async collect() {
      await fill(this, (s) => s.approvals.map((a) => ({ labels: { template: a.template, status: a.status }, value: a.n })));
    },
  });
  new Gauge({
    name: 'signoff_approval_open_tasks',
    help: 'Open approval tasks by template key and step id',
    labelNames: ['template', 'step'],
    registers,
    async collect() {
      await fill(this, (s) => s.openTasks.map((t) => ({ labels: { template: t.template, step: t.step }, value: t.n })));
    },
  });
  new Gauge({
    name: 'signoff_approval_oldest_open_task_age_seconds',
    help: 'Age of the oldest open approval task by template key and step id',
    labelNames: ['template', 'step'],
    registers,
    async collect() {
      await fill(this, (s) => s.openTasks.map((t) => ({ labels: { template: t.template, step: t.step }, value: t.oldestSeconds })));
    },
  });
  new Gauge({
    name: 'signoff_notification_deliveries',
    help: 'Notification deliveries by channel, notification type and result (pending, sent, failed); rows only grow',
    labelNames: ['channel', 'type', 'status'],
    registers,
    async collect() {
      await fill(this, (s) => s.deliveries.map((d) => ({ labels: { channel: d.channel, type: d.type, status: d.status }, value: d.n })));
    },
  });
  new Gauge({
    name: 'signoff_onboardings_in_progress',
    help: 'Running onboardings by stage (Temporal visibility; absent while Temporal is unreachable)',
    labelNames: ['stage'],
    registers,
    async collect() {
      await fill(this, (s) => (s.onboarding ?? []).map((o) => ({ labels: { stage: o.stage }, value: o.n })));
    },
  });

  // The pings run when `signoff_dependency_up` is collected; the histogram is registered after
  // it so the same scrape already carries the round trip just measured.
  const timing: { ping?: Histogram<'dependency'> } = {};
  const ping = async (up: Gauge<'dependency'>, dependency: string, call: () => Promise<unknown>) => {
    const end = timing.ping?.startTimer({ dependency });
    try {
      await Promise.race([call(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref())]);
      end?.();
      up.set({ dependency }, 1);
    } catch {
      up.set({ dependency }, 0);
    }
  };
  new Gauge({
    name: 'signoff_dependency_up',
    help: '1 when the dependency (database, redis) answered a trivial call within 2 s at this scrape',
    labelNames: ['dependency'] as const,
    registers,
    async collect() {
      await Promise.all([ping(this, 'database', () => rt.orm.em.fork().getConnection().execute('select 1')), ping(this, 'redis', () => rt.redis.ping())]);
    },
  });
  timing.ping = new Histogram({
    name: 'signoff_dependency_ping_duration_seconds',
    help: 'Round trip of a trivial call to a dependency (database select 1, Redis PING), measured at each scrape',
    labelNames: ['dependency'] as const,
    buckets: DEPENDENCY_BUCKETS,
    registers,
  });
  new Gauge({
    name: 'signoff_db_pool_connections',
    help: 'Database pool connections by state (used, free, pending acquires)',
    labelNames: ['state'],
    registers,
    collect() {
      this.reset();
      const pool = poolOf(rt);
      if (!pool) return;
      this.set({ state: 'used' }, pool.numUsed());
      this.set({ state: 'free' }, pool.numFree());
      this.set({ state: 'pending' }, pool.numPendingAcquires());
    },
  });
}

interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

/** The knex (tarn) pool behind MikroORM's SQL drivers; none for drivers without one. */
function poolOf(rt: Runtime): TarnPool | undefined {
  const conn = rt.orm.em.getConnection() as unknown as { getKnex?: () => { client?: { pool?: TarnPool } } };
  const pool = conn.getKnex?.().client?.pool;
  return pool && typeof pool.numUsed === 'function' ? pool : undefined;
}
