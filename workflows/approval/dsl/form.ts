/**
 * From a template's form schema to a zod schema for the submitted form data, so the dry-run now
 * and instance start later check a submission the same way, with every problem and its path.
 * Pure (references to users and departments are checked against the database by the caller).
 */
import { z } from 'zod';
import { formatPath, type FormField, type FormSchema } from './template';
import { isIsoDate } from './conditions';

const IsoDate = z.string().refine(isIsoDate, 'a calendar date as YYYY-MM-DD');

/** Days covered by an inclusive date range (`2025-03-03`..`2025-03-07` → 5). */
export const daysInRange = (start: string, end: string): number => Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000) + 1;

export const Attachment = z.strictObject({
  /** Id in the file store; attachments travel by reference, never inline. */
  fileId: z.string().trim().min(1).max(200),
  name: z.string().trim().min(1).max(255),
  size: z.number().int().min(0).optional(),
});

const bounded = <T extends z.ZodString | z.ZodNumber | z.ZodArray<z.ZodType>>(schema: T, f: FormField): T => {
  let s = schema as z.ZodString | z.ZodNumber | z.ZodArray<z.ZodType>;
  if (f.min !== undefined) s = s.min(f.min);
  if (f.max !== undefined) s = s.max(f.max);
  return s as T;
};

function valueSchema(f: FormField): z.ZodType {
  switch (f.type) {
    case 'text':
    case 'textarea': {
      const s = bounded(z.string().trim(), f);
      return f.required ? s.min(1, 'is required') : s;
    }
    case 'number':
      return bounded(z.number(), f);
    case 'money':
      // Cents are the finest unit; 0.1 + 0.2 style float noise is tolerated.
      return bounded(z.number(), f).refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, 'at most two decimals');
    case 'date':
      return IsoDate;
    case 'dateRange':
      return z
        .strictObject({ start: IsoDate, end: IsoDate })
        .refine((r) => !isIsoDate(r.start) || !isIsoDate(r.end) || r.end >= r.start, { message: 'must not end before it starts', path: ['end'] })
        .superRefine((r, ctx) => {
          // A reversed or malformed range is reported above; its length means nothing.
          if (!isIsoDate(r.start) || !isIsoDate(r.end) || r.end < r.start) return;
          const days = daysInRange(r.start, r.end);
          if (f.min !== undefined && days < f.min) ctx.addIssue({ code: 'custom', message: `must cover at least ${f.min} day(s)` });
          if (f.max !== undefined && days > f.max) ctx.addIssue({ code: 'custom', message: `must cover at most ${f.max} day(s)` });
        });
    case 'select': {
      const values = (f.options ?? []).map((o) => o.value);
      return z.string().refine((v) => values.includes(v), `one of ${values.join(', ')}`);
    }
    case 'multiSelect': {
      const values = (f.options ?? []).map((o) => o.value);
      const list = bounded(z.array(z.string().refine((v) => values.includes(v), `one of ${values.join(', ')}`)), f);
      const s = list.refine((xs) => new Set(xs).size === xs.length, 'lists a value twice');
      return f.required ? s.refine((xs) => xs.length > 0, 'is required') : s;
    }
    case 'user':
    case 'department': {
      if (!f.multiple) return z.uuid();
      const list = bounded(z.array(z.uuid()), f).refine((xs) => new Set(xs).size === xs.length, 'lists an id twice');
      return f.required ? list.refine((xs) => xs.length > 0, 'is required') : list;
    }
    case 'attachments': {
      const list = bounded(z.array(Attachment), f);
      return f.required ? list.refine((xs) => xs.length > 0, 'is required') : list;
    }
  }
}

/**
 * The schema of a submission: one key per field, unknown keys refused (a typo must not pass
 * silently). Empty optional fields may be omitted or null; null is dropped from the result.
 */
export function buildFormSchema(formSchema: FormSchema): z.ZodType<Record<string, unknown>> {
  const shape: Record<string, z.ZodType> = {};
  for (const f of formSchema.fields) {
    const value = valueSchema(f);
    shape[f.id] = f.required ? value : value.nullish();
  }
  return z.strictObject(shape).transform((data) => Object.fromEntries(Object.entries(data).filter(([, v]) => v !== null && v !== undefined)));
}

/** The ids a submission refers to, by field, for the database check of users and departments. */
export function formReferences(formSchema: FormSchema, data: Record<string, unknown>): { fieldId: string; kind: 'user' | 'department'; ids: string[] }[] {
  const out: { fieldId: string; kind: 'user' | 'department'; ids: string[] }[] = [];
  for (const f of formSchema.fields) {
    if (f.type !== 'user' && f.type !== 'department') continue;
    const v = data[f.id];
    const ids = Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
    if (ids.length) out.push({ fieldId: f.id, kind: f.type, ids });
  }
  return out;
}

export interface FormProblem {
  path: string;
  message: string;
  code: string;
}

/**
 * Check a submission against the form schema. Problems carry paths under `form`
 * (`form.days`, `form.period.end`); a required field left out says so plainly.
 */
export function validateForm(
  formSchema: FormSchema,
  raw: unknown,
): { ok: true; data: Record<string, unknown> } | { ok: false; errors: FormProblem[] } {
  const result = buildFormSchema(formSchema).safeParse(raw ?? {});
  if (result.success) return { ok: true, data: result.data };
  const given = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const errors = result.error.issues.flatMap((issue): FormProblem[] => {
    const [first] = issue.path;
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => ({ path: formatFormPath([k]), message: 'is not a field of this form', code: 'unknown_field' }));
    }
    if (issue.path.length === 1 && typeof first === 'string' && (given[first] === undefined || given[first] === null)) {
      return [{ path: formatFormPath(issue.path), message: 'is required', code: 'required' }];
    }
    return [{ path: formatFormPath(issue.path), message: issue.message, code: issue.code }];
  });
  return { ok: false, errors };
}

const formatFormPath = (path: readonly PropertyKey[]) => formatPath(['form', ...path]);
