/** Pure parts of the DSL: durations, conditions, the flow walker, form validation. No services. */
import { DurationError, formatDuration, parseDuration, tryParseDuration, describeCondition, evaluateCondition, type ConditionContext, TemplateDefinition, formatPath, type Condition, type TemplateInput, findStep, planFlow, returnTargets, selectionSteps, validateForm, resolveMapping } from '../../../workflows/approval/dsl';

const H = 3_600_000;
const D = 24 * H;

describe('parseDuration', () => {
  it.each([
    ['PT48H', 48 * H],
    ['P2D', 2 * D],
    ['P1DT12H', 36 * H],
    ['PT30M', 30 * 60_000],
    ['PT10S', 10_000],
    ['PT0.5S', 500],
    ['P1W', 7 * D],
    ['pt1h', H],
    ['48h', 48 * H],
    ['30m', 30 * 60_000],
    ['10s', 10_000],
    ['2d', 2 * D],
    ['1w', 7 * D],
    ['500ms', 500],
    ['1h30m', 90 * 60_000],
    [' 2D ', 2 * D],
    ['1.5h', 90 * 60_000],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'P', 'PT', 'P1DT', '48', 'h', '48x', '1h2h', 'P1Y', 'P1M', '-1h', '0s', 'PT0S', 'P400D', '1 h', 'abc'])('refuses %j', (text) => {
    expect(() => parseDuration(text)).toThrow(DurationError);
    expect(tryParseDuration(text)).toBeNull();
  });

  it('explains the accepted forms', () => {
    expect(() => parseDuration('2 days')).toThrow(/ISO-8601 such as PT48H/);
    expect(() => parseDuration('0m')).toThrow(/longer than zero/);
  });

  it('formats milliseconds for humans', () => {
    expect(formatDuration(26 * H)).toBe('1d 2h');
    expect(formatDuration(90_500)).toBe('1m 30s 500ms');
    expect(formatDuration(0)).toBe('0ms');
  });
});

describe('evaluateCondition', () => {
  const ctx: ConditionContext = {
    form: { days: 5, amount: 5000.5, title: 'Trip to Berlin', leaveType: 'annual', tags: ['travel', 'client'], start: '2025-03-10', empty: null },
    initiator: { userId: 'u1', departmentId: 'd-platform', roleCodes: ['employee', 'manager'], positionCode: 'engineer' },
  };
  const cases: [Condition, boolean][] = [
    [{ field: 'form.days', op: '>', value: 3 }, true],
    [{ field: 'form.days', op: '>', value: 5 }, false],
    [{ field: 'form.days', op: '>=', value: 5 }, true],
    [{ field: 'form.days', op: '<', value: 5 }, false],
    [{ field: 'form.days', op: '<=', value: 5 }, true],
    [{ field: 'form.days', op: '=', value: 5 }, true],
    [{ field: 'form.days', op: '!=', value: 5 }, false],
    [{ field: 'form.amount', op: 'between', value: [1000, 5000.5] }, true],
    [{ field: 'form.amount', op: 'between', value: [5001, 9000] }, false],
    [{ field: 'form.leaveType', op: 'in', value: ['annual', 'sick'] }, true],
    [{ field: 'form.leaveType', op: 'in', value: ['unpaid'] }, false],
    [{ field: 'form.title', op: 'contains', value: 'Berlin' }, true],
    [{ field: 'form.title', op: 'contains', value: 'berlin' }, false],
    [{ field: 'form.tags', op: 'contains', value: 'client' }, true],
    [{ field: 'form.tags', op: 'in', value: ['internal', 'travel'] }, true],
    [{ field: 'form.start', op: '>=', value: '2025-03-01' }, true],
    [{ field: 'form.start', op: 'between', value: ['2025-01-01', '2025-02-28'] }, false],
    [{ field: 'initiator.roles', op: 'contains', value: 'manager' }, true],
    [{ field: 'initiator.roles', op: 'in', value: ['hr', 'finance'] }, false],
    [{ field: 'initiator.department', op: '=', value: 'd-platform' }, true],
    [{ field: 'initiator.position', op: 'in', value: ['manager', 'ceo'] }, false],
    // Missing values satisfy only `!=`; mismatched types never compare.
    [{ field: 'form.missing', op: '>', value: 0 }, false],
    [{ field: 'form.missing', op: '!=', value: 0 }, true],
    [{ field: 'form.empty', op: '=', value: 'x' }, false],
    [{ field: 'form.days', op: '>', value: '3' }, false],
    [{ all: [{ field: 'form.days', op: '>', value: 3 }, { field: 'form.leaveType', op: '=', value: 'annual' }] }, true],
    [{ all: [{ field: 'form.days', op: '>', value: 3 }, { field: 'form.leaveType', op: '=', value: 'sick' }] }, false],
    [{ any: [{ field: 'form.days', op: '>', value: 30 }, { field: 'initiator.roles', op: 'contains', value: 'manager' }] }, true],
    [{ not: { field: 'form.days', op: '>', value: 3 } }, false],
    [{ all: [] }, true],
    [{ any: [] }, false],
  ];
  it.each(cases)('%j → %s', (cond, expected) => {
    expect(evaluateCondition(cond, ctx)).toBe(expected);
  });

  it('describes conditions readably', () => {
    expect(describeCondition({ all: [{ field: 'form.days', op: '>', value: 3 }, { not: { field: 'initiator.roles', op: 'contains', value: 'hr' } }] })).toBe(
      '(form.days > 3) and (not (initiator.roles contains "hr"))',
    );
    expect(describeCondition({ field: 'form.amount', op: 'between', value: [1, 2] })).toBe('form.amount between [1, 2]');
  });
});

describe('flow walker', () => {
  const approval = (id: string, extra: object = {}) => ({ kind: 'approval' as const, id, name: id, assignees: { type: 'initiator' as const }, ...extra });
  const template = TemplateDefinition.parse({
    key: 'walker',
    name: 'Walker',
    category: 'general',
    formSchema: { fields: [{ id: 'amount', label: 'Amount', type: 'money' }] },
    flow: [
      approval('first'),
      { kind: 'cc', id: 'tell', name: 'tell', recipients: { type: 'initiator' } },
      {
        kind: 'condition',
        id: 'size',
        name: 'size',
        branches: [
          { id: 'huge', name: 'huge', when: { field: 'form.amount', op: '>', value: 10000 }, steps: [approval('board')] },
          { id: 'big', name: 'big', when: { field: 'form.amount', op: '>', value: 1000 }, steps: [approval('cfo')] },
        ],
        default: { id: 'small', steps: [] },
      },
      {
        kind: 'parallel',
        id: 'both',
        name: 'both',
        branches: [
          { id: 'left', name: 'left', steps: [approval('l1'), approval('l2')] },
          { id: 'right', name: 'right', steps: [approval('r1')] },
        ],
      },
      approval('last'),
      { kind: 'delay', id: 'pause', name: 'pause', duration: '10s' },
    ],
  } satisfies TemplateInput);
  const facts = (amount: number): ConditionContext => ({ form: { amount }, initiator: { userId: 'u', departmentId: null, roleCodes: [], positionCode: null } });

  it('takes the first matching branch and lists every parallel branch', () => {
    const plan = planFlow(template.flow, facts(5000));
    expect(plan.map((p) => p.step.id)).toEqual(['first', 'tell', 'size', 'cfo', 'both', 'l1', 'l2', 'r1', 'last', 'pause']);
    expect(plan.find((p) => p.step.id === 'size')).toMatchObject({ chosenBranchId: 'big', conditionMatched: true });
    expect(plan.find((p) => p.step.id === 'cfo')).toMatchObject({ path: 'flow[2].branches[1].steps[0]', within: [{ stepId: 'size', kind: 'condition', branchId: 'big' }] });
    expect(plan.find((p) => p.step.id === 'l2')).toMatchObject({ path: 'flow[3].branches[0].steps[1]', previousApprovalStepId: 'l1' });
    // cc/condition in between do not break "previous approval"; a parallel join resets it.
    expect(plan.find((p) => p.step.id === 'cfo')!.previousApprovalStepId).toBe('first');
    expect(plan.find((p) => p.step.id === 'r1')!.previousApprovalStepId).toBe('cfo');
    expect(plan.find((p) => p.step.id === 'last')!.previousApprovalStepId).toBeNull();
  });

  it('falls back to the default branch (which may be empty)', () => {
    const plan = planFlow(template.flow, facts(10));
    expect(plan.map((p) => p.step.id)).toEqual(['first', 'tell', 'size', 'both', 'l1', 'l2', 'r1', 'last', 'pause']);
    expect(plan[2]).toMatchObject({ chosenBranchId: 'small', conditionMatched: false });
    expect(planFlow(template.flow, facts(20000)).map((p) => p.step.id)).toContain('board');
  });

  it('knows which approvals a rejection may return to', () => {
    const targets = returnTargets(template.flow);
    expect([...targets.get('first')!]).toEqual([]);
    expect([...targets.get('cfo')!]).toEqual(['first']);
    expect([...targets.get('l2')!].sort()).toEqual(['first', 'l1']);
    expect([...targets.get('r1')!]).toEqual(['first']);
    // Steps inside earlier parallel branches were all visited; condition branches maybe not.
    expect([...targets.get('last')!].sort()).toEqual(['first', 'l1', 'l2', 'r1']);
  });

  it('finds steps anywhere in the tree', () => {
    expect(findStep(template.flow, 'r1')?.path).toEqual(['flow', 3, 'branches', 1, 'steps', 0]);
    expect(findStep(template.flow, 'nope')).toBeUndefined();
    expect(formatPath(['flow', 3, 'branches', 1, 'steps', 0, 'assignees'])).toBe('flow[3].branches[1].steps[0].assignees');
  });

  it('lists steps where the initiator picks people', () => {
    const t = TemplateDefinition.parse({
      key: 'pick',
      name: 'Pick',
      category: 'general',
      flow: [approval('a'), approval('b', { assignees: { type: 'initiatorSelects' } }), approval('c', { initiatorSelects: true }), { kind: 'cc', id: 'd', name: 'd', recipients: { type: 'initiatorSelects' } }],
    });
    expect(selectionSteps(t.flow).map((s) => s.id)).toEqual(['b', 'c', 'd']);
  });

  it('fills defaults so the workflow never sees a half-specified step', () => {
    const step = template.flow[0];
    expect(step).toMatchObject({ mode: 'sequential', emptyAssignee: { type: 'fail' }, onReject: { type: 'rejectInstance' }, allowTransfer: true, allowAddSign: false, initiatorSelects: false });
    expect(template.settings).toEqual({ initiatorIsApprover: 'keep', autoPassRepeatedApprover: false, resubmitFrom: 'start' });
    expect(template.hooks).toEqual({ onApproved: [], onRejected: [] });
  });

  it('resolves value mappings for hooks and actions', () => {
    const scope = {
      form: { roleCode: 'auditor' },
      initiator: { id: 'u1', department: 'd1', position: null, roles: ['employee'] },
      instance: { id: 'i1' },
      template: { key: 'access', version: 3 },
    };
    expect(resolveMapping({ user: { ref: 'initiator.id' }, role: { ref: 'form.roleCode' }, v: { ref: 'template.version' }, fixed: { const: { a: 1 } }, none: { ref: 'form.nope' } }, scope)).toEqual({
      user: 'u1',
      role: 'auditor',
      v: 3,
      fixed: { a: 1 },
      none: undefined,
    });
  });
});

describe('form validation', () => {
  const form = TemplateDefinition.parse({
    key: 'form',
    name: 'Form',
    category: 'general',
    formSchema: {
      fields: [
        { id: 'title', label: 'Title', type: 'text', required: true, min: 3, max: 20 },
        { id: 'days', label: 'Days', type: 'number', required: true, min: 0.5, max: 30 },
        { id: 'amount', label: 'Amount', type: 'money', min: 0 },
        { id: 'on', label: 'On', type: 'date' },
        { id: 'period', label: 'Period', type: 'dateRange', max: 10 },
        { id: 'kind', label: 'Kind', type: 'select', options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] },
        { id: 'tags', label: 'Tags', type: 'multiSelect', options: [{ value: 'x', label: 'X' }], max: 1 },
        { id: 'boss', label: 'Boss', type: 'user' },
        { id: 'team', label: 'Team', type: 'user', multiple: true },
        { id: 'files', label: 'Files', type: 'attachments', required: true },
      ],
    },
  }).formSchema;

  it('accepts a good submission and drops empty optional fields', () => {
    const res = validateForm(form, {
      title: '  Hello ',
      days: 2.5,
      amount: 12.34,
      on: '2025-02-28',
      period: { start: '2025-03-01', end: '2025-03-10' },
      kind: 'b',
      tags: ['x'],
      boss: null,
      files: [{ fileId: 'f1', name: 'receipt.pdf' }],
    });
    expect(res).toEqual({
      ok: true,
      data: { title: 'Hello', days: 2.5, amount: 12.34, on: '2025-02-28', period: { start: '2025-03-01', end: '2025-03-10' }, kind: 'b', tags: ['x'], files: [{ fileId: 'f1', name: 'receipt.pdf' }] },
    });
  });

  it('reports every problem with its path under form', () => {
    const res = validateForm(form, {
      title: 'Hi',
      amount: 1.234,
      on: '2025-02-30',
      period: { start: '2025-03-10', end: '2025-03-01' },
      kind: 'c',
      tags: ['x', 'x'], // too many (max 1): the duplicate check only runs on a list of allowed size
      boss: 'not-a-uuid',
      team: ['5b0a4c1e-8f0e-4b8e-9a53-0f3f1f8e2a11', '5b0a4c1e-8f0e-4b8e-9a53-0f3f1f8e2a11'],
      files: [],
      color: 'red',
    });
    expect(res.ok).toBe(false);
    const got = res.ok ? [] : res.errors.map((e) => `${e.path} ${e.code}`).sort();
    expect(got).toEqual(
      [
        'form.amount custom',
        'form.boss invalid_format',
        'form.color unknown_field',
        'form.days required',
        'form.files custom',
        'form.kind custom',
        'form.on custom',
        'form.period.end custom',
        'form.tags too_big',
        'form.team custom',
        'form.title too_small',
      ].sort(),
    );
  });

  it('checks the length of a date range', () => {
    const res = validateForm(form, { title: 'Long', days: 1, files: [{ fileId: 'f', name: 'f' }], period: { start: '2025-03-01', end: '2025-03-20' } });
    expect(res).toEqual({ ok: false, errors: [{ path: 'form.period', code: 'custom', message: 'must cover at most 10 day(s)' }] });
  });
});
