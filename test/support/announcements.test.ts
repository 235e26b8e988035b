/** Announcements: drafting and publishing, audiences, pinning, expiry, read receipts, isolation. */
import { Announcement, AnnouncementRead, AnnouncementTarget } from '../../db/entities';
import { ids } from './helpers';
import { tenantWithTokens, useSuite, type DemoUser, type TenantWithTokens } from '../harness/harness';

const suite = useSuite();
const N = '/api/v1/announcements';
const inFuture = (ms: number) => new Date(Date.now() + ms).toISOString();

describe('announcements', () => {
  let t: TenantWithTokens;
  let other: TenantWithTokens;

  beforeAll(async () => {
    t = await tenantWithTokens(suite.rt);
    other = await tenantWithTokens(suite.rt);
  });

  const draft = async (body: Record<string, unknown>, token = t.tokens.harry) => {
    const res = await suite.api.post(N, { title: 'Note', body: 'Text', ...body }, token);
    expect([res.status, res.body.code]).toEqual([201, undefined]);
    return res.body;
  };
  const publish = async (id: string) => {
    const res = await suite.api.post(`${N}/${id}/publish`, undefined, t.tokens.harry);
    expect(res.status).toBe(200);
    return res.body;
  };
  /** Who of the demo users has the announcement in their feed. */
  const seenBy = async (id: string) => {
    const who: string[] = [];
    for (const name of Object.keys(t.users) as DemoUser[]) {
      const feed = await suite.api.get(`${N}?pageSize=100`, t.tokens[name]);
      const direct = await suite.api.get(`${N}/${id}`, t.tokens[name]);
      expect(ids(feed.body).includes(id)).toBe(direct.status === 200);
      if (direct.status === 200) who.push(name);
    }
    return who.sort();
  };

  it('drafts are invisible until published; publishing twice is a conflict; writing needs announcement:publish', async () => {
    expect((await suite.api.post(N, { title: 'x', body: 'y' }, t.tokens.alice)).status).toBe(403);
    expect((await suite.api.get(`${N}/manage`, t.tokens.alice)).status).toBe(403);
    const a = await draft({ title: 'Welcome', body: 'Hello all' });
    expect(a).toMatchObject({ status: 'draft', audience: { all: true, departments: [], roleCodes: [] }, pinned: false, publishedAt: null, createdBy: t.users.harry.id });
    expect(await seenBy(a.id)).toEqual([]);
    expect((await suite.api.post(`${N}/${a.id}/publish`, undefined, t.tokens.alice)).status).toBe(403);
    const published = await publish(a.id);
    expect(published).toMatchObject({ status: 'published', publishedBy: t.users.harry.id });
    expect(await seenBy(a.id)).toEqual(['admin', 'alice', 'carol', 'fiona', 'harry', 'pete']);
    const again = await suite.api.post(`${N}/${a.id}/publish`, undefined, t.tokens.harry);
    expect([again.status, again.body.code]).toEqual([409, 'announcement_already_published']);
    const manage = await suite.api.get(`${N}/manage?status=published`, t.tokens.admin);
    expect(ids(manage.body)).toContain(a.id);
    expect(ids((await suite.api.get(`${N}/manage?status=draft`, t.tokens.admin)).body)).not.toContain(a.id);
  });

  it('addresses departments (with or without their subtree) and roles', async () => {
    const tree = await draft({ audience: { departments: [{ id: t.departments.eng.id, includeSubtree: true }] } });
    const flat = await draft({ audience: { departments: [{ id: t.departments.eng.id }] } });
    const roles = await draft({ audience: { roleCodes: ['hr'], departments: [{ id: t.departments.finance.id }] } });
    for (const a of [tree, flat, roles]) await publish(a.id);
    expect(await seenBy(tree.id)).toEqual(['alice', 'carol', 'pete']);
    expect(await seenBy(flat.id)).toEqual(['carol']);
    expect(await seenBy(roles.id)).toEqual(['fiona', 'harry']);
    expect(roles.audience).toEqual({ all: false, departments: [{ id: t.departments.finance.id, includeSubtree: false }], roleCodes: ['hr'] });
  });

  it('refuses unknown or foreign departments and roles, an empty or double audience, and a past expiry', async () => {
    const before = await suite.rt.orm.em.fork().count(Announcement, { tenantId: t.tenantId });
    const res = await suite.api.post(
      N,
      { title: 'x', body: 'y', audience: { departments: [{ id: t.departments.hr.id }, { id: other.departments.hr.id }], roleCodes: ['ghost'] } },
      t.tokens.harry,
    );
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.audience.departments.1.id', 'body.audience.roleCodes.0']);
    expect((await suite.api.post(N, { title: 'x', body: 'y', audience: {} }, t.tokens.harry)).status).toBe(422);
    expect((await suite.api.post(N, { title: 'x', body: 'y', audience: { all: true, roleCodes: ['hr'] } }, t.tokens.harry)).status).toBe(422);
    const past = await suite.api.post(N, { title: 'x', body: 'y', expiresAt: '2001-01-01T00:00:00Z' }, t.tokens.harry);
    expect([past.status, past.body.code]).toEqual([422, 'expires_in_past']);
    expect(await suite.rt.orm.em.fork().count(Announcement, { tenantId: t.tenantId })).toBe(before);
  });

  it('lists pinned first, then newest; hides expired ones; lets the audience change only while a draft', async () => {
    const u = await tenantWithTokens(suite.rt);
    const make = async (title: string, extra: Record<string, unknown> = {}) => {
      const a = (await suite.api.post(N, { title, body: 'b', ...extra }, u.tokens.admin)).body;
      await suite.api.post(`${N}/${a.id}/publish`, undefined, u.tokens.admin);
      await new Promise((r) => setTimeout(r, 10));
      return a;
    };
    const old = await make('old');
    const pinned = await make('pinned', { pinned: true });
    const fresh = await make('fresh');
    const expiring = await make('expiring', { expiresAt: inFuture(60_000) });
    const feed = async () => (await suite.api.get(`${N}?pageSize=100`, u.tokens.alice)).body.items.map((i: { title: string }) => i.title);
    expect(await feed()).toEqual(['pinned', 'expiring', 'fresh', 'old']);

    const unpin = await suite.api.patch(`${N}/${pinned.id}`, { pinned: false, title: 'was pinned' }, u.tokens.admin);
    expect(unpin.status).toBe(200);
    await suite.api.patch(`${N}/${old.id}`, { pinned: true }, u.tokens.admin);
    // A past expiry takes it down now.
    expect((await suite.api.patch(`${N}/${expiring.id}`, { expiresAt: '2001-01-01T00:00:00Z' }, u.tokens.admin)).status).toBe(200);
    expect(await feed()).toEqual(['old', 'fresh', 'was pinned']);
    expect((await suite.api.get(`${N}/${expiring.id}`, u.tokens.alice)).status).toBe(404);
    expect((await suite.api.post(`${N}/${expiring.id}/read`, undefined, u.tokens.alice)).status).toBe(404);

    const narrow = await suite.api.patch(`${N}/${fresh.id}`, { audience: { roleCodes: ['hr'] } }, u.tokens.admin);
    expect([narrow.status, narrow.body.code]).toEqual([409, 'announcement_published']);
    const d = (await suite.api.post(N, { title: 'draft', body: 'b' }, u.tokens.admin)).body;
    const changed = await suite.api.patch(`${N}/${d.id}`, { audience: { roleCodes: ['hr'] } }, u.tokens.admin);
    expect(changed.body.audience).toEqual({ all: false, departments: [], roleCodes: ['hr'] });
    expect(await suite.rt.orm.em.fork().count(AnnouncementTarget, { announcementId: d.id })).toBe(1);
  });

  it('keeps read receipts: once per reader, counted against the current audience', async () => {
    const a = await draft({ title: 'Engineering news', audience: { departments: [{ id: t.departments.eng.id, includeSubtree: true }] } });
    await publish(a.id);
    const unreadFeed = async (name: DemoUser) => ids((await suite.api.get(`${N}?unread=true&pageSize=100`, t.tokens[name])).body);
    expect(await unreadFeed('alice')).toContain(a.id);

    const read = await suite.api.post(`${N}/${a.id}/read`, undefined, t.tokens.alice);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: a.id, read: true });
    const twice = await suite.api.post(`${N}/${a.id}/read`, undefined, t.tokens.alice);
    expect(twice.body.readAt).toBe(read.body.readAt);
    expect(await unreadFeed('alice')).not.toContain(a.id);
    expect(ids((await suite.api.get(`${N}?unread=false&pageSize=100`, t.tokens.alice)).body)).toContain(a.id);
    await suite.api.post(`${N}/${a.id}/read`, undefined, t.tokens.pete);
    // Not in the audience: no receipt possible.
    expect((await suite.api.post(`${N}/${a.id}/read`, undefined, t.tokens.fiona)).status).toBe(404);

    const receipts = await suite.api.get(`${N}/${a.id}/receipts?pageSize=1`, t.tokens.harry);
    expect(receipts.status).toBe(200);
    expect(receipts.body).toMatchObject({ audience: 3, read: 2, unread: 1 });
    expect(receipts.body.readers).toMatchObject({ total: 2, page: 1, pageSize: 1 });
    expect(receipts.body.readers.items[0]).toMatchObject({ userId: t.users.alice.id, displayName: t.users.alice.displayName, readAt: read.body.readAt });
    expect((await suite.api.get(`${N}/${a.id}/receipts`, t.tokens.alice)).status).toBe(403);

    expect((await suite.api.delete(`${N}/${a.id}`, t.tokens.harry)).status).toBe(204);
    expect((await suite.api.get(`${N}/${a.id}`, t.tokens.alice)).status).toBe(404);
    expect(await suite.rt.orm.em.fork().count(AnnouncementRead, { announcementId: a.id })).toBe(0);
    expect(await suite.rt.orm.em.fork().count(AnnouncementTarget, { announcementId: a.id })).toBe(0);
  });

  it("keeps tenants apart: another tenant's admin gets 404 on every id and sees none of them", async () => {
    const a = await draft({ title: 'Tenant A only' });
    await publish(a.id);
    const d = await draft({ title: 'A draft' });
    const B = other.tokens.admin;
    for (const id of [a.id, d.id]) {
      expect((await suite.api.get(`${N}/${id}`, B)).status).toBe(404);
      expect((await suite.api.patch(`${N}/${id}`, { title: 'Hijacked', pinned: true }, B)).status).toBe(404);
      expect((await suite.api.post(`${N}/${id}/publish`, undefined, B)).status).toBe(404);
      expect((await suite.api.post(`${N}/${id}/read`, undefined, B)).status).toBe(404);
      expect((await suite.api.get(`${N}/${id}/receipts`, B)).status).toBe(404);
      expect((await suite.api.delete(`${N}/${id}`, B)).status).toBe(404);
    }
    expect(ids((await suite.api.get(`${N}?pageSize=100`, B)).body)).not.toContain(a.id);
    const manage = (await suite.api.get(`${N}/manage?pageSize=100`, B)).body;
    expect(ids(manage).filter((id) => id === a.id || id === d.id)).toEqual([]);
    const rows = await suite.rt.orm.em.fork().find(Announcement, { id: { $in: [a.id, d.id] } }, { orderBy: { title: 'asc' } });
    expect(rows.map((r) => [r.title, r.status, r.pinned])).toEqual([
      ['A draft', 'draft', false],
      ['Tenant A only', 'published', false],
    ]);
  });
});
