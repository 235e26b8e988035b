/**
 * The fault drill in a reduced form: a few two-step approvals, 3-second faults, every fault
 * once, the product's processes run from the sources. Nothing may be lost or happen twice.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTemporalCli } from '../../temporal/cli';
import { formatReport, runDrill } from '../../bench/drill/drill';
import { spawnTs } from '../harness/processes';

describe('fault drill (reduced)', () => {
  it('loses nothing and duplicates nothing through worker, Temporal, database, Redis and API faults', async () => {
    const report = await runDrill({
      n: 4,
      concurrency: 2,
      faultMs: 3000,
      cliPath: ensureTemporalCli({ install: false }),
      mysqlAdminUrl: process.env.SIGNOFF_TEST_MYSQL_ADMIN_URL!,
      dbName: `${process.env.TEST_DB_NAME ?? 'signoff_test'}_drill`,
      workDir: mkdtempSync(join(tmpdir(), 'signoff-drill-test-')),
      workflowBundlePath: process.env.SIGNOFF_TEST_BUNDLE,
      launch: (kind, env) => spawnTs(kind === 'api' ? 'api/main.ts' : 'workers/main.ts', env).process,
    });
    console.log(formatReport(report));
    expect(report.faults.map((f) => f.fault)).toEqual(['worker-kill', 'temporal-kill', 'db-pause', 'redis-stop', 'api-restart']);
    expect(report.completed).toBeGreaterThanOrEqual(4);
    expect(report.lost).toBe(0);
    expect(report.duplicated).toBe(0);
  }, 600_000);
});
