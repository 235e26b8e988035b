/**
 * There is no promtool on the build machine: the Prometheus rules and the Grafana dashboard are
 * kept honest by parsing them. Every expression must parse into metric names that the product
 * really exports (the API registry, the read-model gauges, the SDK's worker metrics) or that a
 * recording rule defines; a renamed metric fails here instead of silencing an alert.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createMetrics } from '../../../common/metrics';
import { registerReadModelMetrics } from '../../../activities/ops/metrics';
import type { Runtime } from '../../../activities/runtime';

const root = join(__dirname, '..', '..', '..');
const read = (p: string) => readFileSync(join(root, p), 'utf8');

/** The Temporal SDK's worker metrics the rules and dashboard use (prefix temporal_, seconds, _total). */
const SDK_METRICS = ['temporal_num_pollers', 'temporal_worker_task_slots_available', 'temporal_sticky_cache_size'];
const SDK_HISTOGRAMS = ['temporal_workflow_task_schedule_to_start_latency', 'temporal_activity_schedule_to_start_latency', 'temporal_workflow_task_execution_latency'];

function exportedNames(): Set<string> {
  const metrics = createMetrics();
  registerReadModelMetrics({ metrics, config: { METRICS_CACHE_SECONDS: 10 } } as unknown as Runtime);
  const names = new Set<string>(['up', ...SDK_METRICS]);
  const histogram = (n: string) => ['_bucket', '_count', '_sum'].forEach((s) => names.add(n + s));
  SDK_HISTOGRAMS.forEach(histogram);
  for (const m of metrics.registry.getMetricsAsArray()) {
    const { name, type } = m as unknown as { name: string; type: string };
    if (type === 'histogram') histogram(name);
    else names.add(name);
  }
  return names;
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'inf', 'nan']);

/** Metric (and recording rule) names a PromQL expression reads. */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  const names: string[] = [];
  for (const m of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const after = stripped.slice(m.index! + m[0].length).trimStart();
    if (after.startsWith('(') || KEYWORDS.has(m[0].toLowerCase())) continue;
    if (/^\d/.test(stripped[m.index! - 1] ?? '')) continue; // a duration suffix like 1d
    names.push(m[0]);
  }
  return names;
}

describe('ops/ Prometheus and Grafana files', () => {
  const exported = exportedNames();
  const alerts = parse(read('ops/prometheus/alerts.yml')) as { groups: { name: string; rules: { record?: string; alert?: string; expr: string; for?: string; labels?: Record<string, string> }[] }[] };
  const rules = alerts.groups.flatMap((g) => g.rules);
  const recorded = new Set(rules.filter((r) => r.record).map((r) => r.record!));

  it('the name extraction sees through functions, matchers, grouping and ranges', () => {
    expect(metricNames('histogram_quantile(0.95, sum by (le, route) (rate(signoff_x_bucket{le="0.1", route=~"/a|b"}[5m]))) > 0.1 and on() up')).toEqual(['signoff_x_bucket', 'up']);
    expect(metricNames('foo:bar:rate5m > (14.4 * 0.001)')).toEqual(['foo:bar:rate5m']);
  });

  it('every rule reads only metrics the product exports or rules record', () => {
    expect(rules.flatMap((r) => metricNames(r.expr)).length).toBeGreaterThan(30);
    const unknown = rules.flatMap((r) => metricNames(r.expr).filter((n) => !exported.has(n) && !recorded.has(n)).map((n) => `${r.alert ?? r.record}: ${n}`));
    expect(unknown).toEqual([]);
  });

  it('has the alerts the issue asks for, each with a severity and a summary', () => {
    const names = rules.filter((r) => r.alert).map((r) => r.alert);
    expect(names).toEqual(
      expect.arrayContaining(['SignoffErrorBudgetBurnFast', 'SignoffErrorBudgetBurnSlow', 'SignoffLatencyBudgetBurnFast', 'SignoffWorkerNotPolling', 'SignoffWorkflowScheduleToStartSlow', 'SignoffApprovalTaskOverdue', 'SignoffNotificationFailures']),
    );
    for (const r of rules.filter((x) => x.alert)) {
      expect(['page', 'ticket']).toContain(r.labels?.severity);
      expect((r as { annotations?: { summary?: string } }).annotations?.summary).toBeTruthy();
      if (r.for) expect(r.for).toMatch(/^\d+[smhd]$/);
    }
    // Multi-window: the fast burn alert pairs a long and a short window at both burn rates.
    const fast = rules.find((r) => r.alert === 'SignoffErrorBudgetBurnFast')!.expr;
    for (const w of ['rate1h', 'rate5m', 'rate6h', 'rate30m']) expect(fast).toContain(`signoff:http_error_ratio:${w}`);
  });

  it('every dashboard panel queries exported or recorded metrics', () => {
    const dashboard = JSON.parse(read('ops/grafana/dashboards/signoff.json')) as { uid: string; panels: { title: string; targets: { expr: string }[] }[] };
    expect(dashboard.uid).toBe('signoff');
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(6);
    const unknown = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => metricNames(t.expr).filter((n) => !exported.has(n) && !recorded.has(n)).map((n) => `${p.title}: ${n}`)));
    expect(unknown).toEqual([]);
  });

  it('prometheus.yml loads the rules and scrapes the ports compose gives the api and worker', () => {
    const prom = parse(read('ops/prometheus/prometheus.yml')) as { rule_files: string[]; scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] };
    const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, any> };
    expect(prom.rule_files).toContain('/etc/prometheus/alerts.yml');
    expect(compose.services.prometheus.volumes).toContain('./ops/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro');
    const target = (job: string) => prom.scrape_configs.find((s) => s.job_name === job)!.static_configs[0].targets[0];
    expect(target('signoff-api')).toBe(`api:${compose.services.api.environment.METRICS_PORT}`);
    expect(target('signoff-worker')).toBe(`worker:${compose.services.worker.environment.WORKER_METRICS_PORT}`);
    expect(target('signoff-worker-app')).toBe(`worker:${compose.services.worker.environment.WORKER_HEALTH_PORT}`);
  });
});
