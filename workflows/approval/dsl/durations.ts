/**
 * Durations in templates: ISO-8601 (`PT48H`, `P2D`, `P1DT12H`, `PT0.5S`, `P1W`) or the
 * shorthand people type (`48h`, `30m`, `10s`, `2d`, `1h30m`, `500ms`). Templates carry them
 * as strings so tests can use seconds where production uses days (the dev server has no time
 * skipping). Pure: used by the validator, the dry-run and the workflow's timers alike.
 */

const MS = { w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;

/** Upper bound for any timer: a year. Longer is almost certainly a typo (`48d` meant as `48h`). */
export const MAX_DURATION_MS = 366 * MS.d;

// Years and months are refused on purpose: their length depends on the calendar, so the same
// template would wait different times depending on when it ran.
const ISO = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;
const SHORT_PART = /(\d+(?:\.\d+)?)(ms|w|d|h|m|s)/y;

export class DurationError extends Error {
  constructor(readonly input: string, reason: string) {
    super(`"${input}" is not a valid duration: ${reason}`);
    this.name = 'DurationError';
  }
}

function parseIso(text: string): number | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const [, w, d, h, min, s] = m;
  // `P` and `PT` alone match the pattern but name no amount.
  if ([w, d, h, min, s].every((x) => x === undefined)) return null;
  if (text.toUpperCase().endsWith('T')) return null;
  const n = (x: string | undefined) => (x === undefined ? 0 : Number(x));
  return n(w) * MS.w + n(d) * MS.d + n(h) * MS.h + n(min) * MS.m + n(s) * MS.s;
}

function parseShorthand(text: string): number | null {
  SHORT_PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  const seen = new Set<string>();
  for (let m = SHORT_PART.exec(text); m; m = SHORT_PART.exec(text)) {
    const unit = m[2] as keyof typeof MS;
    if (seen.has(unit)) return null; // `1h2h` is a typo, not three hours
    seen.add(unit);
    total += Number(m[1]) * MS[unit];
    consumed = SHORT_PART.lastIndex;
  }
  return consumed > 0 && consumed === text.length ? total : null;
}

/** Milliseconds of a duration string; throws DurationError for anything else (zero included). */
export function parseDuration(input: string): number {
  const text = typeof input === 'string' ? input.trim() : '';
  if (!text) throw new DurationError(String(input), 'empty');
  const ms = /^p/i.test(text) ? parseIso(text) : parseShorthand(text.toLowerCase());
  if (ms === null) throw new DurationError(text, 'use ISO-8601 such as PT48H or P2D, or shorthand such as 48h, 30m, 10s, 2d');
  const rounded = Math.round(ms);
  if (rounded <= 0) throw new DurationError(text, 'must be longer than zero');
  if (rounded > MAX_DURATION_MS) throw new DurationError(text, 'must be at most 366 days');
  return rounded;
}

/** Like parseDuration, but null instead of an exception (for validators that collect problems). */
export function tryParseDuration(input: string): number | null {
  try {
    return parseDuration(input);
  } catch {
    return null;
  }
}

/** Short human form for notes and timelines: 93_600_000 → "1d 2h". */
export function formatDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const n = Math.floor(rest / MS[unit]);
    if (n) parts.push(`${n}${unit}`);
    rest -= n * MS[unit];
  }
  if (rest || !parts.length) parts.push(`${rest}ms`);
  return parts.join(' ');
}
