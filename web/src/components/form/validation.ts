/**
 * Client-side checks of a submission, mirroring the server's (workflows/approval/form.ts): the
 * same rules per field type, so people see a problem at the field before they submit. The
 * server stays the judge; its 422 errors land at the same fields (FormRenderer's serverErrors).
 */
import type { FormField } from '@/api/types';

export interface FieldProblem {
  key: string;
  params?: Record<string, unknown>;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isIsoDate = (v: unknown): v is string => {
  if (typeof v !== 'string' || !ISO_DATE.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
};

/** Days covered by an inclusive date range, as the server counts them. */
export const daysInRange = (start: string, end: string) => Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000) + 1;

/** Nothing entered: what the server treats as "left out" for an optional field. */
export function isEmpty(f: FormField, v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === 'string') return v.trim() === '';
  if (Array.isArray(v)) return v.length === 0;
  if (f.type === 'dateRange' && typeof v === 'object') {
    const r = v as { start?: string; end?: string };
    return !r.start && !r.end;
  }
  return false;
}

function count(f: FormField, n: number): FieldProblem | null {
  if (f.min !== undefined && n < f.min) return { key: 'form.minItems', params: { n: f.min } };
  if (f.max !== undefined && n > f.max) return { key: 'form.maxItems', params: { n: f.max } };
  return null;
}

const unique = (xs: unknown[]) => new Set(xs).size === xs.length;

/** The first problem of one value, or null. */
export function checkField(f: FormField, v: unknown): FieldProblem | null {
  if (isEmpty(f, v)) return f.required ? { key: 'form.required' } : null;
  switch (f.type) {
    case 'text':
    case 'textarea': {
      if (typeof v !== 'string') return { key: 'form.required' };
      const n = v.trim().length;
      if (f.min !== undefined && n < f.min) return { key: 'form.tooShort', params: { n: f.min } };
      if (f.max !== undefined && n > f.max) return { key: 'form.tooLong', params: { n: f.max } };
      return null;
    }
    case 'number':
    case 'money': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return { key: 'form.notANumber' };
      if (f.min !== undefined && v < f.min) return { key: 'form.min', params: { n: f.min } };
      if (f.max !== undefined && v > f.max) return { key: 'form.max', params: { n: f.max } };
      if (f.type === 'money' && Math.abs(v * 100 - Math.round(v * 100)) >= 1e-6) return { key: 'form.twoDecimals' };
      return null;
    }
    case 'date':
      return isIsoDate(v) ? null : { key: 'form.invalidDate' };
    case 'dateRange': {
      const r = v as { start?: unknown; end?: unknown };
      if (!isIsoDate(r.start) || !isIsoDate(r.end)) return { key: 'form.invalidDate' };
      if (r.end < r.start) return { key: 'form.rangeOrder' };
      const days = daysInRange(r.start, r.end);
      if (f.min !== undefined && days < f.min) return { key: 'form.rangeMinDays', params: { n: f.min } };
      if (f.max !== undefined && days > f.max) return { key: 'form.rangeMaxDays', params: { n: f.max } };
      return null;
    }
    case 'select':
      return (f.options ?? []).some((o) => o.value === v) ? null : { key: 'form.notAnOption' };
    case 'multiSelect': {
      const xs = v as unknown[];
      if (!Array.isArray(xs) || !xs.every((x) => (f.options ?? []).some((o) => o.value === x)) || !unique(xs)) return { key: 'form.notAnOption' };
      return count(f, xs.length);
    }
    case 'user':
    case 'department': {
      if (!f.multiple) return typeof v === 'string' && UUID.test(v) ? null : { key: 'form.invalidId' };
      const xs = v as unknown[];
      if (!Array.isArray(xs) || !xs.every((x) => typeof x === 'string' && UUID.test(x)) || !unique(xs)) return { key: 'form.invalidId' };
      return count(f, xs.length);
    }
    case 'attachments': {
      const xs = v as unknown[];
      return Array.isArray(xs) ? count(f, xs.length) : { key: 'form.required' };
    }
  }
  return null;
}

export function checkForm(fields: FormField[], data: Record<string, unknown>): Record<string, FieldProblem> {
  const out: Record<string, FieldProblem> = {};
  for (const f of fields) {
    const p = checkField(f, data[f.id]);
    if (p) out[f.id] = p;
  }
  return out;
}

/** The submission as the server wants it: empty optional fields left out, text trimmed. */
export function submission(fields: FormField[], data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = data[f.id];
    if (isEmpty(f, v)) continue;
    out[f.id] = typeof v === 'string' ? v.trim() : v;
  }
  return out;
}
