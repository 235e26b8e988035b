/**
 * Deep validation: malformed templates are saved as drafts (they parse), then refused at publish
 * with EVERY problem, each with its exact path and code. Runs through the real API and database
 * (references are checked against the tenant).
 */
import { newId } from '../../common/ids';
import { User } from '../../db/entities';
import type { StepInput as Step, TemplateInput } from '../../workflows/approval/dsl';
import { checkTemplate, parseTemplate } from '../../activities/approval/validate-template';
import { PRESET_TEMPLATES } from '../../db/seed-approval';
import { TEMPLATES, baseTemplate, problems } from './helpers';
import { startApiEnv, tenantWithTokens, type TenantWithTokens, type ApiEnv } from '../harness/harness';

const approval = (id: string, extra: Record<string, unknown> = {}) => ({ kind: 'approval', id, name: id, assignees: { type: 'initiator' }, ...extra }) as Step;
const condition = (id: string, when: unknown, steps: Step[] = [approval(`${id}_a`)], extra: Record<string, unknown> = {}) =>
  ({ kind: 'condition', id, name: id, branches: [{ id: `${id}_b`, name: 'branch', when, steps }], default: { id: `${id}_d`, steps: [] }, ...extra }) as Step;
const withFlow = (...flow: Step[]) => ({ flow });

describe('template validation', () => {
  let env: ApiEnv;
  let t: TenantWithTokens;
  let other: TenantWithTokens;
  let disabledUserId: string;
  beforeAll(async () => {
    env = await startApiEnv();
    t = await tenantWithTokens(env.rt);
    other = await tenantWithTokens(env.rt);
    const em = env.rt.orm.em.fork();
    disabledUserId = newId();
    em.create(User, { id: disabledUserId, tenantId: t.tenantId, username: 'gone', email: 'gone@acme.example', displayName: 'Gone', status: 'disabled' });
    await em.flush();
  });
  afterAll(() => env.close());

  const publishProblems = async (key: string, extra: Partial<TemplateInput>) => {
    const created = await env.api.post(TEMPLATES, baseTemplate(key, extra), t.tokens.admin);
    expect(created.status).toBe(201);
    const res = await env.api.post(`${TEMPLATES}/${created.body.id}/publish`, undefined, t.tokens.admin);
    if (res.status !== 201) {
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('template_invalid');
    }
    return { res, id: created.body.id as string };
  };

  type Case = [name: string, extra: () => Partial<TemplateInput>, expected: string[]];
  const cases: Case[] = [
    ['empty flow', () => withFlow(), ['flow empty_flow']],
    ['a flow without approval steps', () => withFlow({ kind: 'cc', id: 'tell', name: 'tell', recipients: { type: 'initiator' } } as Step), ['flow no_approval_step']],
    [
      'duplicate step and branch ids anywhere in the tree',
      () => withFlow(approval('head'), condition('check', { field: 'form.amount', op: '>', value: 1 }, [approval('head')]), { ...(condition('check2', { field: 'form.amount', op: '<', value: 1 }) as object), branches: [{ id: 'head', name: 'b', when: { field: 'form.amount', op: '<', value: 1 }, steps: [approval('x')] }] } as Step),
      ['flow[1].branches[0].steps[0].id duplicate_step_id', 'flow[2].branches[0].id duplicate_branch_id'],
    ],
    [
      'condition without a default, condition without branches',
      () => withFlow(approval('a'), condition('c1', { field: 'form.amount', op: '>', value: 1 }, undefined, { default: undefined }), { kind: 'condition', id: 'c2', name: 'c2', branches: [], default: { id: 'c2d', steps: [approval('z')] } } as Step),
      ['flow[1].default missing_default_branch', 'flow[2].branches too_few_branches'],
    ],
    ['empty conditional branch', () => withFlow(approval('a'), condition('c', { field: 'form.amount', op: '>', value: 1 }, [])), ['flow[1].branches[0].steps empty_branch']],
    [
      'parallel with one branch, parallel with an empty branch',
      () =>
        withFlow(
          { kind: 'parallel', id: 'p1', name: 'p1', branches: [{ id: 'p1a', name: 'a', steps: [approval('x')] }] } as Step,
          { kind: 'parallel', id: 'p2', name: 'p2', branches: [{ id: 'p2a', name: 'a', steps: [approval('y')] }, { id: 'p2b', name: 'b', steps: [] }] } as Step,
        ),
      ['flow[0].branches too_few_branches', 'flow[1].branches[1].steps empty_branch'],
    ],
    [
      'conditions on unknown fields and unknown initiator attributes (nested)',
      () => withFlow(approval('a'), condition('c', { all: [{ field: 'form.nope', op: '=', value: 1 }, { not: { field: 'initiator.salary', op: '>', value: 1 } }] })),
      ['flow[1].branches[0].when.all[0].field unknown_field', 'flow[1].branches[0].when.all[1].not.field unknown_initiator_attribute'],
    ],
    [
      'operators that do not fit the field',
      () =>
        withFlow(
          approval('a'),
          condition('c', {
            any: [
              { field: 'form.title', op: '>', value: 'x' },
              { field: 'form.period', op: '=', value: 'x' },
              { field: 'form.kind', op: 'contains', value: 'a' },
              { field: 'initiator.roles', op: '=', value: 'hr' },
            ],
          }),
        ),
      ['flow[1].branches[0].when.any[0].op op_not_supported', 'flow[1].branches[0].when.any[1].op op_not_supported', 'flow[1].branches[0].when.any[2].op op_not_supported', 'flow[1].branches[0].when.any[3].op op_not_supported'],
    ],
    [
      'values that do not fit the operator or the field',
      () =>
        withFlow(
          approval('a'),
          condition('c', {
            all: [
              { field: 'form.amount', op: 'between', value: [1] },
              { field: 'form.amount', op: 'between', value: [9, 1] },
              { field: 'form.amount', op: '>', value: 'lots' },
              { field: 'form.amount', op: '=', value: [1, 2] },
              { field: 'form.kind', op: 'in', value: ['a', 'c'] },
              { field: 'form.start', op: '<', value: '2025-02-30' },
              { field: 'form.kind', op: 'in', value: [] },
              { any: [] },
            ],
          }),
        ),
      [
        'flow[1].branches[0].when.all[0].value between_needs_two_values',
        'flow[1].branches[0].when.all[1].value invalid_range',
        'flow[1].branches[0].when.all[2].value value_type_mismatch',
        'flow[1].branches[0].when.all[3].value value_type_mismatch',
        'flow[1].branches[0].when.all[4].value[1] unknown_option',
        'flow[1].branches[0].when.all[5].value value_type_mismatch',
        'flow[1].branches[0].when.all[6].value in_needs_list',
        'flow[1].branches[0].when.all[7].any empty_condition_group',
      ],
    ],
    [
      'bad durations',
      () =>
        withFlow(
          approval('a', { time: { remindAfter: '2 days', remindEvery: 'P1Y', timeoutAfter: '0s', timeoutAction: { type: 'reject' } } }),
          { kind: 'delay', id: 'd', name: 'd', duration: 'soon' } as Step,
        ),
      ['flow[0].time.remindAfter invalid_duration', 'flow[0].time.remindEvery invalid_duration', 'flow[0].time.timeoutAfter invalid_duration', 'flow[1].duration invalid_duration'],
    ],
    [
      'incomplete or contradictory time settings',
      () =>
        withFlow(
          approval('a', { time: { remindMaxTimes: 3, timeoutAfter: '1h' } }),
          approval('b', { time: { timeoutAction: { type: 'escalate', to: 'role' } } }),
          approval('c', { time: { remindAfter: '2d', timeoutAfter: '1d', timeoutAction: { type: 'escalate', to: 'manager', roleCode: 'hr' } } }),
        ),
      [
        'flow[0].time.remindMaxTimes incomplete_setting',
        'flow[0].time.timeoutAction incomplete_setting',
        'flow[1].time.timeoutAfter incomplete_setting',
        'flow[1].time.timeoutAction.roleCode incomplete_setting',
        'flow[2].time.remindAfter reminder_after_timeout',
        'flow[2].time.timeoutAction.roleCode not_applicable',
      ],
    ],
    [
      'returnToStep that is not an earlier approval on the path',
      () =>
        withFlow(
          approval('first', { onReject: { type: 'returnToStep', stepId: 'later' } }),
          condition('c', { field: 'form.amount', op: '>', value: 1 }, [approval('maybe')]),
          { kind: 'parallel', id: 'p', name: 'p', branches: [{ id: 'left', name: 'l', steps: [approval('l1')] }, { id: 'right', name: 'r', steps: [approval('r1', { onReject: { type: 'returnToStep', stepId: 'l1' } })] }] } as Step,
          approval('later', { onReject: { type: 'returnToStep', stepId: 'maybe' } }),
          approval('last', { onReject: { type: 'returnToStep', stepId: 'ghost' } }),
          approval('fine', { onReject: { type: 'returnToStep', stepId: 'l1' } }),
          { kind: 'cc', id: 'note', name: 'note', recipients: { type: 'initiator' } } as Step,
          approval('final', { onReject: { type: 'returnToStep', stepId: 'note' } }),
        ),
      [
        'flow[0].onReject.stepId invalid_return_target',
        'flow[2].branches[1].steps[0].onReject.stepId invalid_return_target',
        'flow[3].onReject.stepId invalid_return_target',
        'flow[4].onReject.stepId invalid_return_target',
        'flow[7].onReject.stepId invalid_return_target',
      ],
    ],
    [
      'assignees from a form field that is not a user field',
      () => withFlow(approval('a', { assignees: { type: 'formField', fieldId: 'title' } }), approval('b', { assignees: { type: 'formField', fieldId: 'nope' } }), approval('c', { assignees: { type: 'formField', fieldId: 'boss' } })),
      ['flow[0].assignees.fieldId not_a_user_field', 'flow[1].assignees.fieldId unknown_field'],
    ],
    [
      'vote thresholds',
      () =>
        withFlow(
          approval('a', { mode: 'vote', voteThreshold: 0 }),
          approval('b', { mode: 'vote', voteThreshold: 150 }),
          approval('c', { mode: 'vote' }),
          approval('d', { mode: 'any', voteThreshold: 50 }),
          approval('e', { mode: 'vote', voteThreshold: 100 }),
        ),
      ['flow[0].voteThreshold vote_threshold_out_of_range', 'flow[1].voteThreshold vote_threshold_out_of_range', 'flow[2].voteThreshold missing_vote_threshold', 'flow[3].voteThreshold not_applicable'],
    ],
    [
      'form fields: select without options, duplicates, bounds, misplaced properties',
      () => ({
        formSchema: {
          fields: [
            { id: 'amount', label: 'Amount', type: 'money', min: 10, max: 1 },
            { id: 'pick', label: 'Pick', type: 'select' },
            { id: 'many', label: 'Many', type: 'multiSelect', options: [{ value: 'x', label: 'X' }, { value: 'x', label: 'X again' }] },
            { id: 'amount', label: 'Again', type: 'number' },
            { id: 'when', label: 'When', type: 'date', min: 1, options: [{ value: 'x', label: 'X' }] },
            { id: 'who', label: 'Who', type: 'text', multiple: true, currency: 'EUR' },
          ],
        },
      }),
      [
        'formSchema.fields[0].max min_greater_than_max',
        'formSchema.fields[1].options select_without_options',
        'formSchema.fields[2].options[1].value duplicate_option',
        'formSchema.fields[3].id duplicate_field_id',
        'formSchema.fields[4].min not_applicable',
        'formSchema.fields[4].options not_applicable',
        'formSchema.fields[5].currency not_applicable',
        'formSchema.fields[5].multiple not_applicable',
      ],
    ],
    [
      'delays: neither or both of duration and untilField, untilField not a date',
      () =>
        withFlow(
          approval('a'),
          { kind: 'delay', id: 'd1', name: 'd1' } as Step,
          { kind: 'delay', id: 'd2', name: 'd2', duration: '1h', untilField: 'start' } as Step,
          { kind: 'delay', id: 'd3', name: 'd3', untilField: 'amount' } as Step,
          { kind: 'delay', id: 'd4', name: 'd4', untilField: 'period' } as Step,
        ),
      ['flow[1] delay_needs_duration_or_field', 'flow[2] delay_needs_duration_or_field', 'flow[3].untilField not_a_date_field'],
    ],
    [
      'empty assignee lists',
      () => withFlow(approval('a', { assignees: { type: 'users', userIds: [] } }), approval('b', { assignees: { type: 'role', roleCodes: [] }, emptyAssignee: { type: 'assignTo' } })),
      ['flow[0].assignees.userIds empty_assignee_list', 'flow[1].assignees.roleCodes empty_assignee_list', 'flow[1].emptyAssignee empty_assignee_list'],
    ],
    [
      'references in actions and hooks',
      () => ({
        flow: [
          approval('a'),
          { kind: 'action', id: 'grant', name: 'grant', action: 'grantRole', args: { roleCode: { ref: 'form.role' }, userId: { ref: 'initiator.salary' } } } as Step,
          { kind: 'action', id: 'hook', name: 'hook', action: 'webhook', args: { url: 'https://example.com/x', body: { a: { ref: 'form.amount' }, b: { ref: 'instance.colour' } } } } as Step,
        ],
        hooks: { onApproved: [{ kind: 'childWorkflow', workflowType: 'someSaga', input: { user: { ref: 'initiator.id' }, x: { ref: 'form.missing' } } }], onRejected: [{ kind: 'activity', name: 'tell', args: { y: { ref: 'template.owner' } } }] },
      }),
      [
        'flow[1].args.roleCode.ref unknown_field',
        'flow[1].args.userId.ref unknown_reference',
        'flow[2].args.body.b.ref unknown_reference',
        'hooks.onApproved[0].input.x.ref unknown_field',
        'hooks.onApproved[0].workflowType unknown_workflow',
        'hooks.onRejected[0].args.y.ref unknown_reference',
        'hooks.onRejected[0].name unknown_activity',
      ],
    ],
    [
      'system activities by name, with their inputs',
      () => ({
        flow: [
          approval('a'),
          { kind: 'action', id: 'todo', name: 'todo', action: 'activity', args: { name: 'createTodo', input: { notes: { const: 'x' }, colour: { const: 'red' } } } } as Step,
        ],
        hooks: { onApproved: [{ kind: 'activity', name: 'postMessage', args: { title: { const: 'Approved' } } }], onRejected: [] },
      }),
      ['flow[1].args.input.colour unknown_input', 'flow[1].args.input.title missing_input', 'hooks.onApproved[0].args.body missing_input'],
    ],
  ];

  it('has at least 15 malformed-template cases', () => expect(cases.length).toBeGreaterThanOrEqual(15));

  it.each(cases)('%s', async (name, extra, expected) => {
    const { res } = await publishProblems(`case-${cases.findIndex((c) => c[0] === name)}`, extra());
    expect(problems(res.body.errors)).toEqual([...expected].sort());
  });

  it('checks users, roles, departments and positions against the tenant', async () => {
    const foreignUser = other.users.alice.id;
    const foreignDept = other.departments.hr.id;
    const { res } = await publishProblems('references', {
      flow: [
        approval('a', { assignees: { type: 'users', userIds: [t.users.pete.id, disabledUserId, foreignUser] }, emptyAssignee: { type: 'assignTo', userIds: [newId()], roleCodes: ['hr', 'nope_role'] } }),
        approval('b', { assignees: { type: 'role', roleCodes: ['finance', 'ghost'] }, time: { timeoutAfter: '1d', timeoutAction: { type: 'escalate', to: 'role', roleCode: 'ghost2' } } }),
        approval('c', { assignees: { type: 'managerChain', upToRoleCode: 'nobody_role' } }),
        { kind: 'cc', id: 'cc', name: 'cc', recipients: { type: 'departmentMembers', departmentId: foreignDept } } as Step,
        condition('cond', {
          any: [
            { field: 'initiator.department', op: 'in', value: [t.departments.platform.id, foreignDept] },
            { field: 'initiator.position', op: '=', value: 'astronaut' },
            { field: 'initiator.roles', op: 'contains', value: 'manager' },
            { field: 'form.boss', op: '=', value: foreignUser },
          ],
        }),
        { kind: 'action', id: 'grant', name: 'grant', action: 'grantRole', args: { roleCode: { const: 'missing_role' } } } as Step,
      ],
    });
    expect(problems(res.body.errors)).toEqual(
      [
        'flow[0].assignees.userIds[1] inactive_user',
        'flow[0].assignees.userIds[2] unknown_user',
        'flow[0].emptyAssignee.userIds[0] unknown_user',
        'flow[0].emptyAssignee.roleCodes[1] unknown_role',
        'flow[1].assignees.roleCodes[1] unknown_role',
        'flow[1].time.timeoutAction.roleCode unknown_role',
        'flow[2].assignees.upToRoleCode unknown_role',
        'flow[3].recipients.departmentId unknown_department',
        'flow[4].branches[0].when.any[0].value[1] unknown_department',
        'flow[4].branches[0].when.any[1].value unknown_position',
        'flow[4].branches[0].when.any[3].value unknown_user',
        'flow[5].args.roleCode.const unknown_role',
      ].sort(),
    );
  });

  it('reports semantic and reference problems together, never stopping at the first', async () => {
    const { res, id } = await publishProblems('together', {
      formSchema: { fields: [{ id: 'pick', label: 'Pick', type: 'select' }] },
      flow: [
        approval('a', { assignees: { type: 'role', roleCodes: ['ghost'] }, mode: 'vote' }),
        approval('a'),
        { kind: 'parallel', id: 'p', name: 'p', branches: [] } as Step,
        condition('c', { field: 'form.pick', op: '>', value: 1 }, [], { default: undefined }),
      ],
    });
    expect(problems(res.body.errors)).toEqual(
      [
        'formSchema.fields[0].options select_without_options',
        'flow[0].voteThreshold missing_vote_threshold',
        'flow[0].assignees.roleCodes[0] unknown_role',
        'flow[1].id duplicate_step_id',
        'flow[2].branches too_few_branches',
        'flow[3].default missing_default_branch',
        'flow[3].branches[0].steps empty_branch',
        'flow[3].branches[0].when.op op_not_supported',
      ].sort(),
    );
    // Every problem carries a readable message; nothing was published.
    expect(res.body.errors.every((e: { message: string }) => e.message.length > 5)).toBe(true);
    expect((await env.api.get(`${TEMPLATES}/${id}`, t.tokens.admin)).body.latestVersion).toBe(0);
    // The editor can ask the same question without publishing.
    const report = await env.api.post(`${TEMPLATES}/${id}/validate`, undefined, t.tokens.admin);
    expect(report.status).toBe(200);
    expect(report.body.valid).toBe(false);
    expect(problems(report.body.errors)).toEqual(problems(res.body.errors));
  });

  it('refuses drafts that do not parse, with the paths of the request body', async () => {
    const res = await env.api.post(
      TEMPLATES,
      {
        key: 'Bad Key',
        name: '',
        category: 'travel',
        flow: [{ kind: 'approval', id: '1st', name: 'x', assignees: { type: 'everyone' }, assignee: 'typo' }, { kind: 'teleport', id: 'x', name: 'x' }],
      },
      t.tokens.admin,
    );
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('validation_failed');
    expect(problems(res.body.errors)).toEqual(
      [
        'body.key invalid_format',
        'body.name too_small',
        'body.category invalid_value',
        'body.flow.0 unrecognized_keys',
        'body.flow.0.id invalid_format',
        'body.flow.0.assignees.type invalid_union',
        'body.flow.1.kind invalid_union',
      ].sort(),
    );
  });

  it('maps zod shape problems to bracketed paths when validating a stored definition', () => {
    const parsed = parseTemplate({ key: 'x', name: 'X', category: 'hr', flow: [{ kind: 'condition', id: 'c', name: 'c', branches: [{ id: 'b', name: 'b', when: { field: 'form.a', op: '~', value: 1 }, steps: [] }] }] });
    expect(parsed.template).toBeNull();
    expect(parsed.errors.map((e) => e.path)).toContain('flow[0].branches[0].when');
  });

  it('accepts every preset and a template using every step kind', () => {
    for (const preset of PRESET_TEMPLATES) {
      const parsed = parseTemplate(preset);
      expect(parsed.errors).toEqual([]);
      expect(checkTemplate(parsed.template!)).toEqual([]);
    }
    const full = parseTemplate(
      baseTemplate('full', {
        flow: [
          approval('a', { mode: 'vote', voteThreshold: 60, time: { remindAfter: '1h', remindEvery: '30m', remindMaxTimes: 2, timeoutAfter: 'PT2H', timeoutAction: { type: 'approve' } } }),
          { kind: 'cc', id: 'c', name: 'c', recipients: { type: 'formField', fieldId: 'boss' } } as Step,
          condition('cond', { all: [{ field: 'form.kind', op: 'in', value: ['a'] }, { field: 'form.start', op: 'between', value: ['2025-01-01', '2025-12-31'] }] }, [approval('b', { onReject: { type: 'returnToStep', stepId: 'a' } })]),
          { kind: 'parallel', id: 'p', name: 'p', branches: [{ id: 'l', name: 'l', steps: [approval('l1')] }, { id: 'r', name: 'r', steps: [{ kind: 'delay', id: 'wait', name: 'wait', untilField: 'period' } as Step, approval('r1')] }] } as Step,
          { kind: 'action', id: 'act', name: 'act', action: 'activity', args: { name: 'postMessage', input: { title: { const: 'Amount' }, body: { ref: 'form.amount' }, userId: { ref: 'initiator.id' } } } } as Step,
          { kind: 'action', id: 'call', name: 'call', action: 'webhook', args: { url: 'https://hooks.example.com/approved', body: { amount: { ref: 'form.amount' } } } } as Step,
        ],
      }),
    );
    expect(checkTemplate(full.template!)).toEqual([]);
    // WEBHOOK_ALLOWED_HOSTS: only the listed hosts (and *.subdomains) may be called.
    expect(checkTemplate(full.template!, { webhookHosts: '*.example.com' })).toEqual([]);
    expect(checkTemplate(full.template!, { webhookHosts: 'erp.internal' }).map((e) => `${e.path} ${e.code}`)).toEqual(['flow[5].args.url webhook_host_not_allowed']);
  });
});
