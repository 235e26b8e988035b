/**
 * Deep validation of a template, run before a version is published (and on demand from the
 * editor). It reports EVERY problem with its path (`flow[2].branches[1].steps[0].assignees`)
 * and a stable code, never stopping at the first, so an author fixes a template in one pass.
 *
 * Three layers, each usable alone:
 *  - shape: the zod DSL (a template that does not parse cannot be checked further);
 *  - semantics (pure): ids, branches, conditions against the form, durations, return targets…;
 *  - references (database, tenant-scoped): users exist and are active, roles, departments and
 *    positions exist in the tenant.
 */
import type { EntityManager } from '@mikro-orm/knex';
import type { FieldError } from '../../common/errors';
import { Department, DictionaryGroup, Position, Role, User } from '../../db/entities';
import { TemplateDefinition, formatPath, type AssigneeRule, type Condition, type FormField, type Step, type Template, type ValueMapping, type ValueSource, INITIATOR_ATTRIBUTES, OPS_BY_KIND, isInitiatorAttribute, operandKindOf, scalarFits, type OperandKind, DurationError, parseDuration, workingDaysOf, workingDaysProblem, iterateSteps, returnTargets, type PathPart, refProblem, HOOK_WORKFLOW_TYPES, parseSerialRule, SerialRuleError, isSystemActivity, SYSTEM_ACTIVITIES } from '../../workflows/approval/dsl';
import { literalInternalHost, webhookHostAllowed } from './instances/webhook-target';

export type TemplateProblem = FieldError & { code: string };

// ───────────────────────────────────────────── shape

/** Parse against the DSL; zod's issues become problems with bracketed paths. */
export function parseTemplate(raw: unknown): { template: Template | null; errors: TemplateProblem[] } {
  const result = TemplateDefinition.safeParse(raw);
  if (result.success) return { template: result.data, errors: [] };
  return {
    template: null,
    errors: result.error.issues.map((i) => ({ path: formatPath(i.path) || '(template)', message: i.message, code: i.code })),
  };
}

// ───────────────────────────────────────────── semantics

const MIN_MAX_TYPES = new Set<FormField['type']>(['text', 'textarea', 'number', 'money', 'dateRange', 'multiSelect', 'attachments']);
const SELECT_TYPES = new Set<FormField['type']>(['select', 'multiSelect']);

class Problems {
  readonly list: TemplateProblem[] = [];
  add(path: readonly PathPart[], code: string, message: string) {
    this.list.push({ path: formatPath(path), code, message });
  }
}

function checkForm(t: Template, p: Problems): Map<string, FormField> {
  const fields = new Map<string, FormField>();
  for (const [i, f] of t.formSchema.fields.entries()) {
    const at = ['formSchema', 'fields', i];
    if (fields.has(f.id)) p.add([...at, 'id'], 'duplicate_field_id', `the field id "${f.id}" is used twice`);
    else fields.set(f.id, f);
    if (SELECT_TYPES.has(f.type) && f.optionsFrom) {
      // The dictionary's existence is a reference, checked against the tenant with the others.
      if (f.options) p.add([...at, 'options'], 'options_and_options_from', 'give either options or optionsFrom, not both');
    } else if (SELECT_TYPES.has(f.type)) {
      if (!f.options?.length) p.add([...at, 'options'], 'select_without_options', `a ${f.type} field needs at least one option (or optionsFrom a dictionary)`);
      const seen = new Set<string>();
      for (const [k, o] of (f.options ?? []).entries()) {
        if (seen.has(o.value)) p.add([...at, 'options', k, 'value'], 'duplicate_option', `the option "${o.value}" is listed twice`);
        seen.add(o.value);
      }
    } else {
      if (f.options) p.add([...at, 'options'], 'not_applicable', 'only select and multiSelect fields have options');
      if (f.optionsFrom) p.add([...at, 'optionsFrom'], 'not_applicable', 'only select and multiSelect fields take options from a dictionary');
    }
    if (f.multiple !== undefined && f.type !== 'user' && f.type !== 'department') p.add([...at, 'multiple'], 'not_applicable', 'only user and department fields can hold several ids');
    if (f.currency !== undefined && f.type !== 'money') p.add([...at, 'currency'], 'not_applicable', 'only money fields have a currency');
    const bounded = MIN_MAX_TYPES.has(f.type) || ((f.type === 'user' || f.type === 'department') && f.multiple);
    for (const key of ['min', 'max'] as const) {
      if (f[key] !== undefined && !bounded) p.add([...at, key], 'not_applicable', `${key} does not apply to a ${f.type}${f.multiple ? '' : ' (single)'} field`);
    }
    if (bounded && f.min !== undefined && f.max !== undefined && f.min > f.max) p.add([...at, 'max'], 'min_greater_than_max', `max (${f.max}) is below min (${f.min})`);
  }
  return fields;
}

function checkCondition(cond: Condition, at: PathPart[], fields: Map<string, FormField>, p: Problems) {
  if ('all' in cond || 'any' in cond) {
    const [word, list] = 'all' in cond ? (['all', cond.all] as const) : (['any', cond.any] as const);
    if (!list.length) p.add([...at, word], 'empty_condition_group', `"${word}" needs at least one condition`);
    list.forEach((c, i) => checkCondition(c, [...at, word, i], fields, p));
    return;
  }
  if ('not' in cond) return checkCondition(cond.not, [...at, 'not'], fields, p);

  const [scope, name] = cond.field.split('.', 2);
  let kind: OperandKind;
  let field: FormField | undefined;
  if (scope === 'form') {
    field = fields.get(name);
    if (!field) return p.add([...at, 'field'], 'unknown_field', `the form has no field "${name}"`);
    kind = operandKindOf(field);
  } else {
    if (!isInitiatorAttribute(name)) {
      return p.add([...at, 'field'], 'unknown_initiator_attribute', `initiator.${name} is not known; use ${Object.keys(INITIATOR_ATTRIBUTES).map((a) => `initiator.${a}`).join(', ')}`);
    }
    kind = INITIATOR_ATTRIBUTES[name];
  }
  const what = field ? `a ${field.type}${field.multiple ? ' (multiple)' : ''} field` : cond.field;
  if (!OPS_BY_KIND[kind].includes(cond.op)) {
    const allowed = OPS_BY_KIND[kind];
    return p.add([...at, 'op'], 'op_not_supported', allowed.length ? `${cond.op} does not apply to ${what}; use ${allowed.join(' ')}` : `${what} cannot be compared`);
  }
  const options = field?.options?.map((o) => o.value);
  const fits = (v: unknown) => scalarFits(kind, v);
  const expected = kind === 'number' ? 'a number' : kind === 'date' ? 'a date as YYYY-MM-DD' : 'a non-empty string';
  const checkOne = (v: unknown, path: PathPart[]) => {
    if (!fits(v)) p.add(path, 'value_type_mismatch', `${cond.op} on ${what} compares with ${expected}, not ${JSON.stringify(v)}`);
    else if (options && !options.includes(v as string)) p.add(path, 'unknown_option', `"${String(v)}" is not an option of ${cond.field} (${options.join(', ')})`);
  };
  const v = cond.value;
  if (cond.op === 'between') {
    if (!Array.isArray(v) || v.length !== 2) return p.add([...at, 'value'], 'between_needs_two_values', 'between needs [low, high]');
    v.forEach((x, i) => checkOne(x, [...at, 'value', i]));
    if (fits(v[0]) && fits(v[1]) && (v[0] as number | string) > (v[1] as number | string)) p.add([...at, 'value'], 'invalid_range', 'the low bound is above the high bound');
  } else if (cond.op === 'in') {
    if (!Array.isArray(v) || !v.length) return p.add([...at, 'value'], 'in_needs_list', 'in needs a non-empty list of values');
    v.forEach((x, i) => checkOne(x, [...at, 'value', i]));
  } else if (Array.isArray(v)) {
    p.add([...at, 'value'], 'value_type_mismatch', `${cond.op} compares with one value, not a list`);
  } else {
    checkOne(v, [...at, 'value']);
  }
}

function checkRule(rule: AssigneeRule, at: PathPart[], fields: Map<string, FormField>, p: Problems) {
  if (rule.type === 'users' && !rule.userIds.length) p.add([...at, 'userIds'], 'empty_assignee_list', 'name at least one user');
  if (rule.type === 'role' && !rule.roleCodes.length) p.add([...at, 'roleCodes'], 'empty_assignee_list', 'name at least one role');
  if (rule.type === 'formField') {
    const f = fields.get(rule.fieldId);
    if (!f) p.add([...at, 'fieldId'], 'unknown_field', `the form has no field "${rule.fieldId}"`);
    else if (f.type !== 'user') p.add([...at, 'fieldId'], 'not_a_user_field', `"${rule.fieldId}" is a ${f.type} field; assignees come from user fields`);
  }
}

/**
 * A reminder or timeout may also be counted in working days (`P2WD`, `2wd`) on the tenant's
 * calendar. Returns the length for comparisons: working days as whole days (a lower bound of the
 * real wait, which weekends and holidays only stretch), clock durations in ms.
 */
function checkStepDuration(value: string | undefined, at: PathPart[], p: Problems): { ms: number; workingDays: boolean } | null {
  if (value === undefined) return null;
  if (workingDaysOf(value) !== null) {
    const problem = workingDaysProblem(value);
    if (problem) {
      p.add(at, 'invalid_duration', `"${value}" is not a valid duration: ${problem}`);
      return null;
    }
    return { ms: workingDaysOf(value)! * 86_400_000, workingDays: true };
  }
  const ms = checkDuration(value, at, p);
  return ms === null ? null : { ms, workingDays: false };
}

function checkDuration(value: string | undefined, at: PathPart[], p: Problems): number | null {
  if (value === undefined) return null;
  try {
    return parseDuration(value);
  } catch (err) {
    p.add(at, 'invalid_duration', err instanceof DurationError ? err.message : String(err));
    return null;
  }
}

function checkSources(mapping: Record<string, ValueSource | undefined>, at: PathPart[], fieldIds: Set<string>, p: Problems) {
  for (const [key, src] of Object.entries(mapping)) {
    if (!src || !('ref' in src)) continue;
    const problem = refProblem(src.ref, fieldIds);
    if (problem) p.add([...at, key, 'ref'], problem.code, problem.message);
  }
}

function checkStep(step: Step, at: PathPart[], ctx: { fields: Map<string, FormField>; fieldIds: Set<string>; targets: Map<string, Set<string>>; allIds: Set<string>; webhookHosts?: string }, p: Problems) {
  const { fields } = ctx;
  switch (step.kind) {
    case 'approval': {
      checkRule(step.assignees, [...at, 'assignees'], fields, p);
      if (step.mode === 'vote') {
        if (step.voteThreshold === undefined) p.add([...at, 'voteThreshold'], 'missing_vote_threshold', 'vote mode needs voteThreshold (percent, 1..100)');
        else if (!(step.voteThreshold >= 1 && step.voteThreshold <= 100)) p.add([...at, 'voteThreshold'], 'vote_threshold_out_of_range', `voteThreshold is a percentage from 1 to 100, not ${step.voteThreshold}`);
      } else if (step.voteThreshold !== undefined) p.add([...at, 'voteThreshold'], 'not_applicable', 'voteThreshold applies to vote mode only');
      if (step.emptyAssignee.type === 'assignTo' && !step.emptyAssignee.userIds.length && !step.emptyAssignee.roleCodes.length) {
        p.add([...at, 'emptyAssignee'], 'empty_assignee_list', 'assignTo needs userIds or roleCodes');
      }
      if (step.onReject.type === 'returnToStep' && !ctx.targets.get(step.id)?.has(step.onReject.stepId)) {
        const target = step.onReject.stepId;
        p.add(
          [...at, 'onReject', 'stepId'],
          'invalid_return_target',
          ctx.allIds.has(target) ? `"${target}" is not an approval step certainly visited before "${step.id}"` : `there is no step "${target}"`,
        );
      }
      const time = step.time;
      if (time) {
        const t = [...at, 'time'];
        const remindAfter = checkStepDuration(time.remindAfter, [...t, 'remindAfter'], p);
        checkDuration(time.remindEvery, [...t, 'remindEvery'], p);
        const timeoutAfter = checkStepDuration(time.timeoutAfter, [...t, 'timeoutAfter'], p);
        if (time.remindMaxTimes !== undefined && time.remindEvery === undefined) p.add([...t, 'remindMaxTimes'], 'incomplete_setting', 'remindMaxTimes needs remindEvery');
        if (time.timeoutAfter !== undefined && !time.timeoutAction) p.add([...t, 'timeoutAction'], 'incomplete_setting', 'timeoutAfter needs a timeoutAction');
        if (time.timeoutAction && time.timeoutAfter === undefined) p.add([...t, 'timeoutAfter'], 'incomplete_setting', 'timeoutAction needs timeoutAfter');
        const action = time.timeoutAction;
        if (action?.type === 'escalate' && action.to === 'role' && !action.roleCode) p.add([...t, 'timeoutAction', 'roleCode'], 'incomplete_setting', 'escalating to a role needs roleCode');
        if (action?.type === 'escalate' && action.to === 'manager' && action.roleCode) p.add([...t, 'timeoutAction', 'roleCode'], 'not_applicable', 'roleCode applies to escalation to a role only');
        // Only comparable on one scale: a clock reminder may well fall before a working-day timeout or after it.
        if (remindAfter !== null && timeoutAfter !== null && remindAfter.workingDays === timeoutAfter.workingDays && remindAfter.ms >= timeoutAfter.ms) p.add([...t, 'remindAfter'], 'reminder_after_timeout', 'the first reminder would come after the timeout');
      }
      break;
    }
    case 'cc':
      checkRule(step.recipients, [...at, 'recipients'], fields, p);
      break;
    case 'condition':
      if (!step.branches.length) p.add([...at, 'branches'], 'too_few_branches', 'a condition needs at least one conditional branch besides the default');
      if (!step.default) p.add([...at, 'default'], 'missing_default_branch', 'a condition needs a default branch (it may be empty: "otherwise continue")');
      for (const [j, b] of step.branches.entries()) {
        // An empty conditional branch is an inverted condition in disguise; the default may be empty.
        if (!b.steps.length) p.add([...at, 'branches', j, 'steps'], 'empty_branch', `branch "${b.id}" has no steps`);
        checkCondition(b.when, [...at, 'branches', j, 'when'], fields, p);
      }
      break;
    case 'parallel':
      if (step.branches.length < 2) p.add([...at, 'branches'], 'too_few_branches', 'a parallel step needs at least two branches');
      for (const [j, b] of step.branches.entries()) if (!b.steps.length) p.add([...at, 'branches', j, 'steps'], 'empty_branch', `branch "${b.id}" has no steps`);
      break;
    case 'delay':
      if ((step.duration === undefined) === (step.untilField === undefined)) {
        p.add(at, 'delay_needs_duration_or_field', 'a delay needs exactly one of duration and untilField');
      }
      checkDuration(step.duration, [...at, 'duration'], p);
      if (step.untilField !== undefined) {
        const f = fields.get(step.untilField);
        if (!f) p.add([...at, 'untilField'], 'unknown_field', `the form has no field "${step.untilField}"`);
        else if (f.type !== 'date' && f.type !== 'dateRange') p.add([...at, 'untilField'], 'not_a_date_field', `"${step.untilField}" is a ${f.type} field; a delay waits for a date or dateRange field`);
      }
      break;
    case 'action':
      if (step.action === 'grantRole') checkSources(step.args, [...at, 'args'], ctx.fieldIds, p);
      if (step.action === 'webhook') {
        checkSources(step.args.body, [...at, 'args', 'body'], ctx.fieldIds, p);
        if (!webhookHostAllowed(ctx.webhookHosts, step.args.url)) p.add([...at, 'args', 'url'], 'webhook_host_not_allowed', `webhooks to ${new URL(step.args.url).hostname} are not allowed here`);
        else if (literalInternalHost(ctx.webhookHosts, step.args.url)) p.add([...at, 'args', 'url'], 'webhook_host_not_allowed', 'webhooks may not call internal addresses (loopback, private, link-local…) unless WEBHOOK_ALLOWED_HOSTS names the host');
      }
      if (step.action === 'activity') {
        checkSources(step.args.input, [...at, 'args', 'input'], ctx.fieldIds, p);
        checkSystemActivity(step.args.name, step.args.input, [...at, 'args'], 'input', p);
      }
      break;
  }
}

/** A named system activity exists, and its required inputs are mapped and no others. */
function checkSystemActivity(name: string, mapping: ValueMapping, at: PathPart[], mappingKey: string, p: Problems) {
  if (!isSystemActivity(name)) {
    p.add([...at, 'name'], 'unknown_activity', `no system activity "${name}" (known: ${Object.keys(SYSTEM_ACTIVITIES).join(', ')})`);
    return;
  }
  const inputs: Record<string, { required: boolean }> = SYSTEM_ACTIVITIES[name].inputs;
  for (const [input, spec] of Object.entries(inputs)) if (spec.required && !mapping[input]) p.add([...at, mappingKey, input], 'missing_input', `${name} needs "${input}"`);
  for (const input of Object.keys(mapping)) if (!inputs[input]) p.add([...at, mappingKey, input], 'unknown_input', `${name} takes no "${input}"`);
}

/** Every semantic problem of a parsed template (no database needed). */
export function checkTemplate(t: Template, opts: { webhookHosts?: string } = {}): TemplateProblem[] {
  const p = new Problems();
  const fields = checkForm(t, p);
  const fieldIds = new Set(fields.keys());

  if (!t.flow.length) p.add(['flow'], 'empty_flow', 'the flow needs at least one step');
  if (t.settings.serialRule !== undefined) {
    try {
      parseSerialRule(t.settings.serialRule);
    } catch (err) {
      if (!(err instanceof SerialRuleError)) throw err;
      p.add(['settings', 'serialRule'], 'serial_rule_invalid', err.message);
    }
  }
  const { starters } = t;
  if (!starters.everyone && !starters.departments.length && !starters.roleCodes.length && !starters.userIds.length) {
    p.add(['starters'], 'nobody_may_start', 'name who may start requests (departments, roles or people), or let everyone');
  }
  const locations = [...iterateSteps(t.flow)];
  if (t.flow.length && !locations.some((l) => l.step.kind === 'approval')) p.add(['flow'], 'no_approval_step', 'the flow needs at least one approval step');

  // Step and branch ids share one namespace: both name places in the timeline.
  const firstSeen = new Map<string, string>();
  const claim = (id: string, path: PathPart[], code: string) => {
    const text = formatPath(path);
    const earlier = firstSeen.get(id);
    if (earlier) p.add([...path, 'id'], code, `the id "${id}" is already used at ${earlier}`);
    else firstSeen.set(id, text);
  };
  for (const { step, path } of locations) {
    claim(step.id, path, 'duplicate_step_id');
    if (step.kind === 'condition' || step.kind === 'parallel') {
      step.branches.forEach((b, j) => claim(b.id, [...path, 'branches', j], 'duplicate_branch_id'));
      if (step.kind === 'condition' && step.default) claim(step.default.id, [...path, 'default'], 'duplicate_branch_id');
    }
  }

  const ctx = { fields, fieldIds, targets: returnTargets(t.flow), allIds: new Set(locations.map((l) => l.step.id)), webhookHosts: opts.webhookHosts };
  for (const { step, path } of locations) checkStep(step, path, ctx, p);

  for (const event of ['onApproved', 'onRejected'] as const) {
    for (const [i, hook] of t.hooks[event].entries()) {
      const mapping: ValueMapping = hook.kind === 'childWorkflow' ? hook.input : hook.args;
      checkSources(mapping, ['hooks', event, i, hook.kind === 'childWorkflow' ? 'input' : 'args'], fieldIds, p);
      if (hook.kind === 'activity') checkSystemActivity(hook.name, hook.args, ['hooks', event, i], 'args', p);
      else if (!HOOK_WORKFLOW_TYPES.includes(hook.workflowType)) {
        p.add(['hooks', event, i, 'workflowType'], 'unknown_workflow', `no workflow "${hook.workflowType}" can be started by a hook (known: ${HOOK_WORKFLOW_TYPES.join(', ')})`);
      }
    }
  }
  return p.list;
}

// ───────────────────────────────────────────── references

export type ReferenceKind = 'user' | 'role' | 'department' | 'position' | 'dictionary';
export interface Reference {
  kind: ReferenceKind;
  value: string;
  path: string;
}

/** Every user id, role code, department id, position code and dictionary code the template names, with its path. */
export function collectReferences(t: Template): Reference[] {
  const refs: Reference[] = [];
  const add = (kind: ReferenceKind, value: unknown, path: PathPart[]) => {
    if (typeof value === 'string' && value) refs.push({ kind, value, path: formatPath(path) });
  };
  const fields = new Map(t.formSchema.fields.map((f) => [f.id, f]));
  const rule = (r: AssigneeRule, at: PathPart[]) => {
    if (r.type === 'users') r.userIds.forEach((id, k) => add('user', id, [...at, 'userIds', k]));
    if (r.type === 'role') r.roleCodes.forEach((c, k) => add('role', c, [...at, 'roleCodes', k]));
    if (r.type === 'managerChain') add('role', r.upToRoleCode, [...at, 'upToRoleCode']);
    if (r.type === 'departmentMembers') add('department', r.departmentId, [...at, 'departmentId']);
  };
  const condition = (c: Condition, at: PathPart[]) => {
    if ('all' in c) return c.all.forEach((x, i) => condition(x, [...at, 'all', i]));
    if ('any' in c) return c.any.forEach((x, i) => condition(x, [...at, 'any', i]));
    if ('not' in c) return condition(c.not, [...at, 'not']);
    const [scope, name] = c.field.split('.', 2);
    const formType = scope === 'form' ? fields.get(name)?.type : undefined;
    const kind: ReferenceKind | undefined =
      scope === 'initiator'
        ? ({ department: 'department', roles: 'role', position: 'position' } as const)[name as 'department']
        : formType === 'user'
          ? 'user'
          : formType === 'department'
            ? 'department'
            : undefined;
    if (!kind) return;
    if (Array.isArray(c.value)) c.value.forEach((v, k) => add(kind, v, [...at, 'value', k]));
    else add(kind, c.value, [...at, 'value']);
  };
  t.formSchema.fields.forEach((f, i) => {
    if (f.optionsFrom && SELECT_TYPES.has(f.type)) add('dictionary', f.optionsFrom.dictionary, ['formSchema', 'fields', i, 'optionsFrom', 'dictionary']);
  });
  t.starters.departments.forEach((d, k) => add('department', d.departmentId, ['starters', 'departments', k, 'departmentId']));
  t.starters.roleCodes.forEach((c, k) => add('role', c, ['starters', 'roleCodes', k]));
  t.starters.userIds.forEach((id, k) => add('user', id, ['starters', 'userIds', k]));
  for (const { step, path } of iterateSteps(t.flow)) {
    if (step.kind === 'approval') {
      rule(step.assignees, [...path, 'assignees']);
      if (step.emptyAssignee.type === 'assignTo') {
        step.emptyAssignee.userIds.forEach((id, k) => add('user', id, [...path, 'emptyAssignee', 'userIds', k]));
        step.emptyAssignee.roleCodes.forEach((c, k) => add('role', c, [...path, 'emptyAssignee', 'roleCodes', k]));
      }
      const action = step.time?.timeoutAction;
      if (action?.type === 'escalate' && action.to === 'role') add('role', action.roleCode, [...path, 'time', 'timeoutAction', 'roleCode']);
    }
    if (step.kind === 'cc') rule(step.recipients, [...path, 'recipients']);
    if (step.kind === 'condition') step.branches.forEach((b, j) => condition(b.when, [...path, 'branches', j, 'when']));
    if (step.kind === 'action' && step.action === 'grantRole' && 'const' in step.args.roleCode) add('role', step.args.roleCode.const, [...path, 'args', 'roleCode', 'const']);
  }
  return refs;
}

/** Check the references against the tenant's data: one query per kind, whatever the template size. */
export async function checkReferences(em: EntityManager, tenantId: string, t: Template): Promise<TemplateProblem[]> {
  const refs = collectReferences(t);
  const values = (kind: ReferenceKind) => [...new Set(refs.filter((r) => r.kind === kind).map((r) => r.value))];
  // Sequential on purpose: inside a transaction the queries share one connection anyway. Whole
  // rows, not partial ones: these entities land in the caller's identity map, where a later
  // reader must not find half-loaded users.
  const users = values('user').length ? await em.find(User, { tenantId, id: { $in: values('user') }, deletedAt: null }) : [];
  const roles = values('role').length ? await em.find(Role, { tenantId, code: { $in: values('role') } }) : [];
  const departments = values('department').length ? await em.find(Department, { tenantId, id: { $in: values('department') } }) : [];
  const positions = values('position').length ? await em.find(Position, { tenantId, code: { $in: values('position') } }) : [];
  // The tenant's own dictionaries and the platform defaults.
  const dictionaries = values('dictionary').length ? await em.find(DictionaryGroup, { code: { $in: values('dictionary') }, $or: [{ tenantId }, { tenantId: null }] }) : [];
  const userStatus = new Map(users.map((u) => [u.id, u.status]));
  const known = {
    role: new Set(roles.map((r) => r.code)),
    department: new Set(departments.map((d) => d.id)),
    position: new Set(positions.map((x) => x.code)),
    dictionary: new Set(dictionaries.map((d) => d.code)),
  };
  const problems: TemplateProblem[] = [];
  for (const r of refs) {
    if (r.kind === 'user') {
      const status = userStatus.get(r.value);
      if (!status) problems.push({ path: r.path, code: 'unknown_user', message: `no user ${r.value} in this tenant` });
      else if (status !== 'active') problems.push({ path: r.path, code: 'inactive_user', message: `user ${r.value} is disabled` });
    } else if (!known[r.kind].has(r.value)) {
      problems.push({ path: r.path, code: `unknown_${r.kind}`, message: `no ${r.kind} ${JSON.stringify(r.value)} in this tenant` });
    }
  }
  return problems;
}

// ───────────────────────────────────────────── all together

/** Shape, then semantics and references together: every problem, or the parsed template. */
export async function validateTemplate(
  em: EntityManager,
  tenantId: string,
  raw: unknown,
  opts: { webhookHosts?: string } = {},
): Promise<{ template: Template | null; errors: TemplateProblem[] }> {
  const parsed = parseTemplate(raw);
  if (!parsed.template) return parsed;
  const errors = [...checkTemplate(parsed.template, opts), ...(await checkReferences(em, tenantId, parsed.template))];
  return { template: parsed.template, errors };
}
