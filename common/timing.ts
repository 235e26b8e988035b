/**
 * Where a request's time goes, by phase (authentication, permission set, rate limits, validation,
 * database, Temporal RPC), for the `Server-Timing` header the benchmark reads. Metrics and traces answer
 * "how slow is this route"; this answers "which part of this one request", without a tracing
 * backend, so the next person sees the cost before guessing.
 *
 * Times are *self* times: a phase measured inside another (the database reads of the
 * authentication) counts for the inner phase only, so the phases add up to at most the request's
 * duration and `other` is the rest (handler code, serialisation, waiting for the event loop).
 * Work run concurrently inside one phase (Promise.all) can overlap; a parent's self time is then
 * clamped at zero rather than made negative.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export type TimingPhase = 'auth' | 'permissions' | 'rate_limit' | 'validation' | 'db' | 'temporal';

interface Frame {
  childMs: number;
}

interface Store {
  totals: Map<TimingPhase, { ms: number; count: number }>;
  frame: Frame;
}

const storage = new AsyncLocalStorage<Store>();

/** Run a unit of work (one HTTP request) with its own timing totals. */
export function runWithTiming<T>(fn: () => Promise<T>): { done: Promise<T>; totals: () => Map<TimingPhase, { ms: number; count: number }> } {
  const store: Store = { totals: new Map(), frame: { childMs: 0 } };
  return { done: storage.run(store, fn), totals: () => store.totals };
}

function add(store: Store, phase: TimingPhase, ms: number): void {
  const t = store.totals.get(phase) ?? { ms: 0, count: 0 };
  t.ms += ms;
  t.count += 1;
  store.totals.set(phase, t);
}

/** Time `fn` as `phase` (self time: phases measured inside it are not counted twice). Free outside a timed request. */
export async function measure<T>(phase: TimingPhase, fn: () => Promise<T>): Promise<T> {
  const store = storage.getStore();
  if (!store) return fn();
  const frame: Frame = { childMs: 0 };
  const t0 = performance.now();
  try {
    return await storage.run({ totals: store.totals, frame }, fn);
  } finally {
    const elapsed = performance.now() - t0;
    add(store, phase, Math.max(0, elapsed - frame.childMs));
    store.frame.childMs += elapsed;
  }
}

/** Record work whose duration is reported after it ran (the ORM reports each statement's `took`). */
export function recordTiming(phase: TimingPhase, ms: number): void {
  const store = storage.getStore();
  if (!store) return;
  add(store, phase, ms);
  store.frame.childMs += ms;
}

/** The `Server-Timing` header value: each phase with its self time and call count, `other`, and `total`. */
export function serverTimingHeader(totals: Map<TimingPhase, { ms: number; count: number }>, totalMs: number): string {
  const parts: string[] = [];
  let accounted = 0;
  for (const [phase, { ms, count }] of totals) {
    accounted += ms;
    parts.push(`${phase};dur=${ms.toFixed(1)};desc="${count}"`);
  }
  parts.push(`other;dur=${Math.max(0, totalMs - accounted).toFixed(1)}`, `total;dur=${totalMs.toFixed(1)}`);
  return parts.join(', ');
}

/** Parse a `Server-Timing` header back into durations by name (the benchmark's side). */
export function parseServerTiming(header: string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().split(';');
    const dur = params.map((p) => /^dur=([\d.]+)$/.exec(p.trim())?.[1]).find(Boolean);
    if (name && dur) out[name] = Number(dur);
  }
  return out;
}
