/**
 * Template managers (issue 9 §2 B) on the real services: a manager without any template or
 * oversight permission edits and publishes their template, oversees only its requests, and
 * cannot reach other templates, name managers or widen their rights; other tenants see nothing.
 */
import { randomUUID } from 'node:crypto';
import { createTenant, tokenFor } from '../harness/harness';
import { APPROVALS, approval, publish, startRuntimeEnv, submit, until, type RuntimeEnv, type Who } from './helpers';

const TEMPLATES = '/api/v1/approval-templates';
const OVERSIGHT = `${APPROVALS}/oversight`;

describe('approval template managers', () => {
  let env: RuntimeEnv;
  let mine: { id: string; key: string };
  let other: { id: string; key: string };
  let mineRequest: string;
  let otherRequest: string;

  const call = (who: Who, method: string, path: string, body?: unknown) => env.api.request(method, path, { token: env.tokens[who], body });
  const idOf = async (key: string) => (await call('admin', 'GET', `${TEMPLATES}?q=${key}`)).body.items.find((t: any) => t.key === key).id as string;
  const draftOf = async (id: string) => (await call('admin', 'GET', `${TEMPLATES}/${id}`)).body.draft;

  beforeAll(async () => {
    env = await startRuntimeEnv();
    const mineKey = await publish(env, [approval('a', [env.id('carol')])]);
    const otherKey = await publish(env, [approval('a', [env.id('carol')])]);
    mine = { key: mineKey, id: await idOf(mineKey) };
    other = { key: otherKey, id: await idOf(otherKey) };
    const named = await call('admin', 'PUT', `${TEMPLATES}/${mine.id}/managers`, { userIds: [env.id('alice')] });
    expect(named.status).toBe(200);
    expect(named.body.managers).toEqual([{ userId: env.id('alice'), displayName: expect.any(String) }]);
    // Requests of both templates from someone else than the manager, so only management shows them.
    mineRequest = await submit(env, mine.key, { amount: 1 }, 'pete');
    otherRequest = await submit(env, other.key, { amount: 2 }, 'pete');
    await until(env, mineRequest, (d) => d.currentSteps.length === 1, 'pete');
    await until(env, otherRequest, (d) => d.currentSteps.length === 1, 'pete');
  });
  afterAll(() => env?.close());

  it('lets a manager without template permissions read, edit, validate and publish their template', async () => {
    expect((await call('alice', 'GET', `${TEMPLATES}/${mine.id}`)).status).toBe(200);
    const draft = { ...(await draftOf(mine.id)), name: 'Edited by its manager' };
    const saved = await call('alice', 'PUT', `${TEMPLATES}/${mine.id}`, draft);
    expect(saved.status).toBe(200);
    expect(saved.body.updatedBy).toBe(env.id('alice'));
    expect((await call('alice', 'POST', `${TEMPLATES}/${mine.id}/validate`)).body.valid).toBe(true);
    const published = await call('alice', 'POST', `${TEMPLATES}/${mine.id}/publish`);
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({ version: 2, name: 'Edited by its manager', publishedBy: env.id('alice') });
    expect((await call('alice', 'GET', `${TEMPLATES}/${mine.id}/versions`)).body.items.map((v: any) => v.version)).toEqual([2, 1]);
    expect((await call('alice', 'GET', `${TEMPLATES}/${mine.id}/managers`)).status).toBe(200);
    // The list shows a manager their templates only.
    const list = await call('alice', 'GET', `${TEMPLATES}?pageSize=100`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((t: any) => t.id)).toEqual([mine.id]);
  });

  it('answers 403 on any other template, and to people who manage nothing', async () => {
    const draft = await draftOf(other.id);
    const answers = [
      await call('alice', 'GET', `${TEMPLATES}/${other.id}`),
      await call('alice', 'PUT', `${TEMPLATES}/${other.id}`, { ...draft, name: 'Hijacked' }),
      await call('alice', 'POST', `${TEMPLATES}/${other.id}/validate`),
      await call('alice', 'POST', `${TEMPLATES}/${other.id}/publish`),
      await call('alice', 'GET', `${TEMPLATES}/${other.id}/versions`),
      await call('alice', 'GET', `${TEMPLATES}/${other.id}/versions/1`),
      await call('alice', 'GET', `${TEMPLATES}/${other.id}/managers`),
      await call('alice', 'POST', `${TEMPLATES}/${other.id}/dry-run`, { form: { amount: 1 }, initiatorUserId: env.id('pete') }),
      await call('fiona', 'GET', `${TEMPLATES}?pageSize=100`),
      await call('fiona', 'GET', `${TEMPLATES}/${mine.id}`),
    ];
    expect(answers.map((r) => `${r.status} ${r.body.code}`)).toEqual(Array(answers.length).fill('403 permission_denied'));
    expect((await draftOf(other.id)).name).not.toBe('Hijacked');
  });

  it("shows a manager only their templates' requests in oversight, the CSV and the detail", async () => {
    const page = await call('alice', 'GET', `${OVERSIGHT}?limit=100`);
    expect(page.status).toBe(200);
    expect(page.body.items.map((i: any) => i.instanceId)).toEqual([mineRequest]);
    expect((await call('alice', 'GET', `${OVERSIGHT}?templateKey=${other.key}`)).body.items).toEqual([]);
    const csv = await call('alice', 'GET', `${OVERSIGHT}/export.csv`);
    expect(csv.status).toBe(200);
    const rows = String(csv.body).trim().split('\r\n').slice(1);
    expect(rows.map((r) => r.split(',')[0])).toEqual([mineRequest]);
    expect((await call('alice', 'GET', `${APPROVALS}/${mineRequest}`)).status).toBe(200);
    expect((await call('alice', 'GET', `${APPROVALS}/${otherRequest}`)).status).toBe(404);
    // No view-all and nothing managed: refused as before.
    expect((await call('harry', 'GET', OVERSIGHT)).status).toBe(403);
    // An admin still sees both.
    const all = (await call('admin', 'GET', `${OVERSIGHT}?limit=100`)).body.items.map((i: any) => i.instanceId);
    expect(all).toEqual(expect.arrayContaining([mineRequest, otherRequest]));
  });

  it('attack: a manager cannot name managers (of another template or their own) or widen their rights', async () => {
    const tries = [
      await call('alice', 'PUT', `${TEMPLATES}/${other.id}/managers`, { userIds: [env.id('alice')] }),
      await call('alice', 'PUT', `${TEMPLATES}/${mine.id}/managers`, { userIds: [env.id('alice'), env.id('fiona')] }),
      await call('alice', 'DELETE', `${TEMPLATES}/${mine.id}`),
      await call('alice', 'POST', `${TEMPLATES}/${mine.id}/disable`),
      await call('alice', 'POST', TEMPLATES, { ...(await draftOf(mine.id)), key: `copy-${randomUUID().slice(0, 8)}` }),
    ];
    expect(tries.map((r) => `${r.status} ${r.body?.code}`)).toEqual(Array(tries.length).fill('403 permission_denied'));
    expect((await call('admin', 'GET', `${TEMPLATES}/${other.id}/managers`)).body.managers).toEqual([]);
    expect((await call('admin', 'GET', `${TEMPLATES}/${mine.id}/managers`)).body.managers.map((m: any) => m.userId)).toEqual([env.id('alice')]);

    // Publishing a step that gives a role is giving the role: a manager without role:assign may not.
    const grant = { kind: 'action', id: 'grant', name: 'Make me admin', action: 'grantRole', args: { roleCode: { const: 'tenant_admin' } } };
    const draft = await draftOf(mine.id);
    expect((await call('alice', 'PUT', `${TEMPLATES}/${mine.id}`, { ...draft, flow: [...draft.flow, grant] })).status).toBe(200);
    const refused = await call('alice', 'POST', `${TEMPLATES}/${mine.id}/publish`);
    expect(refused.status).toBe(403);
    expect((await call('admin', 'GET', `${TEMPLATES}/${mine.id}/versions`)).body.items.map((v: any) => v.version)).toEqual([2, 1]);
    // Restore the draft for the other tests' sake.
    expect((await call('alice', 'PUT', `${TEMPLATES}/${mine.id}`, draft)).status).toBe(200);
  });

  it('accepts only active users of the tenant as managers (422 at the field, nothing changed)', async () => {
    const stranger = await createTenant(env.rt);
    const bad = await call('admin', 'PUT', `${TEMPLATES}/${mine.id}/managers`, { userIds: [env.id('fiona'), randomUUID(), stranger.users.alice.id] });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: any) => `${e.path} ${e.code}`)).toEqual(['body.userIds.1 not_found', 'body.userIds.2 not_found']);
    expect((await call('admin', 'GET', `${TEMPLATES}/${mine.id}/managers`)).body.managers.map((m: any) => m.userId)).toEqual([env.id('alice')]);

    // Disabled people are not active: they cannot be named.
    expect((await call('admin', 'POST', `/api/v1/users/${env.id('harry')}/disable`)).status).toBeLessThan(300);
    const disabled = await call('admin', 'PUT', `${TEMPLATES}/${mine.id}/managers`, { userIds: [env.id('harry')] });
    expect(disabled.status).toBe(422);
    expect(disabled.body.errors.map((e: any) => e.path)).toEqual(['body.userIds.0']);
  });

  it("keeps tenants apart: another tenant's admin cannot see or set this template's managers", async () => {
    const b = await createTenant(env.rt);
    const bAdmin = await tokenFor(env.rt, b.users.admin);
    const get = await env.api.request('GET', `${TEMPLATES}/${mine.id}/managers`, { token: bAdmin });
    const put = await env.api.request('PUT', `${TEMPLATES}/${mine.id}/managers`, { token: bAdmin, body: { userIds: [b.users.alice.id] } });
    expect([get.status, put.status]).toEqual([404, 404]);
    // B's people never see A's requests through B's own templates' management.
    const bTemplate = await env.api.request('POST', TEMPLATES, { token: bAdmin, body: { key: `b-${randomUUID().slice(0, 8)}`, name: 'B template', category: 'general', flow: [approval('a', [b.users.carol.id])] } });
    expect(bTemplate.status).toBe(201);
    expect((await env.api.request('PUT', `${TEMPLATES}/${bTemplate.body.id}/managers`, { token: bAdmin, body: { userIds: [b.users.alice.id] } })).status).toBe(200);
    const bAlice = await tokenFor(env.rt, b.users.alice);
    const seen = await env.api.request('GET', `${OVERSIGHT}?limit=100`, { token: bAlice });
    expect(seen.status).toBe(200);
    expect(seen.body.items).toEqual([]);
    expect((await env.api.request('GET', `${APPROVALS}/${mineRequest}`, { token: bAlice })).status).toBe(404);
  });
});
