/** Daily plans: the tenant's "today", replacing items, ticking off, history, statistics, isolation. */
import { addDays, calendarDateIn } from '../../activities/support/plans/service';
import { DailyPlan, DailyPlanItem } from '../../db/entities';
import { tenantWithTokens, useSuite, type TenantWithTokens } from '../harness/harness';

const suite = useSuite();
const P = '/api/v1/plans';

describe('daily plans', () => {
  let t: TenantWithTokens;
  let other: TenantWithTokens;

  beforeAll(async () => {
    t = await tenantWithTokens(suite.rt);
    other = await tenantWithTokens(suite.rt);
  });

  it('computes calendar dates in a time zone and moves them by days', () => {
    const at = new Date('2025-03-01T20:30:00Z');
    expect(calendarDateIn('UTC', at)).toBe('2025-03-01');
    expect(calendarDateIn('Asia/Shanghai', at)).toBe('2025-03-02');
    expect(calendarDateIn('America/Los_Angeles', at)).toBe('2025-03-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
  });

  it("resolves `today` in the tenant's time zone", async () => {
    // UTC+14 and UTC-11 are 25 hours apart: their calendar dates always differ.
    expect((await suite.api.patch('/api/v1/tenant', { timeZone: 'Pacific/Kiritimati' }, t.tokens.admin)).status).toBe(200);
    expect((await suite.api.patch('/api/v1/tenant', { timeZone: 'Pacific/Pago_Pago' }, other.tokens.admin)).status).toBe(200);
    const east = await suite.api.put(`${P}/today`, { items: [{ text: 'east' }] }, t.tokens.admin);
    const west = await suite.api.put(`${P}/today`, { items: [{ text: 'west' }] }, other.tokens.admin);
    expect(east.status).toBe(200);
    expect([calendarDateIn('Pacific/Kiritimati'), calendarDateIn('Pacific/Kiritimati', new Date(Date.now() - 60_000))]).toContain(east.body.date);
    expect([calendarDateIn('Pacific/Pago_Pago'), calendarDateIn('Pacific/Pago_Pago', new Date(Date.now() - 60_000))]).toContain(west.body.date);
    expect(east.body.date > west.body.date).toBe(true);
    expect((await suite.api.get(`${P}/today`, t.tokens.admin)).body.id).toBe(east.body.id);
    expect((await suite.api.get(`${P}/${east.body.date}`, t.tokens.admin)).body.items[0].text).toBe('east');
  });

  it('replaces items in order, keeping listed ones, linking own to-dos, and tracks completion', async () => {
    const todo = (await suite.api.post('/api/v1/todos', { title: 'linked' }, t.tokens.alice)).body;
    const day = '2025-05-05';
    expect((await suite.api.get(`${P}/${day}`, t.tokens.alice)).status).toBe(404);
    const first = await suite.api.put(`${P}/${day}`, { items: [{ text: 'a' }, { text: 'b', done: true }, { text: 'c', todoId: todo.id }] }, t.tokens.alice);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ date: day, itemCount: 3, doneCount: 1, completionRate: 0.333 });
    expect(first.body.items.map((i: { text: string; order: number }) => `${i.order}:${i.text}`)).toEqual(['0:a', '1:b', '2:c']);
    expect(first.body.items[2].todoId).toBe(todo.id);
    const [a, b, c] = first.body.items;

    // Reorder, keep b's done state, drop a, add d.
    const second = await suite.api.put(`${P}/${day}`, { items: [{ id: c.id, text: 'c2' }, { text: 'd' }, { id: b.id, text: 'b' }] }, t.tokens.alice);
    expect(second.body.items.map((i: { id: string; text: string; done: boolean }) => [i.text, i.done])).toEqual([['c2', false], ['d', false], ['b', true]]);
    expect(second.body.items[0]).toMatchObject({ id: c.id, todoId: null });
    expect(second.body.items[2]).toMatchObject({ id: b.id, doneAt: b.doneAt });
    expect(second.body).toMatchObject({ id: first.body.id, itemCount: 3, doneCount: 1 });
    expect(await suite.rt.orm.em.fork().count(DailyPlanItem, { id: a.id })).toBe(0);

    const ticked = await suite.api.post(`${P}/${day}/items/${c.id}/done`, undefined, t.tokens.alice);
    expect(ticked.status).toBe(200);
    expect(ticked.body).toMatchObject({ doneCount: 2, completionRate: 0.667 });
    const again = await suite.api.post(`${P}/${day}/items/${c.id}/done`, undefined, t.tokens.alice);
    expect(again.body.items[0].doneAt).toBe(ticked.body.items[0].doneAt);
    expect((await suite.api.post(`${P}/${day}/items/${a.id}/done`, undefined, t.tokens.alice)).status).toBe(404);
    expect((await suite.api.post(`${P}/2025-05-06/items/${c.id}/done`, undefined, t.tokens.alice)).status).toBe(404);
  });

  it('refuses bad dates, unknown items and foreign to-dos, writing nothing', async () => {
    expect((await suite.api.get(`${P}/2025-02-30`, t.tokens.alice)).status).toBe(422);
    expect((await suite.api.get(`${P}/yesterday`, t.tokens.alice)).status).toBe(422);
    const day = '2025-06-01';
    const plan = (await suite.api.put(`${P}/${day}`, { items: [{ text: 'keep' }] }, t.tokens.alice)).body;
    const carolsTodo = (await suite.api.post('/api/v1/todos', { title: 'carol' }, t.tokens.carol)).body;
    const foreign = await suite.api.put(`${P}/${day}`, { items: [{ text: 'x', todoId: carolsTodo.id }, { text: 'y' }] }, t.tokens.alice);
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors[0].path).toBe('body.items.0.todoId');
    const ghostItem = await suite.api.put(`${P}/${day}`, { items: [{ id: '00000000-0000-4000-8000-000000000000', text: 'x' }] }, t.tokens.alice);
    expect(ghostItem.status).toBe(404);
    expect(ghostItem.body.code).toBe('plan_item_not_found');
    const twice = await suite.api.put(`${P}/${day}`, { items: [{ id: plan.items[0].id, text: 'a' }, { id: plan.items[0].id, text: 'b' }] }, t.tokens.alice);
    expect(twice.status).toBe(422);
    expect((await suite.api.get(`${P}/${day}`, t.tokens.alice)).body.items.map((i: { text: string }) => i.text)).toEqual(['keep']);
  });

  it('lists history newest first within a range and computes statistics', async () => {
    const u = await tenantWithTokens(suite.rt);
    const put = (date: string, items: { text: string; done?: boolean }[]) => suite.api.put(`${P}/${date}`, { items }, u.tokens.pete);
    await put('2025-01-01', [{ text: 'a', done: true }, { text: 'b' }]);
    await put('2025-01-02', [{ text: 'a', done: true }, { text: 'b', done: true }]);
    await put('2025-01-03', []);
    await put('2025-01-05', [{ text: 'a' }, { text: 'b' }, { text: 'c' }, { text: 'd', done: true }]);
    await put('2025-02-01', [{ text: 'outside' }]);

    const hist = await suite.api.get(`${P}?from=2025-01-01&to=2025-01-31&pageSize=2`, u.tokens.pete);
    expect(hist.status).toBe(200);
    expect(hist.body.total).toBe(4);
    expect(hist.body.items.map((p: { date: string }) => p.date)).toEqual(['2025-01-05', '2025-01-03']);
    expect(hist.body.items[0].items).toHaveLength(4);
    const page2 = await suite.api.get(`${P}?from=2025-01-01&to=2025-01-31&pageSize=2&page=2`, u.tokens.pete);
    expect(page2.body.items.map((p: { date: string }) => p.date)).toEqual(['2025-01-02', '2025-01-01']);
    expect(page2.body.items[1].items.map((i: { text: string }) => i.text)).toEqual(['a', 'b']);

    const stats = await suite.api.get(`${P}/stats?from=2025-01-01&to=2025-01-31`, u.tokens.pete);
    expect(stats.status).toBe(200);
    expect(stats.body).toEqual({ from: '2025-01-01', to: '2025-01-31', daysPlanned: 3, items: 8, done: 4, completionRate: 0.5 });
    const defaults = await suite.api.get(`${P}/stats`, u.tokens.pete);
    expect(defaults.body.to).toBe(calendarDateIn('UTC'));
    expect(defaults.body.from).toBe(addDays(defaults.body.to, -29));
    expect((await suite.api.get(`${P}/stats?from=2025-01-10&to=2025-01-01`, u.tokens.pete)).status).toBe(422);
    expect((await suite.api.get(`${P}/stats?from=2023-01-01&to=2025-01-01`, u.tokens.pete)).status).toBe(422);
    // Only my own plans count.
    expect((await suite.api.get(`${P}/stats?from=2025-01-01&to=2025-01-31`, u.tokens.alice)).body).toMatchObject({ daysPlanned: 0, items: 0 });
  });

  it("never reads or changes another user's plan, in the tenant or outside it", async () => {
    const day = '2025-07-07';
    const plan = (await suite.api.put(`${P}/${day}`, { items: [{ text: 'mine' }] }, t.tokens.alice)).body;
    const itemId = plan.items[0].id;
    for (const token of [t.tokens.carol, other.tokens.admin]) {
      expect((await suite.api.get(`${P}/${day}`, token)).status).toBe(404);
      expect((await suite.api.post(`${P}/${day}/items/${itemId}/done`, undefined, token)).status).toBe(404);
      expect((await suite.api.put(`${P}/${day}`, { items: [{ id: itemId, text: 'hijacked' }] }, token)).status).toBe(404);
      const hist = await suite.api.get(`${P}?from=${day}&to=${day}`, token);
      expect(hist.body.total).toBe(0);
    }
    const items = await suite.rt.orm.em.fork().find(DailyPlanItem, { planId: plan.id });
    expect(items.map((i) => [i.text, i.done])).toEqual([['mine', false]]);
    expect(await suite.rt.orm.em.fork().count(DailyPlan, { tenantId: other.tenantId, date: day })).toBe(0);
  });
});
