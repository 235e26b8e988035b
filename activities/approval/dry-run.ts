/**
 * Dry-run: what would happen if this person submitted this form? The form is validated like a
 * real submission, the flow is planned by the same pure walker the workflow uses, and every
 * approval and cc step is resolved to people through the real org chart and roles, with the
 * template's policies applied. Nothing is written.
 */
import type { Runtime } from '../runtime';
import type { Actor } from '../../common/actor';
import { ValidationError, type FieldError } from '../../common/errors';
import { Department, User } from '../../db/entities';
import { type Hook, type Step, type Template, describeCondition, formatDuration, parseDuration, planFlow, selectionSteps, formReferences, validateForm, resolveMapping, resolveValue, type ValueScope } from '../../workflows/approval/dsl';
import type { DryRunInput, DryRunResult, DryRunStep } from './schema';
import { AssigneeResolver, type Initiator } from './assignees';

export interface DryRunTarget {
  templateId: string;
  /** Null for the draft or an ad-hoc definition. */
  version: number | null;
  definition: Template;
}

/** Validate the submission's shape against the form schema, then its user/department ids against the tenant. */
export async function checkForm(rt: Runtime, tenantId: string, template: Template, raw: unknown): Promise<Record<string, unknown>> {
  // Dictionary-backed fields accept the items enabled now; the submitted codes are what the instance keeps.
  const formSchema = await rt.services.dictionaries.resolveForm(tenantId, template.formSchema);
  const checked = validateForm(formSchema, raw);
  if (!checked.ok) throw new ValidationError('The form is not valid', checked.errors, 'form_invalid');
  const problems: FieldError[] = [];
  const em = rt.orm.em;
  for (const ref of formReferences(formSchema, checked.data)) {
    const found =
      ref.kind === 'user'
        ? (await em.find(User, { tenantId, id: { $in: ref.ids }, deletedAt: null, status: 'active' })).map((u) => u.id)
        : (await em.find(Department, { tenantId, id: { $in: ref.ids } })).map((d) => d.id);
    const multiple = Array.isArray(checked.data[ref.fieldId]);
    ref.ids.forEach((id, i) => {
      if (!found.includes(id)) problems.push({ path: `form.${ref.fieldId}${multiple ? `[${i}]` : ''}`, message: `no active ${ref.kind} with this id in the tenant`, code: 'not_found' });
    });
  }
  if (problems.length) throw new ValidationError('The form is not valid', problems, 'form_invalid');
  return checked.data;
}

function checkSelections(template: Template, selections: Record<string, string[]>) {
  const allowed = new Set(selectionSteps(template.flow).map((s) => s.id));
  const problems: FieldError[] = Object.keys(selections)
    .filter((id) => !allowed.has(id))
    .map((id) => ({ path: `selections.${id}`, message: 'this step does not let the initiator pick people', code: 'not_a_selection_step' }));
  if (problems.length) throw new ValidationError('The selections are not valid', problems);
}

function actionNote(step: Extract<Step, { kind: 'action' }>, scope: ValueScope, initiator: Initiator): string {
  switch (step.action) {
    case 'grantRole': {
      const role = resolveValue(step.args.roleCode, scope);
      const user = step.args.userId ? resolveValue(step.args.userId, scope) : initiator.userId;
      return `grants the role ${JSON.stringify(role)} to ${user === initiator.userId ? initiator.displayName : JSON.stringify(user)}`;
    }
    case 'webhook':
      return `${step.args.method} ${step.args.url}`;
    case 'activity':
      return `calls the activity ${step.args.name}`;
  }
}

function delayNote(step: Extract<Step, { kind: 'delay' }>, form: Record<string, unknown>): string {
  if (step.duration) return `waits ${formatDuration(parseDuration(step.duration))}`;
  const v = form[step.untilField!];
  const date = typeof v === 'string' ? v : v && typeof v === 'object' ? (v as { start?: string }).start : undefined;
  return date ? `waits until ${date} (form.${step.untilField})` : `form.${step.untilField} is empty: no wait`;
}

export async function dryRun(rt: Runtime, actor: Actor, target: DryRunTarget, input: Pick<DryRunInput, 'form' | 'initiatorUserId' | 'selections'>): Promise<DryRunResult> {
  const { tenantId } = actor;
  const template = target.definition;
  const resolver = new AssigneeResolver(rt);
  const initiator = await resolver.initiator(tenantId, input.initiatorUserId);
  const form = await checkForm(rt, tenantId, template, input.form);
  checkSelections(template, input.selections);

  const ctx = { tenantId, initiator, form, selections: input.selections };
  const scope: ValueScope = {
    form,
    initiator: { id: initiator.userId, department: initiator.departmentId, position: initiator.positionCode, roles: initiator.roleCodes },
    instance: { id: '(dry-run)' },
    template: { key: template.key, version: target.version },
  };
  const askedAt = new Map<string, Set<string>>();
  const path: DryRunStep[] = [];
  let result: DryRunResult['result'] = 'approved';

  for (const planned of planFlow(template.flow, { form, initiator })) {
    const { step } = planned;
    const entry: DryRunStep = {
      stepId: step.id,
      kind: step.kind,
      name: step.name,
      location: planned.path,
      within: planned.within.map((w) => `${w.stepId}/${w.branchId}`),
      mode: null,
      outcome: 'runs',
      assignees: [],
      note: null,
    };
    path.push(entry);
    if (step.kind === 'approval') {
      const previous = planned.previousApprovalStepId ? askedAt.get(planned.previousApprovalStepId) : undefined;
      const resolution = await resolver.resolveApproval(step, template.settings, ctx, previous);
      askedAt.set(step.id, new Set(resolution.assignees.map((a) => a.userId)));
      entry.mode = step.mode;
      entry.outcome = resolution.outcome;
      entry.assignees = resolution.assignees;
      const notes = step.mode === 'vote' ? [`passes with ${step.voteThreshold}% approvals`, ...resolution.notes] : resolution.notes;
      entry.note = notes.length ? notes.join('; ') : null;
      // The rest of the route is not reached: the instance ends here.
      if (resolution.outcome === 'autoRejected') result = 'rejected';
      if (resolution.outcome === 'failed') result = 'failed';
      if (result !== 'approved') break;
    } else if (step.kind === 'cc') {
      const { recipients, awaitingSelection } = await resolver.resolveCc(step, ctx);
      entry.outcome = awaitingSelection ? 'awaitingSelection' : 'notified';
      entry.assignees = recipients.map((r) => ({ ...r, autoApproved: null }));
      entry.note = awaitingSelection ? 'the initiator picks the recipients at submit' : recipients.length ? null : 'nobody to notify';
    } else if (step.kind === 'condition') {
      entry.outcome = 'branch';
      const taken = [...step.branches, ...(step.default ? [step.default] : [])].find((b) => b.id === planned.chosenBranchId);
      entry.note = !taken
        ? 'no branch matched and there is no default'
        : planned.conditionMatched
          ? `takes "${taken.id}": ${describeCondition(step.branches.find((b) => b.id === taken.id)!.when)}`
          : `no condition matched: takes the default "${taken.id}"`;
    } else if (step.kind === 'parallel') {
      entry.outcome = 'parallel';
      entry.note = `runs ${step.branches.length} branches at once (${step.branches.map((b) => b.id).join(', ')}) and continues when all have finished`;
    } else if (step.kind === 'delay') {
      entry.outcome = 'waits';
      entry.note = delayNote(step, form);
    } else {
      entry.note = actionNote(step, scope, initiator);
    }
  }

  const event: 'onApproved' | 'onRejected' | null = result === 'approved' ? 'onApproved' : result === 'rejected' ? 'onRejected' : null;
  const hookScope = { ...scope, instance: { ...scope.instance, outcome: result } };
  const hooks = event
    ? template.hooks[event].map((h: Hook) => ({
        event,
        kind: h.kind,
        target: h.kind === 'childWorkflow' ? h.workflowType : h.name,
        input: resolveMapping(h.kind === 'childWorkflow' ? h.input : h.args, hookScope),
      }))
    : [];
  return {
    templateId: target.templateId,
    version: target.version,
    initiator: { userId: initiator.userId, displayName: initiator.displayName },
    form,
    result,
    path,
    hooks,
  };
}
