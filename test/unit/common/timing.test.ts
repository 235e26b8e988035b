/** Self-time arithmetic of common/timing.ts: nested phases are not counted twice; outside a request nothing is recorded. */
import { measure, parseServerTiming, recordTiming, runWithTiming, serverTimingHeader } from '../../../common/timing';

// A hand-driven clock: `sleep` advances it, so the arithmetic is exact and no timer or machine load
// can move the figures (timing in tests would be a benchmark in disguise).
let now = 0;
const sleep = async (ms: number) => {
  now += ms;
  await Promise.resolve();
};

describe('request timing', () => {
  beforeEach(() => {
    now = 0;
    jest.spyOn(performance, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  it('counts a nested phase for the inner phase only and the rest as other', async () => {
    const run = runWithTiming(async () => {
      await measure('auth', async () => {
        await sleep(20);
        // a statement the ORM reports after it ran, inside auth
        await sleep(15);
        recordTiming('db', 15);
        await measure('permissions', () => sleep(20));
      });
      await sleep(5); // handler code outside any phase
      await measure('temporal', () => sleep(10));
    });
    await run.done;
    const t = parseServerTiming(serverTimingHeader(run.totals(), now));
    // auth's own time: 55 ms elapsed minus 20 (permissions) minus 15 (db).
    expect(t).toEqual({ auth: 20, db: 15, permissions: 20, temporal: 10, other: 5, total: 70 });
  });

  it('clamps a parent whose concurrent children overlap at zero', async () => {
    const run = runWithTiming(() =>
      measure('auth', async () => {
        await Promise.all([measure('db', () => sleep(10)), measure('permissions', () => sleep(10))]);
      }),
    );
    await run.done;
    const t = parseServerTiming(serverTimingHeader(run.totals(), now));
    expect(t.auth).toBe(0);
    expect(t.db + t.permissions).toBeGreaterThanOrEqual(t.total);
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
