/**
 * Tenant isolation of the template API, as a matrix over its routes: tenant B's administrator
 * (every permission) calls every route that takes an id with tenant A's template: 404, and
 * nothing of tenant A changes. Listings of B show nothing of A, and A's people cannot be used
 * in B's templates or dry-runs.
 */
import { approvalTemplatesModule } from '../../api/approval/templates.router';
import { ApprovalTemplate, ApprovalTemplateManager, ApprovalTemplateVersion } from '../../db/entities';
import { inContext, startApiEnv, tenantWithTokens, type TenantWithTokens, type ApiEnv } from '../harness/harness';
import { TEMPLATES, baseTemplate, problems } from './helpers';

describe('approval templates: tenant isolation', () => {
  let env: ApiEnv;
  let a: TenantWithTokens;
  let b: TenantWithTokens;
  let aTemplate: string;
  let aDraftOnly: string;
  let bTemplate: string;

  /** Every route with an id, and the call tenant B makes with tenant A's ids. */
  const matrix = (): Record<string, { path: string; body?: unknown }> => ({
    'GET /:id': { path: `${TEMPLATES}/${aTemplate}` },
    'PUT /:id': { path: `${TEMPLATES}/${aTemplate}`, body: baseTemplate('hijacked') },
    'DELETE /:id': { path: `${TEMPLATES}/${aDraftOnly}` },
    'POST /:id/validate': { path: `${TEMPLATES}/${aTemplate}/validate` },
    'POST /:id/publish': { path: `${TEMPLATES}/${aDraftOnly}/publish` },
    'GET /:id/versions': { path: `${TEMPLATES}/${aTemplate}/versions` },
    'GET /:id/versions/:version': { path: `${TEMPLATES}/${aTemplate}/versions/1` },
    'POST /:id/disable': { path: `${TEMPLATES}/${aTemplate}/disable` },
    'POST /:id/enable': { path: `${TEMPLATES}/${aTemplate}/enable` },
    'GET /:id/managers': { path: `${TEMPLATES}/${aTemplate}/managers` },
    'PUT /:id/managers': { path: `${TEMPLATES}/${aTemplate}/managers`, body: { userIds: [b.users.alice.id] } },
    'POST /:id/dry-run': { path: `${TEMPLATES}/${aTemplate}/dry-run`, body: { form: { amount: 1 }, initiatorUserId: b.users.alice.id } },
  });

  const snapshotOfA = () =>
    inContext(env.rt, async () => {
      const em = env.rt.orm.em;
      const rows = await Promise.all([ApprovalTemplate, ApprovalTemplateVersion, ApprovalTemplateManager].map((e) => em.find(e as never, { tenantId: a.tenantId } as never, { orderBy: { id: 'asc' } as never })));
      return JSON.stringify(rows);
    });

  beforeAll(async () => {
    env = await startApiEnv();
    a = await tenantWithTokens(env.rt);
    b = await tenantWithTokens(env.rt);
    aTemplate = (await env.api.post(TEMPLATES, baseTemplate('shared-key'), a.tokens.admin)).body.id;
    expect((await env.api.post(`${TEMPLATES}/${aTemplate}/publish`, undefined, a.tokens.admin)).status).toBe(201);
    aDraftOnly = (await env.api.post(TEMPLATES, baseTemplate('a-draft'), a.tokens.admin)).body.id;
    // The same key in another tenant is fine: keys are unique per tenant.
    const own = await env.api.post(TEMPLATES, baseTemplate('shared-key'), b.tokens.admin);
    expect(own.status).toBe(201);
    bTemplate = own.body.id;
  });
  afterAll(() => env.close());

  it('covers every route of the module that takes an id', () => {
    const withIds = approvalTemplatesModule.routes.filter((r) => r.path.includes('/:')).map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(withIds.sort()).toEqual(Object.keys(matrix()).sort());
  });

  it("answers 404 to every id of another tenant and changes nothing of A's templates", async () => {
    const before = await snapshotOfA();
    const answers: string[] = [];
    for (const [key, call] of Object.entries(matrix())) {
      const res = await env.api.request(key.split(' ')[0], call.path, { token: b.tokens.admin, body: call.body });
      answers.push(`${key} ${res.status} ${res.body?.code}`);
    }
    expect(answers).toEqual(Object.keys(matrix()).map((key) => `${key} 404 template_not_found`));
    expect(await snapshotOfA()).toEqual(before);
  });

  it("never lists another tenant's templates", async () => {
    const list = await env.api.get(`${TEMPLATES}?pageSize=100`, b.tokens.admin);
    expect(list.status).toBe(200);
    const text = JSON.stringify(list.body);
    expect(text).not.toContain(aTemplate);
    expect(text).not.toContain(aDraftOnly);
    expect(list.body.items.filter((i: { key: string }) => i.key === 'shared-key').map((i: { id: string }) => i.id)).toEqual([bTemplate]);
    // Each tenant has its own presets.
    const presetIds = async (t: TenantWithTokens) =>
      (await env.api.get(`${TEMPLATES}?q=leave`, t.tokens.admin)).body.items.map((i: { id: string }) => i.id);
    const [aLeave, bLeave] = [await presetIds(a), await presetIds(b)];
    expect(aLeave).toHaveLength(1);
    expect(bLeave).toHaveLength(1);
    expect(aLeave[0]).not.toBe(bLeave[0]);
  });

  it("does not let B's templates or dry-runs name A's people, roles or departments", async () => {
    const draft = baseTemplate('shared-key', {
      flow: [
        { kind: 'approval', id: 'a_people', name: 'A people', assignees: { type: 'users', userIds: [a.users.pete.id] } },
        { kind: 'cc', id: 'a_dept', name: 'A dept', recipients: { type: 'departmentMembers', departmentId: a.departments.platform.id } },
      ],
    });
    expect((await env.api.put(`${TEMPLATES}/${bTemplate}`, draft, b.tokens.admin)).status).toBe(200);
    const publish = await env.api.post(`${TEMPLATES}/${bTemplate}/publish`, undefined, b.tokens.admin);
    expect(publish.status).toBe(422);
    expect(problems(publish.body.errors)).toEqual(['flow[0].assignees.userIds[0] unknown_user', 'flow[1].recipients.departmentId unknown_department']);

    const leave = (await env.api.get(`${TEMPLATES}?q=leave`, b.tokens.admin)).body.items[0].id;
    const dry = await env.api.post(
      `${TEMPLATES}/${leave}/dry-run`,
      { form: { leaveType: 'annual', period: { start: '2025-03-03', end: '2025-03-04' }, days: 2 }, initiatorUserId: a.users.alice.id },
      b.tokens.admin,
    );
    expect(dry.status).toBe(422);
    expect(problems(dry.body.errors)).toEqual(['body.initiatorUserId not_found']);
  });
});
