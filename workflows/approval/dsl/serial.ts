/**
 * Business serial numbers (`settings.serialRule`): a rule such as `LEAVE-{yyyyMMdd}-{seq:4}`
 * names how a request's number reads. Pure: the API parses and renders with it, the validator
 * checks rules at publish; the counter lives in the database (activities/approval/instances/serials.ts).
 *
 * Tokens, in braces: date parts `yyyy`, `yy`, `MM`, `dd` (several may share one pair of braces:
 * `{yyyyMMdd}`), and exactly one sequence `{seq}` or `{seq:N}` (zero-padded to N digits, 1..12;
 * a number that outgrows N digits keeps all its digits). Everything else is literal text of
 * letters, digits and `- _ . / #`.
 *
 * The sequence resets whenever the rendered date parts change: it counts per *scope*, the
 * number with its sequence left out (`LEAVE-20261204-{seq}`). So `{yyyyMMdd}` counts per day,
 * `{yyyyMM}` per month, a rule without date parts never resets, and two numbers with the same
 * scope never share a sequence value: a rendered number is unique for its template even when
 * the rule's padding changes between versions.
 */

export type SerialPart = { kind: 'text'; text: string } | { kind: 'date'; part: DatePart } | { kind: 'seq'; pad: number };
export type DatePart = 'yyyy' | 'yy' | 'MM' | 'dd';
export interface DateFields {
  year: number;
  month: number;
  day: number;
}

export const SERIAL_RULE_MAX = 64;
const LITERAL = /^[A-Za-z0-9\-_./#]*$/;
const DATE_TOKENS: DatePart[] = ['yyyy', 'yy', 'MM', 'dd'];

export class SerialRuleError extends Error {}

/** The rule's parts, or a SerialRuleError saying what is wrong (shown at `settings.serialRule`). */
export function parseSerialRule(rule: string): SerialPart[] {
  if (!rule.length) throw new SerialRuleError('the rule is empty');
  if (rule.length > SERIAL_RULE_MAX) throw new SerialRuleError(`the rule is longer than ${SERIAL_RULE_MAX} characters`);
  const parts: SerialPart[] = [];
  let seqs = 0;
  let i = 0;
  while (i < rule.length) {
    const open = rule.indexOf('{', i);
    const literal = rule.slice(i, open < 0 ? rule.length : open);
    if (literal.includes('}')) throw new SerialRuleError(`a "}" without its "{" at position ${i + literal.indexOf('}') + 1}`);
    if (!LITERAL.test(literal)) throw new SerialRuleError(`"${literal}": literal text may hold letters, digits and - _ . / # only`);
    if (literal) parts.push({ kind: 'text', text: literal });
    if (open < 0) break;
    const close = rule.indexOf('}', open);
    if (close < 0) throw new SerialRuleError(`the "{" at position ${open + 1} is not closed`);
    const token = rule.slice(open + 1, close);
    const seq = /^seq(?::(\d{1,2}))?$/.exec(token);
    if (seq) {
      const pad = seq[1] === undefined ? 1 : Number(seq[1]);
      if (pad < 1 || pad > 12) throw new SerialRuleError(`{${token}}: the padding must be 1..12 digits`);
      parts.push({ kind: 'seq', pad });
      seqs++;
    } else {
      let rest = token;
      if (!rest) throw new SerialRuleError(`an empty token {} at position ${open + 1}`);
      while (rest) {
        const part = DATE_TOKENS.find((d) => rest.startsWith(d));
        if (!part) throw new SerialRuleError(`{${token}}: unknown token (use yyyy, yy, MM, dd or seq:N)`);
        parts.push({ kind: 'date', part });
        rest = rest.slice(part.length);
      }
    }
    i = close + 1;
  }
  if (seqs !== 1) throw new SerialRuleError(seqs ? 'the rule has more than one {seq}' : 'the rule needs a sequence: {seq} or {seq:N}');
  return parts;
}

const two = (n: number) => String(n).padStart(2, '0');
const datePart = (part: DatePart, d: DateFields) =>
  part === 'yyyy' ? String(d.year).padStart(4, '0') : part === 'yy' ? two(d.year % 100) : part === 'MM' ? two(d.month) : two(d.day);

/** The number with its sequence left out: the counter's key, so the count resets per date period. */
export function serialScope(parts: SerialPart[], d: DateFields): string {
  return parts.map((p) => (p.kind === 'text' ? p.text : p.kind === 'date' ? datePart(p.part, d) : '{seq}')).join('');
}

export function renderSerial(parts: SerialPart[], d: DateFields, seq: number): string {
  return parts.map((p) => (p.kind === 'text' ? p.text : p.kind === 'date' ? datePart(p.part, d) : String(seq).padStart(p.pad, '0'))).join('');
}
