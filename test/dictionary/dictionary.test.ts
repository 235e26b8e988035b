/**
 * Dictionaries on the real API and worker: CRUD of tenant groups and items, platform defaults
 * visible and read-only, tenant extensions invisible to other tenants, permissions, and a
 * dictionary-backed select field from publish through catalogue to submit.
 */
import { createTenant, tokenFor, type TenantFixture } from '../harness/harness';
import { APPROVALS, approval, startRuntimeEnv, until, type RuntimeEnv } from '../approval-runtime/helpers';
import type { TemplateInput } from '../../workflows/approval/dsl';
import { ApprovalInstance } from '../../db/entities';

const DICTS = '/api/v1/dictionaries';
const TEMPLATES = '/api/v1/approval-templates';

describe('dictionaries', () => {
  let env: RuntimeEnv;
  let other: TenantFixture;
  let otherAdmin: string;
  let leaveTypeId: string;

  beforeAll(async () => {
    env = await startRuntimeEnv();
    other = await createTenant(env.rt);
    otherAdmin = await tokenFor(env.rt, other.users.admin);
    const list = await env.api.get(`${DICTS}?q=leave&pageSize=100`, env.tokens.admin);
    leaveTypeId = list.body.items.find((d: { code: string }) => d.code === 'leave-type').id;
  });
  afterAll(async () => {
    await env?.close();
  });

  const codes = (page: { items: { code: string }[] }) => page.items.map((x) => x.code);

  it('lists the platform defaults to every tenant, paginated, read-only', async () => {
    const page = await env.api.get(`${DICTS}?pageSize=100`, env.tokens.admin);
    expect(page.status).toBe(200);
    expect(codes(page.body)).toEqual(expect.arrayContaining(['currency', 'expense-category', 'leave-type']));
    expect(page.body.items.find((d: { code: string }) => d.code === 'currency')).toMatchObject({ platform: true });
    const p1 = await env.api.get(`${DICTS}?pageSize=1&page=1`, env.tokens.admin);
    const p2 = await env.api.get(`${DICTS}?pageSize=1&page=2`, env.tokens.admin);
    expect(p1.body.total).toBeGreaterThanOrEqual(3);
    expect(p1.body.items[0].id).not.toBe(p2.body.items[0].id);

    const items = await env.api.get(`${DICTS}/${leaveTypeId}/items`, env.tokens.admin);
    expect(codes(items.body)).toEqual(['annual', 'sick', 'personal', 'parental']);
    const renamed = await env.api.patch(`${DICTS}/${leaveTypeId}`, { name: 'Mine now' }, env.tokens.admin);
    expect([renamed.status, renamed.body.code]).toEqual([403, 'dictionary_platform_readonly']);
    const item = await env.api.patch(`${DICTS}/${leaveTypeId}/items/${items.body.items[0].id}`, { enabled: false }, env.tokens.admin);
    expect([item.status, item.body.code]).toEqual([403, 'dictionary_platform_readonly']);
    expect((await env.api.delete(`${DICTS}/${leaveTypeId}`, env.tokens.admin)).status).toBe(403);
  });

  it('creates, reads, changes and deletes a tenant dictionary and its items', async () => {
    const created = await env.api.post(DICTS, { code: 'project', name: 'Projects', description: 'Billable projects' }, env.tokens.admin);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ code: 'project', name: 'Projects', platform: false });
    const id = created.body.id;
    // 409 against its own codes and the platform's.
    expect((await env.api.post(DICTS, { code: 'project', name: 'Again' }, env.tokens.admin)).body.code).toBe('dictionary_code_taken');
    const shadow = await env.api.post(DICTS, { code: 'currency', name: 'My currencies' }, env.tokens.admin);
    expect([shadow.status, shadow.body.code]).toEqual([409, 'dictionary_code_taken']);
    const bad = await env.api.post(DICTS, { code: 'no spaces', name: '' }, env.tokens.admin);
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.code', 'body.name']);

    const a = await env.api.post(`${DICTS}/${id}/items`, { code: 'apollo', labels: { en: 'Apollo', 'zh-CN': '阿波罗' }, sortOrder: 2 }, env.tokens.admin);
    const g = await env.api.post(`${DICTS}/${id}/items`, { code: 'gemini', labels: { en: 'Gemini' }, sortOrder: 1 }, env.tokens.admin);
    expect([a.status, g.status]).toEqual([201, 201]);
    expect((await env.api.post(`${DICTS}/${id}/items`, { code: 'apollo', labels: { en: 'Twice' } }, env.tokens.admin)).status).toBe(409);
    expect((await env.api.post(`${DICTS}/${id}/items`, { code: 'x', labels: { fr: 'X' } }, env.tokens.admin)).status).toBe(422);
    expect(codes((await env.api.get(`${DICTS}/${id}/items`, env.tokens.admin)).body)).toEqual(['gemini', 'apollo']);

    const changed = await env.api.patch(`${DICTS}/${id}/items/${g.body.id}`, { enabled: false, labels: { en: 'Gemini (closed)' } }, env.tokens.admin);
    expect(changed.body).toMatchObject({ enabled: false, labels: { en: 'Gemini (closed)' } });
    expect(codes((await env.api.get(`${DICTS}/${id}/items?enabled=true`, env.tokens.admin)).body)).toEqual(['apollo']);
    expect((await env.api.patch(DICTS + `/${id}`, { description: null }, env.tokens.admin)).body.description).toBeNull();

    expect((await env.api.delete(`${DICTS}/${id}/items/${a.body.id}`, env.tokens.admin)).status).toBe(204);
    expect((await env.api.get(`${DICTS}/${id}/items/${a.body.id}`, env.tokens.admin)).status).toBe(404);
    expect((await env.api.delete(`${DICTS}/${id}`, env.tokens.admin)).status).toBe(204);
    expect((await env.api.get(`${DICTS}/${id}`, env.tokens.admin)).status).toBe(404);
    expect((await env.api.get(`${DICTS}/${id}/items/${g.body.id}`, env.tokens.admin)).status).toBe(404);
  });

  it("extends a platform dictionary for one tenant only; another tenant's ids answer 404", async () => {
    const mine = await env.api.post(`${DICTS}/${leaveTypeId}/items`, { code: 'sabbatical', labels: { en: 'Sabbatical' }, sortOrder: 100 }, env.tokens.admin);
    expect(mine.status).toBe(201);
    expect((await env.api.post(`${DICTS}/${leaveTypeId}/items`, { code: 'sick', labels: { en: 'Sick again' } }, env.tokens.admin)).body.code).toBe('dictionary_item_code_taken');
    expect(codes((await env.api.get(`${DICTS}/${leaveTypeId}/items`, env.tokens.admin)).body)).toContain('sabbatical');
    // The other tenant sees the platform items, not this tenant's, and may add the same code.
    expect(codes((await env.api.get(`${DICTS}/${leaveTypeId}/items`, otherAdmin)).body)).toEqual(['annual', 'sick', 'personal', 'parental']);
    expect((await env.api.get(`${DICTS}/${leaveTypeId}/items/${mine.body.id}`, otherAdmin)).status).toBe(404);
    expect((await env.api.patch(`${DICTS}/${leaveTypeId}/items/${mine.body.id}`, { enabled: false }, otherAdmin)).status).toBe(404);
    expect((await env.api.post(`${DICTS}/${leaveTypeId}/items`, { code: 'sabbatical', labels: { en: 'Theirs' } }, otherAdmin)).status).toBe(201);

    const own = await env.api.post(DICTS, { code: 'site', name: 'Sites' }, env.tokens.admin);
    expect((await env.api.get(`${DICTS}/${own.body.id}`, otherAdmin)).status).toBe(404);
    expect((await env.api.post(`${DICTS}/${own.body.id}/items`, { code: 'x', labels: { en: 'X' } }, otherAdmin)).status).toBe(404);
    expect(codes((await env.api.get(`${DICTS}?pageSize=100`, otherAdmin)).body)).not.toContain('site');
    // The code is free for the other tenant: codes are per tenant.
    expect((await env.api.post(DICTS, { code: 'site', name: 'Their sites' }, otherAdmin)).status).toBe(201);
  });

  it('lets only dictionary:write change dictionaries (an employee gets 403 on every write and on reading the admin lists)', async () => {
    const alice = env.tokens.alice;
    expect((await env.api.post(DICTS, { code: 'alice', name: 'Alice' }, alice)).status).toBe(403);
    expect((await env.api.post(`${DICTS}/${leaveTypeId}/items`, { code: 'alice', labels: { en: 'Alice' } }, alice)).status).toBe(403);
    expect((await env.api.patch(`${DICTS}/${leaveTypeId}`, { name: 'Alice' }, alice)).status).toBe(403);
    expect((await env.api.get(DICTS, alice)).status).toBe(403);
    // HR reads dictionaries but does not change them.
    expect((await env.api.get(DICTS, env.tokens.harry)).status).toBe(200);
    expect((await env.api.post(DICTS, { code: 'harry', name: 'Harry' }, env.tokens.harry)).status).toBe(403);
  });

  describe('a dictionary-backed select field', () => {
    let templateId: string;
    let templateKey: string;
    const template = (key: string, dictionary: string): TemplateInput => ({
      key,
      name: `Leave ${key}`,
      category: 'hr',
      formSchema: {
        fields: [
          { id: 'leaveType', label: 'Leave type', type: 'select', required: true, optionsFrom: { dictionary } },
          { id: 'currencies', label: 'Currencies', type: 'multiSelect', optionsFrom: { dictionary: 'currency' } },
        ],
      },
      flow: [approval('head', [env.id('pete')])],
    });

    beforeAll(async () => {
      templateKey = 'dict-leave';
      const created = await env.api.post(TEMPLATES, template(templateKey, 'leave-type'), env.tokens.admin);
      expect(created.status).toBe(201);
      templateId = created.body.id;
      expect((await env.api.post(`${TEMPLATES}/${templateId}/publish`, undefined, env.tokens.admin)).status).toBe(201);
    });

    it('refuses to publish a field naming an unknown dictionary, or giving options and optionsFrom', async () => {
      const created = await env.api.post(TEMPLATES, template('dict-unknown', 'no-such-list'), env.tokens.admin);
      expect(created.status).toBe(201);
      const published = await env.api.post(`${TEMPLATES}/${created.body.id}/publish`, undefined, env.tokens.admin);
      expect(published.status).toBe(422);
      expect(published.body.errors).toContainEqual(expect.objectContaining({ path: 'formSchema.fields[0].optionsFrom.dictionary', code: 'unknown_dictionary' }));
      // Another tenant's dictionary is unknown here too.
      const theirs = await env.api.post(DICTS, { code: 'theirs-only', name: 'Theirs' }, otherAdmin);
      expect(theirs.status).toBe(201);
      const foreign = await env.api.post(TEMPLATES, template('dict-foreign', 'theirs-only'), env.tokens.admin);
      expect((await env.api.post(`${TEMPLATES}/${foreign.body.id}/publish`, undefined, env.tokens.admin)).status).toBe(422);

      const both = template('dict-both', 'leave-type');
      both.formSchema!.fields![0] = { ...both.formSchema!.fields![0], options: [{ value: 'a', label: 'A' }] };
      const b = await env.api.post(TEMPLATES, both, env.tokens.admin);
      const bp = await env.api.post(`${TEMPLATES}/${b.body.id}/publish`, undefined, env.tokens.admin);
      expect(bp.status).toBe(422);
      expect(bp.body.errors).toContainEqual(expect.objectContaining({ path: 'formSchema.fields[0].options', code: 'options_and_options_from' }));
    });

    it('serves the catalogue entry with the enabled items as options, in the requested language', async () => {
      const entry = await env.api.get(`/api/v1/approval-catalog/${templateId}`, env.tokens.alice);
      expect(entry.status).toBe(200);
      const [leaveType, currencies] = entry.body.formSchema.fields;
      expect(leaveType.optionsFrom).toEqual({ dictionary: 'leave-type' });
      expect(leaveType.options.map((o: { value: string }) => o.value)).toEqual(['annual', 'sick', 'personal', 'parental', 'sabbatical']);
      expect(leaveType.options[0]).toEqual({ value: 'annual', label: 'Annual leave' });
      expect(currencies.options.map((o: { value: string }) => o.value)).toEqual(['EUR', 'USD', 'CNY', 'GBP']);
      const zh = await env.api.get(`/api/v1/approval-catalog/${templateId}?lang=zh-CN`, env.tokens.alice);
      const zhLeave = zh.body.formSchema.fields[0].options;
      expect(zhLeave[0]).toEqual({ value: 'annual', label: '年假' });
      // No Chinese label given: English.
      expect(zhLeave.at(-1)).toEqual({ value: 'sabbatical', label: 'Sabbatical' });
      const listed = await env.api.get('/api/v1/approval-catalog?q=dict-leave&lang=zh-CN', env.tokens.alice);
      expect(listed.body.items[0].formSchema.fields[0].options[0].label).toBe('年假');
      expect((await env.api.get(`/api/v1/approval-catalog/${templateId}?lang=fr`, env.tokens.alice)).status).toBe(422);
    });

    it('refuses a value not among the enabled items at the field (422), accepts a good one (202)', async () => {
      const before = await env.rt.orm.em.fork().count(ApprovalInstance, { tenantId: env.t.tenantId });
      const bad = await env.api.post(APPROVALS, { templateKey, form: { leaveType: 'holiday', currencies: ['EUR', 'XXX'] } }, env.tokens.alice);
      expect(bad.status).toBe(422);
      expect(bad.headers.get('content-type')).toContain('application/problem+json');
      expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.form.currencies[1]', 'body.form.leaveType']);
      // Another tenant's extension is not an option here.
      const mine = (await env.api.get(`${DICTS}/${leaveTypeId}/items?pageSize=100`, otherAdmin)).body.items.find((i: { code: string }) => i.code === 'sabbatical');
      expect(mine.platform).toBe(false);

      // Disabling an item takes it out of the form at once.
      const own = (await env.api.get(`${DICTS}/${leaveTypeId}/items?pageSize=100`, env.tokens.admin)).body.items.find((i: { code: string }) => i.code === 'sabbatical');
      expect((await env.api.patch(`${DICTS}/${leaveTypeId}/items/${own.id}`, { enabled: false }, env.tokens.admin)).status).toBe(200);
      const disabled = await env.api.post(APPROVALS, { templateKey, form: { leaveType: 'sabbatical' } }, env.tokens.alice);
      expect(disabled.status).toBe(422);
      expect(disabled.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.form.leaveType']);
      expect(await env.rt.orm.em.fork().count(ApprovalInstance, { tenantId: env.t.tenantId })).toBe(before);

      const good = await env.api.post(APPROVALS, { templateKey, form: { leaveType: 'sick', currencies: ['CNY'] } }, env.tokens.alice);
      expect(good.status).toBe(202);
      // The running request keeps the submitted codes and reaches its approver.
      const detail = await until(env, good.body.instanceId, (d) => d.currentSteps.length > 0);
      expect(detail.form).toEqual({ leaveType: 'sick', currencies: ['CNY'] });
      expect(detail.currentSteps[0].holders.map((h: { userId: string }) => h.userId)).toEqual([env.id('pete')]);
    });
  });
});
