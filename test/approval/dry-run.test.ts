/**
 * Dry-runs of the preset templates against the seeded org chart (alice → pete → carol → admin;
 * fiona heads Finance and holds the finance role; harry heads HR and holds the hr role; nobody
 * holds the it role), plus the policies and error paths of the dry-run itself.
 */
import { randomUUID } from 'node:crypto';
import { seedPresetTemplates } from '../../db/seed-approval';
import { ApprovalTemplate } from '../../db/entities';
import type { StepInput as Step, TemplateInput } from '../../workflows/approval/dsl';
import { TEMPLATES, baseTemplate, problems } from './helpers';
import { startApiEnv, tenantWithTokens, type TenantWithTokens, type ApiEnv } from '../harness/harness';

interface PathStep {
  stepId: string;
  kind: string;
  outcome: string;
  mode: string | null;
  within: string[];
  assignees: { userId: string; displayName: string; autoApproved: string | null }[];
  note: string | null;
}

describe('dry-run', () => {
  let env: ApiEnv;
  let t: TenantWithTokens;
  let other: TenantWithTokens;
  const presets: Record<string, string> = {};
  beforeAll(async () => {
    env = await startApiEnv();
    t = await tenantWithTokens(env.rt);
    other = await tenantWithTokens(env.rt);
    const list = await env.api.get(`${TEMPLATES}?pageSize=100`, t.tokens.admin);
    for (const item of list.body.items) presets[item.key] = item.id;
  });
  afterAll(() => env.close());

  const run = (key: string, body: Record<string, unknown>) => env.api.post(`${TEMPLATES}/${presets[key] ?? key}/dry-run`, body, t.tokens.admin);
  /** `stepId:outcome:username,username` lines: the route at a glance. */
  const route = (path: PathStep[]) =>
    path.map((s) => `${s.stepId}:${s.outcome}${s.assignees.length ? ':' + s.assignees.map((a) => nameOf(a.userId) + (a.autoApproved ? `(${a.autoApproved})` : '')).join(',') : ''}`);
  const nameOf = (id: string) => Object.entries(t.users).find(([, u]) => u.id === id)?.[0] ?? id;

  const leaveForm = (days: number) => ({ leaveType: 'annual', period: { start: '2025-03-03', end: '2025-03-07' }, days });
  const receipts = [{ fileId: 'file-1', name: 'receipt.pdf' }];

  describe('preset templates', () => {
    it('seeds the presets once, each published as version 1', async () => {
      const em = env.rt.orm.em.fork();
      expect(await seedPresetTemplates(em, t.tenantId)).toEqual([]);
      const rows = await em.find(ApprovalTemplate, { tenantId: t.tenantId, key: { $in: ['leave', 'expense', 'access-request', 'it-equipment'] } }, { orderBy: { key: 'asc' } });
      expect(rows.map((r) => [r.key, r.category, r.latestVersion, r.draftDirty, r.status])).toEqual([
        ['access-request', 'access', 1, false, 'active'],
        ['expense', 'finance', 1, false, 'active'],
        ['it-equipment', 'it', 1, false, 'active'],
        ['leave', 'hr', 1, false, 'active'],
      ]);
      const v1 = await env.api.get(`${TEMPLATES}/${presets.leave}/versions/1`, t.tokens.admin);
      expect(v1.body).toMatchObject({ version: 1, publishedBy: t.users.admin.id, definition: { key: 'leave' } });
    });

    it("leave of 5 days: alice's department head pete, then harry from HR", async () => {
      const res = await run('leave', { form: leaveForm(5), initiatorUserId: t.users.alice.id });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ templateId: presets.leave, version: null, initiator: { userId: t.users.alice.id, displayName: 'Alice Alvarez' }, result: 'approved', hooks: [] });
      expect(route(res.body.path)).toEqual(['duration:branch', 'head_long:assigned:pete', 'hr_review:assigned:harry']);
      expect(res.body.path[0].note).toBe('takes "long": form.days > 3');
      expect(res.body.path[1]).toMatchObject({ kind: 'approval', name: 'Department head', mode: 'any', location: 'flow[0].branches[0].steps[0]', within: ['duration/long'], note: null });
      expect(res.body.path[1].assignees).toEqual([{ userId: t.users.pete.id, displayName: 'Pete Park (Platform lead)', autoApproved: null }]);
    });

    it('leave of 2 days: pete only', async () => {
      const res = await run('leave', { form: leaveForm(2), initiatorUserId: t.users.alice.id });
      expect(route(res.body.path)).toEqual(['duration:branch', 'head_short:assigned:pete']);
      expect(res.body.path[0].note).toBe('no condition matched: takes the default "short"');
    });

    it('leave of the department head himself: the head above him decides, then HR (issue 8, item 5)', async () => {
      const res = await run('leave', { form: leaveForm(5), initiatorUserId: t.users.pete.id });
      expect(route(res.body.path)).toEqual(['duration:branch', 'head_long:assigned:carol', 'hr_review:assigned:harry']);
    });

    it('expense of 8000: fiona countersigns (all), pete is informed', async () => {
      const res = await run('expense', { form: { amount: 8000, purpose: 'Conference', spentOn: '2025-02-01', receipts }, initiatorUserId: t.users.alice.id });
      expect(res.status).toBe(200);
      expect(route(res.body.path)).toEqual(['amount_check:branch', 'finance_countersign:assigned:fiona', 'notify_manager:notified:pete']);
      expect(res.body.path[1]).toMatchObject({ mode: 'all', within: ['amount_check/large'] });
      expect(res.body.path[2]).toMatchObject({ kind: 'cc', mode: null, within: [] });
    });

    it('expense of 300: one finance check (any)', async () => {
      const res = await run('expense', { form: { amount: 300, purpose: 'Taxi', spentOn: '2025-02-01', receipts }, initiatorUserId: t.users.alice.id });
      expect(route(res.body.path)).toEqual(['amount_check:branch', 'finance_check:assigned:fiona', 'notify_manager:notified:pete']);
      expect(res.body.path[1].mode).toBe('any');
    });

    it("fiona's own large expense: her approval is given automatically, her manager is informed", async () => {
      const res = await run('expense', { form: { amount: 9000, purpose: 'Audit', spentOn: '2025-02-01', receipts }, initiatorUserId: t.users.fiona.id });
      expect(route(res.body.path)).toEqual(['amount_check:branch', 'finance_countersign:autoApproved:fiona(initiator)', 'notify_manager:notified:admin']);
      expect(res.body.path[1].note).toContain('approveSelf');
    });

    it('access request: pete then a tenant admin; approval starts the role-grant saga with mapped input', async () => {
      const res = await run('access-request', { form: { roleCode: 'auditor', justification: 'Quarterly audit' }, initiatorUserId: t.users.alice.id });
      expect(route(res.body.path)).toEqual(['head:assigned:pete', 'admin:assigned:admin']);
      expect(res.body.hooks).toEqual([{ event: 'onApproved', kind: 'childWorkflow', target: 'grantRoleSaga', input: { userId: t.users.alice.id, roleCode: 'auditor', requestId: '(dry-run)' } }]);
    });

    it('IT equipment: pete, then IT (nobody holds it: the admins) and budget (fiona) in parallel', async () => {
      const res = await run('it-equipment', { form: { item: 'laptop', estimatedCost: 1500, justification: 'Old one died' }, initiatorUserId: t.users.alice.id });
      expect(route(res.body.path)).toEqual(['head:assigned:pete', 'reviews:parallel', 'it_review:assigned:admin', 'budget_review:assigned:fiona']);
      expect(res.body.path[2]).toMatchObject({ within: ['reviews/it_branch'], note: 'nobody matched (holders of it): assigned to the fallback (emptyAssignee: assignTo)' });
      expect(res.body.path[3].within).toEqual(['reviews/budget_branch']);
      expect(res.body.path[1].note).toContain('it_branch, budget_branch');
    });

    it('tries a published version instead of the draft', async () => {
      const draft = (await env.api.get(`${TEMPLATES}/${presets.leave}`, t.tokens.admin)).body.draft;
      const edited = { ...draft, flow: [{ kind: 'approval', id: 'hr_only', name: 'HR only', assignees: { type: 'role', roleCodes: ['hr'] } }] };
      expect((await env.api.put(`${TEMPLATES}/${presets.leave}`, edited, t.tokens.admin)).status).toBe(200);
      const viaDraft = await run('leave', { form: leaveForm(5), initiatorUserId: t.users.alice.id });
      expect(route(viaDraft.body.path)).toEqual(['hr_only:assigned:harry']);
      const viaV1 = await run('leave', { version: 1, form: leaveForm(5), initiatorUserId: t.users.alice.id });
      expect(viaV1.body.version).toBe(1);
      expect(route(viaV1.body.path)).toEqual(['duration:branch', 'head_long:assigned:pete', 'hr_review:assigned:harry']);
      expect((await run('leave', { version: 7, form: {}, initiatorUserId: t.users.alice.id })).body.code).toBe('template_version_not_found');
    });
  });

  describe('the submission', () => {
    it('validates the form against the form schema, every problem with its path', async () => {
      const res = await run('leave', { form: { leaveType: 'vacation', period: { start: '2025-03-07', end: '2025-03-03' }, reason: 42, extra: true }, initiatorUserId: t.users.alice.id });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('form_invalid');
      expect(problems(res.body.errors)).toEqual(['body.form.days required', 'body.form.extra unknown_field', 'body.form.leaveType custom', 'body.form.period.end custom', 'body.form.reason invalid_type']);
    });

    it('checks users named in the form against the tenant', async () => {
      const custom = baseTemplate('form-refs', { flow: [{ kind: 'approval', id: 'boss_says', name: 'Boss', assignees: { type: 'formField', fieldId: 'boss' } }] });
      const tpl = (await env.api.post(TEMPLATES, custom, t.tokens.admin)).body;
      const foreign = await run(tpl.id, { form: { amount: 1, boss: other.users.alice.id }, initiatorUserId: t.users.alice.id });
      expect(foreign.status).toBe(422);
      expect(problems(foreign.body.errors)).toEqual(['body.form.boss not_found']);
      const ok = await run(tpl.id, { form: { amount: 1, boss: t.users.carol.id }, initiatorUserId: t.users.alice.id });
      expect(route(ok.body.path)).toEqual(['boss_says:assigned:carol']);
    });

    it('needs an initiator of the tenant', async () => {
      for (const id of [other.users.alice.id, randomUUID()]) {
        const res = await run('leave', { form: leaveForm(1), initiatorUserId: id });
        expect(res.status).toBe(422);
        expect(problems(res.body.errors)).toEqual(['body.initiatorUserId not_found']);
      }
      const bad = await run('leave', { form: leaveForm(1), initiatorUserId: 'alice', definition: { key: 'x' }, version: 1 });
      expect(bad.status).toBe(422);
      expect(problems(bad.body.errors)).toEqual(['body.definition.category invalid_value', 'body.definition.name invalid_type', 'body.initiatorUserId invalid_format']);
    });

    it('refuses to dry-run an invalid definition, with its problems', async () => {
      const broken = { ...baseTemplate('broken'), flow: [{ kind: 'approval', id: 'a', name: 'a', assignees: { type: 'role', roleCodes: ['ghost'] } }] };
      const res = await run('leave', { definition: broken, form: { amount: 1 }, initiatorUserId: t.users.alice.id });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('template_invalid');
      expect(problems(res.body.errors)).toEqual(['body.definition.flow[0].assignees.roleCodes[0] unknown_role']);
    });
  });

  describe('policies', () => {
    const tryDefinition = (flow: Step[], body: Record<string, unknown> = {}, extra: Partial<TemplateInput> = {}) =>
      run('leave', { definition: baseTemplate('policies', { flow, ...extra }), form: { amount: 10 }, initiatorUserId: t.users.alice.id, ...body });
    const approval = (id: string, extra: Record<string, unknown>) => ({ kind: 'approval', id, name: id, ...extra }) as Step;

    it('passes a repeated approver automatically when the template says so', async () => {
      const flow = [
        approval('first', { assignees: { type: 'departmentHead' } }),
        { kind: 'cc', id: 'tell', name: 'tell', recipients: { type: 'role', roleCodes: ['hr'] } } as Step,
        approval('second', { assignees: { type: 'managerChain', upToLevel: 2 }, mode: 'all' }),
      ];
      const on = await tryDefinition(flow, {}, { settings: { autoPassRepeatedApprover: true } });
      expect(route(on.body.path)).toEqual(['first:assigned:pete', 'tell:notified:harry', 'second:assigned:pete(repeated),carol']);
      expect(on.body.path[2].note).toContain('already approved the previous step');
      const off = await tryDefinition(flow);
      expect(route(off.body.path)).toEqual(['first:assigned:pete', 'tell:notified:harry', 'second:assigned:pete,carol']);
    });

    it('names users in the order the rule lists them', async () => {
      const res = await tryDefinition([approval('named', { assignees: { type: 'users', userIds: [t.users.carol.id, t.users.pete.id] }, mode: 'sequential' })]);
      expect(res.body.path[0].assignees).toEqual([
        { userId: t.users.carol.id, displayName: 'Carol Chen (Engineering head)', autoApproved: null },
        { userId: t.users.pete.id, displayName: 'Pete Park (Platform lead)', autoApproved: null },
      ]);
    });

    it('applies emptyAssignee: autoApprove continues, autoReject and fail end the route', async () => {
      const nobody = { assignees: { type: 'role', roleCodes: ['it'] } };
      const approve = await tryDefinition([approval('a', { ...nobody, emptyAssignee: { type: 'autoApprove' } }), approval('b', { assignees: { type: 'initiator' } })]);
      expect(approve.body.result).toBe('approved');
      expect(route(approve.body.path)).toEqual(['a:autoApproved', 'b:assigned:alice']);

      const reject = await tryDefinition([approval('a', { ...nobody, emptyAssignee: { type: 'autoReject' } }), approval('b', { assignees: { type: 'initiator' } })], {}, {
        hooks: { onRejected: [{ kind: 'activity', name: 'postMessage', args: { userId: { ref: 'initiator.id' }, title: { const: 'Outcome' }, body: { ref: 'instance.outcome' } } }] },
      });
      expect(reject.body.result).toBe('rejected');
      expect(route(reject.body.path)).toEqual(['a:autoRejected']);
      expect(reject.body.hooks).toEqual([{ event: 'onRejected', kind: 'activity', target: 'postMessage', input: { userId: t.users.alice.id, title: 'Outcome', body: 'rejected' } }]);

      const fail = await tryDefinition([approval('a', { ...nobody })]);
      expect(fail.body.result).toBe('failed');
      expect(fail.body.path[0]).toMatchObject({ outcome: 'failed', note: 'nobody matched (holders of it): the instance fails (emptyAssignee: fail)' });
    });

    it('lets the initiator pick approvers, among candidates when the rule names them', async () => {
      const flow = [approval('pick', { assignees: { type: 'initiatorSelects' } }), approval('among', { assignees: { type: 'managerChain' }, initiatorSelects: true })];
      const waiting = await tryDefinition(flow);
      expect(route(waiting.body.path)).toEqual(['pick:awaitingSelection', 'among:awaitingSelection:pete,carol,admin']);

      const picked = await tryDefinition(flow, { selections: { pick: [t.users.harry.id, t.users.fiona.id], among: [t.users.carol.id] } });
      expect(route(picked.body.path)).toEqual(['pick:assigned:harry,fiona', 'among:assigned:carol']);

      const wrong = await tryDefinition(flow, { selections: { pick: [other.users.admin.id], among: [t.users.harry.id], head: [t.users.pete.id] } });
      expect(wrong.status).toBe(422);
      expect(problems(wrong.body.errors)).toEqual(['body.selections.head not_a_selection_step']);
      const notCandidate = await tryDefinition(flow, { selections: { pick: [other.users.admin.id], among: [t.users.harry.id] } });
      expect(problems(notCandidate.body.errors)).toEqual(['body.selections.pick[0] not_found']);
      const outside = await tryDefinition(flow, { selections: { pick: [t.users.alice.id], among: [t.users.harry.id] } });
      expect(problems(outside.body.errors)).toEqual(['body.selections.among[0] not_a_candidate']);
    });

    it('describes votes, delays and actions', async () => {
      const res = await tryDefinition(
        [
          approval('vote', { assignees: { type: 'departmentMembers', departmentId: t.departments.platform.id }, mode: 'vote', voteThreshold: 50 }),
          { kind: 'delay', id: 'cool_off', name: 'Cool off', duration: 'P1DT2H' } as Step,
          { kind: 'delay', id: 'until_start', name: 'Until start', untilField: 'start' } as Step,
          { kind: 'action', id: 'grant', name: 'Grant', action: 'grantRole', args: { roleCode: { const: 'finance' } } } as Step,
          { kind: 'action', id: 'hook', name: 'Hook', action: 'webhook', args: { url: 'https://hooks.example.com/approved' } } as Step,
        ],
        { form: { amount: 10, start: '2025-06-01' } },
        { settings: { initiatorIsApprover: 'approveSelf' } },
      );
      expect(res.status).toBe(200);
      // alice and pete work in Platform: alice's own vote is given, which is 50%.
      expect(route(res.body.path)).toEqual(['vote:autoApproved:alice(initiator),pete', 'cool_off:waits', 'until_start:waits', 'grant:runs', 'hook:runs']);
      expect(res.body.path.map((s: PathStep) => s.note)).toEqual([
        expect.stringContaining('passes with 50% approvals'),
        'waits 1d 2h',
        'waits until 2025-06-01 (form.start)',
        'grants the role "finance" to Alice Alvarez',
        'POST https://hooks.example.com/approved',
      ]);
    });
  });
});
