/**
 * Values handed to action steps and outcome hooks are references into the instance
 * (`form.roleCode`, `initiator.id`, `instance.id`) or constants. This module says which
 * references exist and turns a mapping into concrete values. Pure.
 */
import type { ValueMapping, ValueSource } from './template';

/** Attributes each reference scope offers (`form` offers the template's field ids instead). */
export const REF_ATTRIBUTES = {
  initiator: ['id', 'department', 'position', 'roles'],
  instance: ['id', 'outcome'],
  template: ['key', 'version'],
} as const;

export interface ValueScope {
  form: Record<string, unknown>;
  initiator: { id: string; department: string | null; position: string | null; roles: string[] };
  instance: { id: string; outcome?: string };
  template: { key: string; version: number | null };
}

/** Why a reference cannot be resolved, or null when it is fine (`fieldIds` = the form's fields). */
export function refProblem(ref: string, fieldIds: ReadonlySet<string>): { code: 'unknown_field' | 'unknown_reference'; message: string } | null {
  const [scope, name] = ref.split('.', 2);
  if (scope === 'form') return fieldIds.has(name) ? null : { code: 'unknown_field', message: `the form has no field "${name}"` };
  const known = (REF_ATTRIBUTES as Record<string, readonly string[]>)[scope];
  if (known?.includes(name)) return null;
  return { code: 'unknown_reference', message: `${ref} is not available; use form.<field> or one of ${Object.entries(REF_ATTRIBUTES).flatMap(([s, a]) => a.map((x) => `${s}.${x}`)).join(', ')}` };
}

export function resolveValue(source: ValueSource, scope: ValueScope): unknown {
  if ('const' in source) return source.const;
  const [where, name] = source.ref.split('.', 2);
  const bag = (scope as unknown as Record<string, Record<string, unknown>>)[where];
  return bag && Object.hasOwn(bag, name) ? bag[name] : undefined;
}

export function resolveMapping(mapping: ValueMapping, scope: ValueScope): Record<string, unknown> {
  return Object.fromEntries(Object.entries(mapping).map(([k, src]) => [k, resolveValue(src, scope)]));
}
