/**
 * The arithmetic behind figures the benchmarks print and closing notes quote: the RSS slope of
 * the soak, percentiles, and how a CPU profile's self time is split by package and product folder.
 */
import { summarize as summarizeProfile, ownerOf } from '../../../bench/cpu-top';
import { percentile, slopePerMinute } from '../../../bench/stats';

describe('benchmark figures', () => {
  it('slopePerMinute: MiB per minute by least squares, flat is zero, too few samples is NaN', () => {
    // 1 MiB every 10 s = 6 MiB/min; the alternating ±0.5 MiB adds Σ(t−t̄)e / Σ(t−t̄)² = 15/1750 MiB/s.
    const growing = [0, 10, 20, 30, 40, 50].map((t, i) => ({ t, mib: 200 + t / 10 + (i % 2 ? 0.5 : -0.5) }));
    expect(slopePerMinute(growing)).toBeCloseTo(6 + (15 / 1750) * 60, 9);
    expect(slopePerMinute([0, 10, 20].map((t) => ({ t, mib: 300 })))).toBe(0);
    expect(slopePerMinute([{ t: 0, mib: 1 }])).toBeNaN();
    expect(slopePerMinute([{ t: 5, mib: 1 }, { t: 5, mib: 2 }])).toBeNaN();
  });

  it('percentile: nearest rank', () => {
    const s = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(s, 50), percentile(s, 95), percentile(s, 99), percentile(s, 100)]).toEqual([50, 95, 99, 100]);
    expect(percentile([], 50)).toBeNaN();
  });

  it('ownerOf: the package (scoped too), node core, or the product folder of a frame', () => {
    expect(ownerOf('/w/node_modules/@mikro-orm/core/EntityManager.js')).toBe('@mikro-orm/core');
    expect(ownerOf('file:///w/node_modules/mysql2/lib/commands/query.js')).toBe('mysql2');
    expect(ownerOf('/w/node_modules/a/node_modules/knex/lib/raw.js')).toBe('knex');
    expect(ownerOf('node:internal/streams/writable')).toBe('node core');
    expect(ownerOf('/w/dist/activities/approval/instances/projection.js')).toBe('signoff activities/');
    expect(ownerOf('')).toBe('(native / V8)');
  });

  it('summarize: self time per package and function, idle left out of the busy share', () => {
    const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({ id, callFrame: { functionName, url, lineNumber: 0 }, children });
    const profile = {
      nodes: [
        frame(1, '(root)', '', [2, 3, 4]),
        frame(2, '(idle)', ''),
        frame(3, 'project', '/w/dist/activities/approval/instances/projection.js', [5]),
        frame(4, 'query', '/w/node_modules/mysql2/lib/q.js'),
        frame(5, 'find', '/w/node_modules/@mikro-orm/core/EntityManager.js'),
      ],
      // 1 s idle, 1 s in the product's own code, 2 s in the ORM under it, 1 s in mysql2 (µs deltas).
      samples: [2, 3, 5, 5, 4],
      timeDeltas: [1e6, 1e6, 1e6, 1e6, 1e6],
      startTime: 0,
      endTime: 5e6,
    };
    const text = summarizeProfile(profile).join('\n');
    expect(text).toContain('busy 4.0 s of 5.0 s');
    expect(text).toMatch(/50\.0 %\s+@mikro-orm\/core/);
    expect(text).toMatch(/25\.0 %\s+signoff activities\//);
    expect(text).toMatch(/25\.0 %\s+mysql2/);
    // The product function's total counts the ORM time under it.
    expect(text).toMatch(/by total time[\s\S]*75\.0 %\s+project\s+dist\/activities\/approval\/instances\/projection\.js:1/);
  });
});
