/**
 * `node dist/bench/cpu-top.js <folder|file.cpuprofile>…`: where a process's CPU went, from the V8
 * CPU profiles `npm run bench:scale` writes with BENCH_CPU_PROF. Per profile: self time by
 * package or product folder, then the top functions by self time. Self time, not total: the
 * frames that burn the CPU, not the ones that wait on them.
 *
 * BENCH_CPU_TOP (functions listed, default 20).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const TOP = Number(process.env.BENCH_CPU_TOP ?? 20);

/** The package (node_modules/<pkg>, scoped too) or product folder a frame's script belongs to. */
export function ownerOf(url: string): string {
  if (!url) return '(native / V8)';
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf(`node_modules${sep}`);
  if (nm >= 0) {
    const rest = path.slice(nm + 'node_modules/'.length).split(sep);
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (path.startsWith('node:') || !path.startsWith(sep)) return 'node core';
  const dist = path.lastIndexOf(`${sep}dist${sep}`);
  return dist >= 0 ? `signoff ${path.slice(dist + 6).split(sep)[0]}/` : path;
}

/** Self time (ms) per node id: the sum of the time deltas of the samples that landed in it. */
function selfTimes(p: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000));
  return self;
}

const frameName = (f: ProfileNode['callFrame']) => `${f.functionName || '(anonymous)'}  ${f.url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/')}:${f.lineNumber + 1}`;
const isProduct = (url: string) => url.includes('/dist/') && !url.includes('node_modules') && !url.includes('/dist/cjs/');

/**
 * Total (inclusive) time of the product's own functions: every sample counts once for each
 * distinct product frame on its stack, so a service method shows what its database calls,
 * serialisation and awaits-on-CPU cost together.
 */
function productTotals(p: CpuProfile, self: Map<number, number>): Map<string, number> {
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  for (const [id, t] of self) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      if (!isProduct(f.url)) continue;
      const name = frameName(f);
      if (seen.has(name)) continue;
      seen.add(name);
      totals.set(name, (totals.get(name) ?? 0) + t);
    }
  }
  return totals;
}

export function summarize(p: CpuProfile): string[] {
  const self = selfTimes(p);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self].filter(([id]) => ['(idle)', '(program)'].includes(byId.get(id)!.callFrame.functionName)).reduce((a, [, t]) => a + t, 0);
  const busy = total - idle;
  const owners = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const [id, t] of self) {
    const f = byId.get(id)!.callFrame;
    if (['(idle)', '(program)'].includes(f.functionName)) continue;
    owners.set(ownerOf(f.url), (owners.get(ownerOf(f.url)) ?? 0) + t);
    const name = frameName(f);
    fns.set(name, (fns.get(name) ?? 0) + t);
  }
  const pct = (t: number) => `${((t / busy) * 100).toFixed(1).padStart(5)} %`;
  const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
  return [
    `  busy ${(busy / 1000).toFixed(1)} s of ${(total / 1000).toFixed(1)} s profiled (GC and V8 internals count as busy)`,
    '  self time by package or folder:',
    ...top(owners, 12).map(([o, t]) => `    ${pct(t)}  ${o}`),
    `  top ${TOP} functions by self time:`,
    ...top(fns, TOP).map(([f, t]) => `    ${pct(t)}  ${f}`),
    `  top ${TOP} of the product's functions by total time (self and callees):`,
    ...top(productTotals(p, self), TOP).map(([f, t]) => `    ${pct(t)}  ${f}`),
  ];
}

function main() {
  const args = process.argv.slice(2);
  if (!args.length) {
    console.error('usage: node dist/bench/cpu-top.js <folder|file.cpuprofile>…');
    process.exit(2);
  }
  const files = args.flatMap((a) => (statSync(a).isDirectory() ? readdirSync(a).filter((f) => f.endsWith('.cpuprofile')).sort().map((f) => join(a, f)) : [a]));
  for (const f of files) console.log([f, ...summarize(JSON.parse(readFileSync(f, 'utf8')) as CpuProfile), ''].join('\n'));
}

if (require.main === module) main();
