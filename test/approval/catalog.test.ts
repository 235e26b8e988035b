/** The catalogue: templates an employee may start, their forms, "who will approve this", and 403 for the rest. */
import { ApprovalInstance } from '../../db/entities';
import type { TemplateInput } from '../../workflows/approval/dsl';
import { tenantWithTokens, useSuite, type TenantWithTokens } from '../harness/harness';
import { baseTemplate, problems, TEMPLATES } from './helpers';

const suite = useSuite();
const CATALOG = '/api/v1/approval-catalog';

describe('approval catalogue', () => {
  let t: TenantWithTokens;
  const ids: Record<string, string> = {};

  /** Create and publish a template whose key starts with `cat-` (the presets do not). */
  async function publish(key: string, extra: Partial<TemplateInput> = {}): Promise<string> {
    const created = await suite.api.post(TEMPLATES, baseTemplate(`cat-${key}`, extra), t.tokens.admin);
    expect(created.status).toBe(201);
    const published = await suite.api.post(`${TEMPLATES}/${created.body.id}/publish`, undefined, t.tokens.admin);
    expect(published.status).toBe(201);
    return created.body.id;
  }
  const keys = async (token: string, extra = '') => {
    const res = await suite.api.get(`${CATALOG}?q=cat-&pageSize=100${extra}`, token);
    expect(res.status).toBe(200);
    return res.body.items.map((e: { key: string }) => e.key).sort();
  };

  beforeAll(async () => {
    t = await tenantWithTokens(suite.rt);
    ids.everyone = await publish('everyone');
    ids.engineering = await publish('engineering', { starters: { everyone: false, departments: [{ departmentId: t.departments.eng.id, includeSubtree: true }] } });
    ids.engOnly = await publish('eng-only', { starters: { everyone: false, departments: [{ departmentId: t.departments.eng.id, includeSubtree: false }] } });
    ids.finance = await publish('finance', { category: 'finance', starters: { everyone: false, roleCodes: ['finance'] } });
    ids.alice = await publish('alice', { starters: { everyone: false, userIds: [t.users.alice.id] } });
    ids.disabled = await publish('disabled');
    expect((await suite.api.post(`${TEMPLATES}/${ids.disabled}/disable`, undefined, t.tokens.admin)).status).toBe(200);
    const draft = await suite.api.post(TEMPLATES, baseTemplate('cat-draft'), t.tokens.admin);
    expect(draft.status).toBe(201);
  });

  it('shows each employee exactly the published, active templates they may start', async () => {
    // alice: Platform, below Engineering; named on cat-alice.
    expect(await keys(t.tokens.alice)).toEqual(['cat-alice', 'cat-engineering', 'cat-everyone']);
    // carol heads Engineering itself.
    expect(await keys(t.tokens.carol)).toEqual(['cat-eng-only', 'cat-engineering', 'cat-everyone']);
    // fiona holds the finance role.
    expect(await keys(t.tokens.fiona)).toEqual(['cat-everyone', 'cat-finance']);
    expect(await keys(t.tokens.harry)).toEqual(['cat-everyone']);
    // alice holds no template:read, yet the catalogue is hers to read.
    expect((await suite.api.get(TEMPLATES, t.tokens.alice)).status).toBe(403);
  });

  it('gives each entry its latest form, sorted by category, filtered and paginated', async () => {
    const all = await suite.api.get(`${CATALOG}?pageSize=100`, t.tokens.fiona);
    const categories = all.body.items.map((e: { category: string }) => e.category);
    expect(categories).toEqual([...categories].sort());
    const entry = all.body.items.find((e: { key: string }) => e.key === 'cat-finance');
    expect(entry).toMatchObject({ templateId: ids.finance, version: 1, category: 'finance' });
    expect(entry.formSchema.fields.map((f: { id: string }) => f.id)).toContain('amount');
    expect(await keys(t.tokens.fiona, '&category=finance')).toEqual(['cat-finance']);
    const p1 = await suite.api.get(`${CATALOG}?q=cat-&pageSize=1&page=1`, t.tokens.alice);
    const p2 = await suite.api.get(`${CATALOG}?q=cat-&pageSize=1&page=2`, t.tokens.alice);
    expect(p1.body.total).toBe(3);
    expect(p1.body.items[0].key).not.toBe(p2.body.items[0].key);
    expect((await suite.api.get(`${CATALOG}?pageSize=0`, t.tokens.alice)).status).toBe(422);
  });

  it('refuses a template the caller may not start: entry, preview and submit answer 403, nothing starts', async () => {
    const entry = await suite.api.get(`${CATALOG}/${ids.finance}`, t.tokens.alice);
    expect(entry.status).toBe(403);
    expect(entry.body.code).toBe('template_not_startable');
    expect((await suite.api.post(`${CATALOG}/${ids.finance}/preview`, { form: { amount: 10 } }, t.tokens.alice)).status).toBe(403);
    const before = await suite.rt.orm.em.fork().count(ApprovalInstance, { tenantId: t.tenantId });
    const start = await suite.api.post('/api/v1/approvals', { templateId: ids.finance, form: { amount: 10 } }, t.tokens.alice);
    expect(start.status).toBe(403);
    expect(start.body.code).toBe('template_not_startable');
    expect(await suite.rt.orm.em.fork().count(ApprovalInstance, { tenantId: t.tenantId })).toBe(before);
    // Disabled and unpublished templates are simply not in the catalogue.
    expect((await suite.api.get(`${CATALOG}/${ids.disabled}`, t.tokens.alice)).status).toBe(404);
  });

  it('previews who will approve, with the caller as initiator', async () => {
    const res = await suite.api.post(`${CATALOG}/${ids.engineering}/preview`, { form: { amount: 10 } }, t.tokens.alice);
    expect(res.status).toBe(200);
    const head = res.body.path.find((s: { stepId: string }) => s.stepId === 'head');
    expect(head.assignees.map((a: { userId: string }) => a.userId)).toEqual([t.users.pete.id]);
    const bad = await suite.api.post(`${CATALOG}/${ids.engineering}/preview`, { form: {} }, t.tokens.alice);
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toContain('body.form.amount');
  });

  it('checks starters at publish: somebody must be named, and every reference must exist in the tenant', async () => {
    const nobody = await suite.api.post(TEMPLATES, baseTemplate('cat-nobody', { starters: { everyone: false } }), t.tokens.admin);
    expect(nobody.status).toBe(201);
    const refused = await suite.api.post(`${TEMPLATES}/${nobody.body.id}/publish`, undefined, t.tokens.admin);
    expect(refused.status).toBe(422);
    expect(problems(refused.body.errors)).toContain('starters nobody_may_start');
    const other = await tenantWithTokens(suite.rt);
    const foreign = await suite.api.post(
      TEMPLATES,
      baseTemplate('cat-foreign', { starters: { everyone: false, departments: [{ departmentId: other.departments.eng.id }], roleCodes: ['no-such-role'], userIds: [other.users.alice.id] } }),
      t.tokens.admin,
    );
    const res = await suite.api.post(`${TEMPLATES}/${foreign.body.id}/publish`, undefined, t.tokens.admin);
    expect(res.status).toBe(422);
    expect(problems(res.body.errors)).toEqual(
      expect.arrayContaining(['starters.departments[0].departmentId unknown_department', 'starters.roleCodes[0] unknown_role', 'starters.userIds[0] unknown_user']),
    );
  });

  it('is tenant-scoped and needs a signed-in caller', async () => {
    const other = await tenantWithTokens(suite.rt);
    expect(await keys(other.tokens.alice)).toEqual([]);
    expect((await suite.api.get(`${CATALOG}/${ids.everyone}`, other.tokens.alice)).status).toBe(404);
    expect((await suite.api.post('/api/v1/approvals', { templateId: ids.everyone, form: { amount: 10 } }, other.tokens.alice)).status).toBe(404);
    expect((await suite.api.get(CATALOG)).status).toBe(401);
  });
});
