/** RFC 9457 problems as the API sends them, and how the console maps them to fields. */
export interface FieldProblem {
  path?: string;
  message?: string;
  code?: string;
}

export interface Problem {
  status: number;
  code: string;
  title: string;
  detail?: string;
  errors?: FieldProblem[];
  retryAfter?: number;
}

export class ApiError extends Error implements Problem {
  status: number;
  code: string;
  title: string;
  detail?: string;
  errors?: FieldProblem[];
  retryAfter?: number;

  constructor(p: Problem) {
    super(p.detail ?? p.title);
    this.name = 'ApiError';
    this.status = p.status;
    this.code = p.code;
    this.title = p.title;
    this.detail = p.detail;
    this.errors = p.errors;
    this.retryAfter = p.retryAfter;
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;

/**
 * Field errors under a prefix, keyed by the first segment after it:
 * `body.form.period.end` with prefix `body.form` → `{ period: 'must not end before it starts' }`.
 */
export function fieldErrors(err: unknown, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isApiError(err)) return out;
  for (const e of err.errors ?? []) {
    if (!e.path) continue;
    // Paths may say `form.x` (service errors) or `body.form.x` (request errors); accept both.
    const path = e.path.startsWith('body.') || !prefix.startsWith('body.') ? e.path : `body.${e.path}`;
    if (!path.startsWith(`${prefix}.`)) continue;
    const key = path.slice(prefix.length + 1).split(/[.[]/)[0];
    if (key && !out[key]) out[key] = e.message ?? e.code ?? 'invalid';
  }
  return out;
}
