/**
 * `npm run drill`: the fault drill against the built product (dist/), printing one table.
 * Exits non-zero when an approval was lost or an effect happened twice.
 *
 * Knobs: DRILL_N (approvals at least, default 200), DRILL_C (concurrent clients, default 20),
 * DRILL_FAULT_SECONDS (database pause and Redis stop, default 20), DRILL_FAULTS (comma list of
 * worker-kill,temporal-kill,db-pause,redis-stop,api-restart), DRILL_MYSQL_ADMIN_URL (default
 * mysql://root@127.0.0.1:3306; the drill creates and drops the database `signoff_drill`).
 */
import { spawn } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { ensureTemporalCli } from '../../temporal/cli';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../../workers/workflow-interceptors';
import { FAULTS, formatReport, runDrill, type FaultName } from './drill';

async function main() {
  const dist = join(__dirname, '..', '..');
  const workDir = mkdtempSync(join(tmpdir(), 'signoff-drill-'));
  const bundleDir = mkdtempSync(join(tmpdir(), 'signoff-drill-bundle-'));
  // Bundled once: every worker restart of the drill starts polling in a second.
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES });
  const bundlePath = join(bundleDir, 'workflow-bundle.js');
  writeFileSync(bundlePath, code);
  const faults = (process.env.DRILL_FAULTS?.split(',').map((s) => s.trim()) ?? [...FAULTS]) as FaultName[];
  const unknown = faults.filter((f) => !FAULTS.includes(f));
  if (unknown.length) throw new Error(`DRILL_FAULTS: unknown ${unknown.join(', ')} (known: ${FAULTS.join(', ')})`);
  const report = await runDrill({
    n: Number(process.env.DRILL_N ?? 200),
    concurrency: Number(process.env.DRILL_C ?? 20),
    faultMs: Number(process.env.DRILL_FAULT_SECONDS ?? 20) * 1000,
    faults,
    cliPath: ensureTemporalCli({ install: true, log: console.log }),
    mysqlAdminUrl: process.env.DRILL_MYSQL_ADMIN_URL ?? 'mysql://root@127.0.0.1:3306',
    dbName: 'signoff_drill',
    workDir,
    workflowBundlePath: bundlePath,
    launch: (kind, env) =>
      spawn(process.execPath, [join(dist, kind === 'api' ? 'api/main.js' : 'workers/main.js')], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] }),
    log: console.log,
  });
  console.log(`\n${formatReport(report)}\n`);
  if (report.lost > 0 || report.duplicated > 0) {
    console.error(`drill FAILED: ${report.lost} lost, ${report.duplicated} duplicated`);
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
