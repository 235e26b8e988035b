/** Template lifecycle through the API: drafts, publishing immutable versions, enable/disable, delete, permissions. */
import { ApprovalTemplateVersion } from '../../db/entities';
import { systemActor } from '../../common/actor';
import { inContext, startApiEnv, tenantWithTokens, type TenantWithTokens, type ApiEnv } from '../harness/harness';
import { TEMPLATES, baseTemplate } from './helpers';

describe('approval templates API', () => {
  let env: ApiEnv;
  let t: TenantWithTokens;
  const api = () => env.api;
  beforeAll(async () => {
    env = await startApiEnv();
    t = await tenantWithTokens(env.rt);
  });
  afterAll(() => env.close());

  const create = async (key: string, extra = {}) => {
    const res = await api().post(TEMPLATES, baseTemplate(key, extra), t.tokens.admin);
    expect(res.status).toBe(201);
    return res.body;
  };

  describe('drafts', () => {
    it('creates a template whose draft has every default filled', async () => {
      const res = await api().post(TEMPLATES, { key: 'minimal', name: 'Minimal', category: 'general' }, t.tokens.admin);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        key: 'minimal',
        name: 'Minimal',
        category: 'general',
        description: '',
        status: 'active',
        latestVersion: 0,
        hasUnpublishedChanges: true,
        createdBy: t.users.admin.id,
        updatedBy: null,
        draft: { key: 'minimal', formSchema: { fields: [] }, flow: [], settings: { initiatorIsApprover: 'keep' }, hooks: { onApproved: [], onRejected: [] } },
      });
      const got = await api().get(`${TEMPLATES}/${res.body.id}`, t.tokens.admin);
      expect(got.body).toEqual(res.body);
    });

    it('refuses a key already used in the tenant (presets included) with 409', async () => {
      await create('dup');
      for (const key of ['dup', 'leave']) {
        const res = await api().post(TEMPLATES, baseTemplate(key), t.tokens.admin);
        expect(res.status).toBe(409);
        expect(res.body.code).toBe('template_key_taken');
      }
    });

    it('replaces the draft, and may rename the key only before the first publish', async () => {
      const tpl = await create('renamable');
      const renamed = await api().put(`${TEMPLATES}/${tpl.id}`, baseTemplate('renamed', { name: 'Renamed', category: 'it' }), t.tokens.admin);
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ key: 'renamed', name: 'Renamed', category: 'it', updatedBy: t.users.admin.id, draft: { key: 'renamed' } });
      const clash = await api().put(`${TEMPLATES}/${tpl.id}`, baseTemplate('leave'), t.tokens.admin);
      expect(clash.status).toBe(409);
      expect(clash.body.code).toBe('template_key_taken');
      expect((await api().post(`${TEMPLATES}/${tpl.id}/publish`, undefined, t.tokens.admin)).status).toBe(201);
      const locked = await api().put(`${TEMPLATES}/${tpl.id}`, baseTemplate('renamed-again'), t.tokens.admin);
      expect(locked.status).toBe(409);
      expect(locked.body.code).toBe('template_key_immutable');
      expect((await api().get(`${TEMPLATES}/${tpl.id}`, t.tokens.admin)).body.key).toBe('renamed');
    });

    it('lists templates paginated, filtered by q, category and status', async () => {
      await create('list-alpha', { name: 'Alpha 100% sure', category: 'finance' });
      await create('list-beta', { name: 'Beta', category: 'finance' });
      const gamma = await create('list-gamma', { name: 'Gamma', category: 'hr' });
      await api().post(`${TEMPLATES}/${gamma.id}/disable`, undefined, t.tokens.admin);

      const all = await api().get(`${TEMPLATES}?q=list-&pageSize=2`, t.tokens.admin);
      expect(all.status).toBe(200);
      expect(all.body).toMatchObject({ page: 1, pageSize: 2, total: 3 });
      expect(all.body.items.map((i: { key: string }) => i.key)).toEqual(['list-alpha', 'list-beta']);
      expect(all.body.items[0]).not.toHaveProperty('draft');
      const page2 = await api().get(`${TEMPLATES}?q=list-&pageSize=2&page=2`, t.tokens.admin);
      expect(page2.body.items.map((i: { key: string }) => i.key)).toEqual(['list-gamma']);

      const keys = async (query: string) => (await api().get(`${TEMPLATES}?${query}`, t.tokens.admin)).body.items.map((i: { key: string }) => i.key);
      expect(await keys('q=list-&category=finance')).toEqual(['list-alpha', 'list-beta']);
      expect(await keys('q=list-&status=disabled')).toEqual(['list-gamma']);
      expect(await keys('q=GAMMA')).toEqual(['list-gamma']);
      // Wildcards typed by a user match themselves.
      expect(await keys('q=100%25')).toEqual(['list-alpha']);
      expect(await keys('q=_')).toEqual([]);
      // The presets are there, published.
      const presets = await api().get(`${TEMPLATES}?pageSize=100`, t.tokens.admin);
      expect(presets.body.items.filter((i: { latestVersion: number; key: string }) => ['leave', 'expense', 'access-request', 'it-equipment'].includes(i.key) && i.latestVersion === 1)).toHaveLength(4);

      const bad = await api().get(`${TEMPLATES}?category=travel&pageSize=1000`, t.tokens.admin);
      expect(bad.status).toBe(422);
      expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['query.category', 'query.pageSize']);
    });

    it('deletes a never-published template, but not a published one', async () => {
      const draft = await create('deletable');
      expect((await api().delete(`${TEMPLATES}/${draft.id}`, t.tokens.admin)).status).toBe(204);
      const gone = await api().get(`${TEMPLATES}/${draft.id}`, t.tokens.admin);
      expect(gone.status).toBe(404);
      expect(gone.body.code).toBe('template_not_found');

      const published = await create('kept');
      await api().post(`${TEMPLATES}/${published.id}/publish`, undefined, t.tokens.admin);
      const refused = await api().delete(`${TEMPLATES}/${published.id}`, t.tokens.admin);
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('template_published');
    });
  });

  describe('publishing', () => {
    it('publishes immutable versions: editing the draft afterwards never changes v1', async () => {
      const tpl = await create('versioned', { name: 'First name' });
      const v1 = await api().post(`${TEMPLATES}/${tpl.id}/publish`, undefined, t.tokens.admin);
      expect(v1.status).toBe(201);
      expect(v1.body).toMatchObject({ templateId: tpl.id, version: 1, name: 'First name', publishedBy: t.users.admin.id, definition: { name: 'First name' } });
      expect((await api().get(`${TEMPLATES}/${tpl.id}`, t.tokens.admin)).body).toMatchObject({ latestVersion: 1, hasUnpublishedChanges: false });

      const again = await api().post(`${TEMPLATES}/${tpl.id}/publish`, undefined, t.tokens.admin);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('template_unchanged');

      const changed = baseTemplate('versioned', {
        name: 'Second name',
        flow: [
          { kind: 'approval', id: 'head', name: 'Department head', assignees: { type: 'departmentHead' } },
          { kind: 'approval', id: 'hr', name: 'HR', assignees: { type: 'role', roleCodes: ['hr'] } },
        ],
      });
      const edited = await api().put(`${TEMPLATES}/${tpl.id}`, changed, t.tokens.admin);
      expect(edited.body).toMatchObject({ hasUnpublishedChanges: true, latestVersion: 1 });

      // Saving the published content back is not a change.
      const undone = await api().put(`${TEMPLATES}/${tpl.id}`, baseTemplate('versioned', { name: 'First name' }), t.tokens.admin);
      expect(undone.body).toMatchObject({ hasUnpublishedChanges: false, latestVersion: 1 });
      expect((await api().put(`${TEMPLATES}/${tpl.id}`, changed, t.tokens.admin)).body.hasUnpublishedChanges).toBe(true);

      const stillV1 = await api().get(`${TEMPLATES}/${tpl.id}/versions/1`, t.tokens.admin);
      expect(stillV1.status).toBe(200);
      expect(stillV1.body.definition).toEqual(v1.body.definition);
      expect(stillV1.body.definition.flow).toHaveLength(1);

      const v2 = await api().post(`${TEMPLATES}/${tpl.id}/publish`, undefined, t.tokens.admin);
      expect(v2.body).toMatchObject({ version: 2, name: 'Second name' });
      expect(v2.body.definition.flow.map((s: { id: string }) => s.id)).toEqual(['head', 'hr']);
      expect((await api().get(`${TEMPLATES}/${tpl.id}/versions/1`, t.tokens.admin)).body.definition).toEqual(v1.body.definition);

      const versions = await api().get(`${TEMPLATES}/${tpl.id}/versions?pageSize=1`, t.tokens.admin);
      expect(versions.body).toMatchObject({ total: 2, items: [{ version: 2, name: 'Second name' }] });
      expect(versions.body.items[0]).not.toHaveProperty('definition');
      const older = await api().get(`${TEMPLATES}/${tpl.id}/versions?pageSize=1&page=2`, t.tokens.admin);
      expect(older.body.items).toMatchObject([{ version: 1, name: 'First name' }]);

      const missing = await api().get(`${TEMPLATES}/${tpl.id}/versions/3`, t.tokens.admin);
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('template_version_not_found');
    });

    it('refuses to change a stored version even through the ORM', async () => {
      const tpl = await create('frozen');
      await api().post(`${TEMPLATES}/${tpl.id}/publish`, undefined, t.tokens.admin);
      const em = env.rt.orm.em.fork();
      const row = await em.findOneOrFail(ApprovalTemplateVersion, { templateId: tpl.id, version: 1 });
      row.name = 'tampered';
      await expect(em.flush()).rejects.toThrow('immutable');
      const fresh = await env.rt.orm.em.fork().findOneOrFail(ApprovalTemplateVersion, { templateId: tpl.id, version: 1 });
      expect(fresh.name).toBe('Template frozen');
    });

    it('publishes once when two publishes race', async () => {
      const tpl = await create('racy');
      const results = await Promise.all([1, 2, 3].map(() => api().post(`${TEMPLATES}/${tpl.id}/publish`, undefined, t.tokens.admin)));
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
      expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'template_unchanged')).toBe(true);
      expect((await api().get(`${TEMPLATES}/${tpl.id}/versions`, t.tokens.admin)).body.total).toBe(1);
    });
  });

  describe('enable and disable', () => {
    it('disabled templates start nothing new; enabling makes the latest version startable again', async () => {
      const tpl = await create('switchable');
      const startable = () => inContext(env.rt, () => env.rt.services.templates.startable(systemActor(t.tenantId), tpl.id));
      await expect(startable()).rejects.toMatchObject({ status: 409, code: 'template_not_published' });
      await api().post(`${TEMPLATES}/${tpl.id}/publish`, undefined, t.tokens.admin);
      expect(await startable()).toMatchObject({ templateId: tpl.id, key: 'switchable', version: 1, definition: { key: 'switchable' } });

      const disabled = await api().post(`${TEMPLATES}/${tpl.id}/disable`, undefined, t.tokens.admin);
      expect(disabled.status).toBe(200);
      expect(disabled.body).toMatchObject({ status: 'disabled', latestVersion: 1 });
      expect((await api().post(`${TEMPLATES}/${tpl.id}/disable`, undefined, t.tokens.admin)).body.status).toBe('disabled');
      await expect(startable()).rejects.toMatchObject({ status: 409, code: 'template_disabled' });
      // Published versions stay readable for the instances running them.
      expect((await api().get(`${TEMPLATES}/${tpl.id}/versions/1`, t.tokens.admin)).status).toBe(200);

      expect((await api().post(`${TEMPLATES}/${tpl.id}/enable`, undefined, t.tokens.admin)).body.status).toBe('active');
      expect((await startable()).version).toBe(1);
    });
  });

  it('documents the routes in OpenAPI, the recursive DSL included', async () => {
    const doc = (await api().get('/openapi.json')).body;
    const ops = doc.paths['/api/v1/approval-templates/{id}/publish'];
    expect(ops.post['x-permission']).toBe('template:publish');
    // Managers of a template may publish it too: the service checks, the document says so.
    expect(ops.post['x-permission-alternative']).toBe('a manager of the template');
    expect(doc.paths['/api/v1/approval-templates'].post.requestBody).toBeDefined();
    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) if (k === '$ref') refs.push(v as string); else walk(v);
    };
    walk(doc.paths['/api/v1/approval-templates']);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(doc.components.schemas[ref.split('/').pop()!]).toBeDefined();
  });

  describe('permissions', () => {
    it('needs template:read / write / publish', async () => {
      const tpl = await create('guarded');
      for (const token of [t.tokens.alice, t.tokens.harry]) {
        const res = await api().get(TEMPLATES, token);
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('permission_denied');
      }
      expect((await api().get(TEMPLATES)).status).toBe(401);

      // An editor role: may read and write, not publish or switch templates on and off.
      const role = await api().post('/api/v1/roles', { code: 'template_editor', name: 'Template editor', dataScope: 'self', permissions: ['template:read', 'template:write'] }, t.tokens.admin);
      expect(role.status).toBe(201);
      expect((await api().post(`/api/v1/roles/${role.body.id}/users`, { userIds: [t.users.carol.id] }, t.tokens.admin)).status).toBeLessThan(300);
      const carol = t.tokens.carol;
      expect((await api().get(`${TEMPLATES}/${tpl.id}`, carol)).status).toBe(200);
      expect((await api().put(`${TEMPLATES}/${tpl.id}`, baseTemplate('guarded', { name: 'Edited by carol' }), carol)).status).toBe(200);
      expect((await api().post(`${TEMPLATES}/${tpl.id}/validate`, undefined, carol)).body).toEqual({ valid: true, errors: [] });
      for (const action of ['publish', 'disable', 'enable']) {
        const res = await api().post(`${TEMPLATES}/${tpl.id}/${action}`, undefined, carol);
        expect(res.status).toBe(403);
        expect(res.body.detail).toContain('template:publish');
      }
    });
  });
});
