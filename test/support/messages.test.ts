/** In-app messages: sending to users/departments/roles, the inbox, read state, deletion, isolation. */
import { InAppMessage } from '../../db/entities';
import { ids } from './helpers';
import { tenantWithTokens, useSuite, type TenantWithTokens } from '../harness/harness';

const suite = useSuite();
const M = '/api/v1/messages';

describe('in-app messages', () => {
  let t: TenantWithTokens;
  let other: TenantWithTokens;
  const count = (tenantId: string) => suite.rt.orm.em.fork().count(InAppMessage, { tenantId });
  const send = (recipients: Record<string, unknown>, token = t.tokens.admin, extra: Record<string, unknown> = {}) =>
    suite.api.post(M, { title: 'Hello', body: 'Some news', recipients, ...extra }, token);

  beforeAll(async () => {
    t = await tenantWithTokens(suite.rt);
    other = await tenantWithTokens(suite.rt);
  });

  describe('sending', () => {
    it('expands departments (with or without subtree), roles and users server-side, once per person', async () => {
      const u = t.users;
      const tree = await send({ departmentIds: [t.departments.eng.id], includeSubtree: true });
      expect(tree.status).toBe(201);
      expect(tree.body.recipientIds.sort()).toEqual([u.carol.id, u.pete.id, u.alice.id].sort());
      expect(tree.body.sent).toBe(3);

      const flat = await send({ departmentIds: [t.departments.eng.id] });
      expect(flat.body.recipientIds).toEqual([u.carol.id]);

      const mixed = await send({ userIds: [u.alice.id, u.alice.id], roleCodes: ['manager', 'hr'], departmentIds: [t.departments.platform.id] });
      expect(mixed.status).toBe(201);
      expect(mixed.body.recipientIds.sort()).toEqual([u.alice.id, u.carol.id, u.pete.id, u.fiona.id, u.harry.id].sort());

      const row = await suite.rt.orm.em.fork().findOneOrFail(InAppMessage, { tenantId: t.tenantId, userId: u.harry.id, senderId: u.admin.id });
      expect(row).toMatchObject({ title: 'Hello', body: 'Some news', category: 'notice', readAt: null });
    });

    it('needs message:send (managers have it, employees do not)', async () => {
      expect((await send({ userIds: [t.users.carol.id] }, t.tokens.alice)).status).toBe(403);
      expect((await send({ userIds: [t.users.alice.id] }, t.tokens.pete)).status).toBe(201);
    });

    it('refuses unknown or foreign users, departments and roles with their paths, writing nothing', async () => {
      const before = await count(t.tenantId);
      const res = await send({
        userIds: [t.users.alice.id, other.users.alice.id],
        departmentIds: [other.departments.eng.id],
        roleCodes: ['manager', 'no_such_role'],
      });
      expect(res.status).toBe(422);
      expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
        'body.recipients.departmentIds.0',
        'body.recipients.roleCodes.1',
        'body.recipients.userIds.1',
      ]);
      expect(await count(t.tenantId)).toBe(before);
      expect(await count(other.tenantId)).toBe(0);
    });

    it('rejects an empty audience and malformed input', async () => {
      const dept = await suite.api.post('/api/v1/departments', { name: 'Empty team' }, t.tokens.admin);
      const empty = await send({ departmentIds: [dept.body.id] });
      expect(empty.status).toBe(422);
      expect(empty.body.code).toBe('no_recipients');
      const none = await send({});
      expect(none.status).toBe(422);
      const badCategory = await send({ userIds: [t.users.alice.id] }, t.tokens.admin, { category: 'Not Valid!' });
      expect(badCategory.status).toBe(422);
      expect(badCategory.body.errors[0].path).toBe('body.category');
    });
  });

  describe('the inbox', () => {
    let fresh: TenantWithTokens;
    let sent: string[];
    beforeAll(async () => {
      fresh = await tenantWithTokens(suite.rt);
      sent = [];
      for (const [i, category] of ['notice', 'alert', 'notice', 'alert', 'notice'].entries()) {
        await suite.api.post(M, { title: `m${i}`, body: 'b', category, recipients: { userIds: [fresh.users.alice.id] } }, fresh.tokens.admin);
        const row = await suite.rt.orm.em.fork().findOneOrFail(InAppMessage, { tenantId: fresh.tenantId, userId: fresh.users.alice.id, title: `m${i}` });
        sent.push(row.id);
        await new Promise((r) => setTimeout(r, 5)); // distinct creation times
      }
    });

    it('lists my messages newest first, paginated, filtered by category and unread', async () => {
      const all = await suite.api.get(`${M}?pageSize=2`, fresh.tokens.alice);
      expect(all.status).toBe(200);
      expect(all.body).toMatchObject({ page: 1, pageSize: 2, total: 5 });
      expect(ids(all.body)).toEqual([sent[4], sent[3]]);
      const page3 = await suite.api.get(`${M}?pageSize=2&page=3`, fresh.tokens.alice);
      expect(ids(page3.body)).toEqual([sent[0]]);
      const alerts = await suite.api.get(`${M}?category=alert`, fresh.tokens.alice);
      expect(ids(alerts.body)).toEqual([sent[3], sent[1]]);
      expect((await suite.api.get(M, fresh.tokens.carol)).body.total).toBe(0);
    });

    it('marks read and unread, one by one and in bulk, and counts unread', async () => {
      const unread = async () => (await suite.api.get(`${M}/unread-count`, fresh.tokens.alice)).body.unread;
      expect(await unread()).toBe(5);
      const read = await suite.api.post(`${M}/${sent[0]}/read`, undefined, fresh.tokens.alice);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ id: sent[0], read: true });
      const again = await suite.api.post(`${M}/${sent[0]}/read`, undefined, fresh.tokens.alice);
      expect(again.body.readAt).toBe(read.body.readAt); // the first read time stays
      expect(await unread()).toBe(4);
      expect(ids((await suite.api.get(`${M}?unread=false`, fresh.tokens.alice)).body)).toEqual([sent[0]]);
      expect((await suite.api.get(`${M}?unread=true`, fresh.tokens.alice)).body.total).toBe(4);

      expect((await suite.api.post(`${M}/${sent[0]}/unread`, undefined, fresh.tokens.alice)).body).toMatchObject({ read: false, readAt: null });
      expect(await unread()).toBe(5);

      const bulk = await suite.api.post(`${M}/read`, { ids: [sent[1], sent[2], t.users.alice.id] }, fresh.tokens.alice);
      expect(bulk.body).toEqual({ updated: 2 });
      expect(await unread()).toBe(3);
      expect((await suite.api.post(`${M}/read`, { all: true, category: 'alert' }, fresh.tokens.alice)).body).toEqual({ updated: 1 });
      expect((await suite.api.post(`${M}/read`, { all: true }, fresh.tokens.alice)).body).toEqual({ updated: 2 });
      expect(await unread()).toBe(0);
      expect((await suite.api.post(`${M}/read`, { ids: [] }, fresh.tokens.alice)).status).toBe(422);
      expect((await suite.api.post(`${M}/read`, { all: false }, fresh.tokens.alice)).status).toBe(422);
    });

    it('deletes softly: gone from the inbox and 404 afterwards, row kept', async () => {
      expect((await suite.api.delete(`${M}/${sent[4]}`, fresh.tokens.alice)).status).toBe(204);
      expect((await suite.api.get(`${M}/${sent[4]}`, fresh.tokens.alice)).status).toBe(404);
      expect((await suite.api.delete(`${M}/${sent[4]}`, fresh.tokens.alice)).status).toBe(404);
      expect(ids((await suite.api.get(M, fresh.tokens.alice)).body)).not.toContain(sent[4]);
      const row = await suite.rt.orm.em.fork().findOneOrFail(InAppMessage, { id: sent[4] });
      expect(row.deletedAt).not.toBeNull();
    });

    it("never shows anyone else's message, in the tenant or outside it (404, nothing changes)", async () => {
      const target = sent[3];
      for (const token of [fresh.tokens.carol, fresh.tokens.admin, other.tokens.admin]) {
        expect((await suite.api.get(`${M}/${target}`, token)).status).toBe(404);
        expect((await suite.api.post(`${M}/${target}/read`, undefined, token)).status).toBe(404);
        expect((await suite.api.post(`${M}/${target}/unread`, undefined, token)).status).toBe(404);
        expect((await suite.api.delete(`${M}/${target}`, token)).status).toBe(404);
        expect((await suite.api.post(`${M}/read`, { ids: [target] }, token)).body).toEqual({ updated: 0 });
      }
      const row = await suite.rt.orm.em.fork().findOneOrFail(InAppMessage, { id: target });
      expect(row.deletedAt).toBeNull();
      expect(row.readAt).not.toBeNull(); // read by alice before, untouched since
      const list = await suite.api.get(`${M}?pageSize=100`, other.tokens.admin);
      expect(list.body.items.filter((m: { id: string }) => sent.includes(m.id))).toEqual([]);
    });
  });
});
