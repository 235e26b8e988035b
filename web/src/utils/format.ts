/** Dates and numbers in the user's locale and time zone (the browser's). */
import { i18n } from '@/i18n';

const loc = () => (i18n.global.locale.value === 'zh-CN' ? 'zh-CN' : 'en-GB');

export const userTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(loc(), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

export function date(iso: string | null | undefined): string {
  if (!iso) return '—';
  // A calendar date (YYYY-MM-DD) is not an instant: show it as written, in the locale's order.
  const d = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T12:00:00`) : new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(loc(), { dateStyle: 'medium' }).format(d);
}

/** "3 minutes ago" / "in 2 days". */
export function relative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const diff = Date.parse(iso) - now;
  const abs = Math.abs(diff);
  const rtf = new Intl.RelativeTimeFormat(loc(), { numeric: 'auto' });
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['day', 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
  ];
  for (const [unit, ms] of units) if (abs >= ms) return rtf.format(Math.round(diff / ms), unit);
  return rtf.format(Math.round(diff / 1000), 'second');
}

export function money(amount: number, currency?: string): string {
  try {
    return new Intl.NumberFormat(loc(), currency ? { style: 'currency', currency } : { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency ?? ''}`.trim();
  }
}

/** 93_600_000 → "1d 2h" (durations from statistics). */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n) parts.push(`${n}${unit}`);
    rest -= n * size;
    if (parts.length === 2) break;
  }
  return parts.length ? parts.join(' ') : `${rest}ms`;
}
