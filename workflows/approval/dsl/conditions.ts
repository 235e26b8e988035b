/**
 * Conditions are data, evaluated here and nowhere else (never `eval`): the dry-run and the
 * workflow must pick the same branch for the same facts. Pure and deterministic.
 *
 * The typing rules (which operators suit which field, what the value must look like) also live
 * here, next to the evaluator they protect; the publish-time validator applies them.
 */
import type { CompareOp, Comparison, Condition, ConditionValue, FormField } from './template';

/** What a condition may know about the initiator, captured when the instance starts. */
export interface InitiatorFacts {
  userId: string;
  departmentId: string | null;
  roleCodes: string[];
  positionCode: string | null;
}

export interface ConditionContext {
  form: Record<string, unknown>;
  initiator: InitiatorFacts;
}

/**
 * The shape of an operand, which decides the operators that make sense:
 * `id` = one user/department id, `idList` = several, `option(s)` = select values.
 */
export type OperandKind = 'number' | 'text' | 'date' | 'option' | 'optionList' | 'id' | 'idList' | 'roleList' | 'code' | 'none';

export const OPS_BY_KIND: Record<OperandKind, readonly CompareOp[]> = {
  number: ['=', '!=', '>', '>=', '<', '<=', 'in', 'between'],
  text: ['=', '!=', 'in', 'contains'],
  date: ['=', '!=', '>', '>=', '<', '<=', 'between'],
  option: ['=', '!=', 'in'],
  optionList: ['contains', 'in'],
  id: ['=', '!=', 'in'],
  idList: ['contains', 'in'],
  roleList: ['contains', 'in'],
  code: ['=', '!=', 'in'],
  // Date ranges and attachments are not compared directly; compare a number or date field instead.
  none: [],
};

/** Initiator attributes a condition may test, and what each one holds. */
export const INITIATOR_ATTRIBUTES = {
  /** Department id. */
  department: 'id',
  /** Role codes held. */
  roles: 'roleList',
  /** Position code. */
  position: 'code',
} as const satisfies Record<string, OperandKind>;
export type InitiatorAttribute = keyof typeof INITIATOR_ATTRIBUTES;

export const isInitiatorAttribute = (name: string): name is InitiatorAttribute => Object.hasOwn(INITIATOR_ATTRIBUTES, name);

export function operandKindOf(field: Pick<FormField, 'type' | 'multiple'>): OperandKind {
  switch (field.type) {
    case 'number':
    case 'money':
      return 'number';
    case 'text':
    case 'textarea':
      return 'text';
    case 'date':
      return 'date';
    case 'select':
      return 'option';
    case 'multiSelect':
      return 'optionList';
    case 'user':
    case 'department':
      return field.multiple ? 'idList' : 'id';
    default:
      return 'none';
  }
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const isIsoDate = (v: unknown): v is string => {
  if (typeof v !== 'string' || !ISO_DATE.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
};

/** Does one scalar suit the operand kind? (`options` narrows select values.) */
export function scalarFits(kind: OperandKind, v: unknown): boolean {
  switch (kind) {
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'date':
      return isIsoDate(v);
    case 'none':
      return false;
    default:
      return typeof v === 'string' && v.length > 0;
  }
}

export function fieldValue(field: string, ctx: ConditionContext): unknown {
  const dot = field.indexOf('.');
  const scope = field.slice(0, dot);
  const name = field.slice(dot + 1);
  if (scope === 'form') return Object.hasOwn(ctx.form, name) ? ctx.form[name] : undefined;
  if (scope === 'initiator') {
    if (name === 'department') return ctx.initiator.departmentId;
    if (name === 'roles') return ctx.initiator.roleCodes;
    if (name === 'position') return ctx.initiator.positionCode;
  }
  return undefined;
}

type Scalar = string | number | boolean;
const isScalar = (v: unknown): v is Scalar => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** Numbers compare as numbers, strings (ISO dates included) as strings; anything else does not compare. */
function order(a: unknown, b: unknown): number | null {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return null;
}

function compare(actual: unknown, op: CompareOp, value: ConditionValue): boolean {
  switch (op) {
    case '=':
      return isScalar(actual) && actual === value;
    case '!=':
      return !(isScalar(actual) && actual === value);
    case '>':
    case '>=':
    case '<':
    case '<=': {
      const c = order(actual, value);
      if (c === null) return false;
      return op === '>' ? c > 0 : op === '>=' ? c >= 0 : op === '<' ? c < 0 : c <= 0;
    }
    case 'in': {
      if (!Array.isArray(value)) return false;
      if (Array.isArray(actual)) return actual.some((a) => value.includes(a as Scalar));
      return isScalar(actual) && value.includes(actual);
    }
    case 'contains': {
      if (typeof actual === 'string' && typeof value === 'string') return actual.includes(value);
      return Array.isArray(actual) && isScalar(value) && actual.includes(value);
    }
    case 'between': {
      if (!Array.isArray(value) || value.length !== 2) return false;
      const lo = order(actual, value[0]);
      const hi = order(actual, value[1]);
      return lo !== null && hi !== null && lo >= 0 && hi <= 0;
    }
  }
}

/**
 * True when the condition holds for the facts. A missing value (optional field left empty)
 * satisfies only `!=`. `all: []` is true and `any: []` false, as in logic (the validator
 * refuses empty groups anyway).
 */
export function evaluateCondition(cond: Condition, ctx: ConditionContext): boolean {
  if ('all' in cond) return cond.all.every((c) => evaluateCondition(c, ctx));
  if ('any' in cond) return cond.any.some((c) => evaluateCondition(c, ctx));
  if ('not' in cond) return !evaluateCondition(cond.not, ctx);
  return compare(fieldValue(cond.field, ctx), cond.op, cond.value);
}

const show = (v: ConditionValue) => (Array.isArray(v) ? `[${v.map((x) => JSON.stringify(x)).join(', ')}]` : JSON.stringify(v));

/** Readable form for notes and timelines: `form.days > 3 and not (initiator.roles contains "hr")`. */
export function describeCondition(cond: Condition): string {
  const group = (cs: Condition[], word: string) => (cs.length === 1 ? describeCondition(cs[0]) : cs.map((c) => `(${describeCondition(c)})`).join(` ${word} `));
  if ('all' in cond) return cond.all.length ? group(cond.all, 'and') : 'always';
  if ('any' in cond) return cond.any.length ? group(cond.any, 'or') : 'never';
  if ('not' in cond) return `not (${describeCondition(cond.not)})`;
  const c: Comparison = cond;
  return `${c.field} ${c.op} ${show(c.value)}`;
}
