/** Self-time arithmetic of common/timing.ts: nested phases are not counted twice; outside a request nothing is recorded. */
import { measure, parseServerTiming, recordTiming, runWithTiming, serverTimingHeader } from '../../../common/timing';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('request timing', () => {
  it('counts a nested phase for the inner phase only and the rest as other', async () => {
    const t0 = performance.now();
    const run = runWithTiming(async () => {
      await measure('auth', async () => {
        await sleep(20);
        recordTiming('db', 15); // a statement the ORM reports after it ran, inside auth
        await measure('permissions', () => sleep(20));
      });
      await measure('temporal', () => sleep(10));
    });
    await run.done;
    const total = performance.now() - t0;
    const t = parseServerTiming(serverTimingHeader(run.totals(), total));
    expect(t.permissions).toBeGreaterThanOrEqual(19);
    expect(t.db).toBe(15);
    // auth's own time: ~40 ms elapsed minus 20 (permissions) minus 15 (db).
    expect(t.auth).toBeGreaterThanOrEqual(0);
    expect(t.auth).toBeLessThan(20);
    expect(t.temporal).toBeGreaterThanOrEqual(9);
    const phases = t.auth + t.db + t.permissions + t.temporal + t.other;
    expect(Math.abs(phases - t.total)).toBeLessThan(1);
  });

  it('records nothing and changes nothing outside a timed request', async () => {
    await expect(measure('db', async () => 42)).resolves.toBe(42);
    expect(() => recordTiming('db', 3)).not.toThrow();
  });

  it('keeps concurrent requests apart', async () => {
    const a = runWithTiming(() => measure('db', () => sleep(5)));
    const b = runWithTiming(() => measure('temporal', () => sleep(5)));
    await Promise.all([a.done, b.done]);
    expect([...a.totals().keys()]).toEqual(['db']);
    expect([...b.totals().keys()]).toEqual(['temporal']);
  });

  it('parses the header with counts and ignores junk', () => {
    expect(parseServerTiming('db;dur=3.5;desc="2", junk, total;dur=10.0')).toEqual({ db: 3.5, total: 10 });
    expect(parseServerTiming(null)).toEqual({});
  });
});
