/**
 * Branch choice and tree walking as the workflow uses them (dsl/flow.ts), value references
 * (dsl/values.ts) and the form's references to people (dsl/form.ts). Pure.
 */
import {
  chooseBranch,
  daysInRange,
  formReferences,
  iterateSteps,
  refProblem,
  resolveValue,
  TemplateDefinition,
  type ConditionContext,
  type ConditionStep,
} from '../../../workflows/approval/dsl';

const approval = (id: string) => ({ kind: 'approval' as const, id, name: id, assignees: { type: 'initiator' as const } });
const facts = (form: Record<string, unknown>, roleCodes: string[] = []): ConditionContext => ({ form, initiator: { userId: 'u1', departmentId: 'd1', roleCodes, positionCode: null } });

const template = TemplateDefinition.parse({
  key: 'branches',
  name: 'Branches',
  category: 'general',
  flow: [
    {
      kind: 'condition',
      id: 'route',
      name: 'Route',
      branches: [
        { id: 'hr', name: 'HR people', when: { field: 'initiator.roles', op: 'contains', value: 'hr' }, steps: [approval('hrLead')] },
        { id: 'long', name: 'Long trips', when: { all: [{ field: 'form.days', op: '>', value: 5 }, { not: { field: 'form.country', op: '=', value: 'DE' } }] }, steps: [approval('director')] },
        { id: 'abroad', name: 'Abroad', when: { field: 'form.country', op: '!=', value: 'DE' }, steps: [approval('manager')] },
      ],
      default: { id: 'otherwise', steps: [{ kind: 'parallel', id: 'checks', name: 'Checks', branches: [{ id: 'fin', name: 'Finance', steps: [approval('finance')] }] }] },
    },
  ],
});
const route = template.flow[0] as ConditionStep;

describe('chooseBranch', () => {
  it.each([
    [{ days: 2, country: 'DE' }, ['hr'], 'hr', 0],
    [{ days: 9, country: 'FR' }, [], 'long', 1],
    [{ days: 2, country: 'FR' }, [], 'abroad', 2],
    [{ days: 9, country: 'DE' }, [], 'otherwise', 'default'],
    // A missing value satisfies only `!=`: an empty country counts as "abroad".
    [{ days: 1 }, [], 'abroad', 2],
  ] as const)('%j with roles %j → %s', (form, roles, branchId, index) => {
    const choice = chooseBranch(route, facts({ ...form }, [...roles]));
    expect(choice?.branch.id).toBe(branchId);
    expect(choice?.index).toBe(index);
  });

  it('the first matching branch wins, even when later ones match too', () => {
    expect(chooseBranch(route, facts({ days: 9, country: 'FR' }, ['hr']))?.branch.id).toBe('hr');
  });

  it('answers null only without a default (which publishing refuses)', () => {
    expect(chooseBranch({ ...route, default: undefined }, facts({ days: 9, country: 'DE' }))).toBeNull();
  });
});

describe('iterateSteps', () => {
  it('visits every step in document order, a branch right after its owner, with path and enclosing branches', () => {
    const visited = [...iterateSteps(template.flow)].map((l) => ({ id: l.step.id, path: l.path.join('.'), within: l.within.map((w) => `${w.kind}:${w.stepId}/${w.branchId}`) }));
    expect(visited).toEqual([
      { id: 'route', path: 'flow.0', within: [] },
      { id: 'hrLead', path: 'flow.0.branches.0.steps.0', within: ['condition:route/hr'] },
      { id: 'director', path: 'flow.0.branches.1.steps.0', within: ['condition:route/long'] },
      { id: 'manager', path: 'flow.0.branches.2.steps.0', within: ['condition:route/abroad'] },
      { id: 'checks', path: 'flow.0.default.steps.0', within: ['condition:route/otherwise'] },
      { id: 'finance', path: 'flow.0.default.steps.0.branches.0.steps.0', within: ['condition:route/otherwise', 'parallel:checks/fin'] },
    ]);
  });
});

describe('value references', () => {
  const scope = {
    form: { roleCode: 'auditor', empty: null },
    initiator: { id: 'u1', department: 'd1', position: null, roles: ['employee'] },
    instance: { id: 'i1', outcome: 'approved' },
    template: { key: 'access', version: 3 },
  };

  it('resolves references and constants; unknown names are undefined, never inherited properties', () => {
    expect(resolveValue({ ref: 'form.roleCode' }, scope)).toBe('auditor');
    expect(resolveValue({ ref: 'instance.outcome' }, scope)).toBe('approved');
    expect(resolveValue({ ref: 'form.empty' }, scope)).toBeNull();
    expect(resolveValue({ ref: 'form.toString' }, scope)).toBeUndefined();
    expect(resolveValue({ const: [1, 'two'] }, scope)).toEqual([1, 'two']);
  });

  it('says which references cannot be resolved, for publish-time validation', () => {
    const fields = new Set(['roleCode']);
    expect(refProblem('form.roleCode', fields)).toBeNull();
    expect(refProblem('initiator.department', fields)).toBeNull();
    expect(refProblem('form.nope', fields)).toEqual({ code: 'unknown_field', message: 'the form has no field "nope"' });
    expect(refProblem('initiator.salary', fields)?.code).toBe('unknown_reference');
    expect(refProblem('initiator.salary', fields)?.message).toMatch(/use form.<field> or one of initiator.id, .*template.version/);
  });
});

describe('form references and ranges', () => {
  const formSchema = {
    fields: [
      { id: 'backup', label: 'Backup', type: 'user' as const, required: false },
      { id: 'reviewers', label: 'Reviewers', type: 'user' as const, required: false, multiple: true },
      { id: 'dept', label: 'Department', type: 'department' as const, required: false },
      { id: 'note', label: 'Note', type: 'text' as const, required: false },
    ],
  };

  it('lists the people and departments a submission names, for the database check', () => {
    expect(formReferences(formSchema, { backup: 'u2', reviewers: ['u3', 'u4'], note: 'u5' })).toEqual([
      { fieldId: 'backup', kind: 'user', ids: ['u2'] },
      { fieldId: 'reviewers', kind: 'user', ids: ['u3', 'u4'] },
    ]);
    expect(formReferences(formSchema, { dept: 'd9', reviewers: [] })).toEqual([{ fieldId: 'dept', kind: 'department', ids: ['d9'] }]);
  });

  it('counts the days of an inclusive date range', () => {
    expect(daysInRange('2025-03-03', '2025-03-07')).toBe(5);
    expect(daysInRange('2025-03-03', '2025-03-03')).toBe(1);
    // Across a leap-year February: calendar days, whatever the month lengths.
    expect(daysInRange('2024-02-28', '2024-03-31')).toBe(33);
  });
});
