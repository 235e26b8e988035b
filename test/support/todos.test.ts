/** Personal to-dos: validation, filters, search, sorting, completion, the reminder seam, isolation. */
import type { TodoEvent } from '../../activities/support/todos/events';
import { Todo } from '../../db/entities';
import { ids } from './helpers';
import { tenantWithTokens, useSuite, type TenantWithTokens } from '../harness/harness';

const suite = useSuite();
const T = '/api/v1/todos';
const hours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

describe('to-dos', () => {
  let t: TenantWithTokens;
  let other: TenantWithTokens;
  const events: string[] = [];
  let unsubscribe: () => void;

  beforeAll(async () => {
    t = await tenantWithTokens(suite.rt);
    other = await tenantWithTokens(suite.rt);
    unsubscribe = suite.rt.services.todos.events.subscribe((e: TodoEvent) => {
      events.push(`${e.type}:${e.todo.title}${e.type === 'retimed' ? `:${e.previousDueAt ? 'moved' : 'set'}` : ''}`);
    });
  });
  afterAll(() => unsubscribe());

  const create = (body: Record<string, unknown>, token = t.tokens.alice) => suite.api.post(T, body, token);

  it('creates a to-do with defaults, deduplicated tags and attachments', async () => {
    // A stored file of alice's (to-dos take only the owner's own uploads; see test/files).
    const form = new FormData();
    form.append('files', new Blob(['numbers']), 'sheet.txt');
    const upload = await fetch(`${suite.api.baseUrl}/api/v1/files`, { method: 'POST', headers: { authorization: `Bearer ${t.tokens.alice}` }, body: form });
    expect(upload.status).toBe(201);
    const fileId = ((await upload.json()) as { items: { id: string }[] }).items[0].id;
    const res = await create({
      title: '  Write report ',
      notes: 'Q3 numbers',
      priority: 'high',
      dueAt: '2030-01-02T09:00:00+01:00',
      tags: ['Work', 'work', 'q3'],
      attachments: [{ name: 'draft', url: 'https://example.test/d' }, { name: 'sheet', fileId }],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      title: 'Write report',
      notes: 'Q3 numbers',
      priority: 'high',
      status: 'open',
      dueAt: '2030-01-02T08:00:00.000Z',
      overdue: false,
      tags: ['Work', 'q3'],
      attachments: [{ name: 'draft', url: 'https://example.test/d' }, { name: 'sheet', fileId }],
      completedAt: null,
    });
    const minimal = await create({ title: 'Minimal' });
    expect(minimal.body).toMatchObject({ priority: 'normal', dueAt: null, tags: [], attachments: [], notes: null });
    expect(events).toEqual(expect.arrayContaining(['created:Write report', 'created:Minimal']));
  });

  it('rejects bad input with field paths', async () => {
    const res = await create({
      title: '',
      priority: 'asap',
      dueAt: '2030-01-02 09:00',
      tags: ['a|b'],
      attachments: [{ name: 'x', url: 'https://a.test', fileId: 'f' }, { name: 'y', url: 'javascript:alert(1)' }],
    });
    expect(res.status).toBe(422);
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(['body.title', 'body.priority', 'body.dueAt', 'body.tags.0', 'body.attachments.0', 'body.attachments.1.url']),
    );
    expect((await create({ title: 'x', owner: 'someone' })).status).toBe(422);
  });

  describe('listing', () => {
    let u: TenantWithTokens;
    const made: Record<string, string> = {};
    beforeAll(async () => {
      u = await tenantWithTokens(suite.rt);
      const specs: [string, Record<string, unknown>][] = [
        ['late-urgent', { priority: 'urgent', dueAt: hours(-5), tags: ['ops'] }],
        ['late-low', { priority: 'low', dueAt: hours(-1), notes: 'call the Bank' }],
        ['soon', { priority: 'normal', dueAt: hours(3), tags: ['ops', 'Home'] }],
        ['later', { priority: 'high', dueAt: hours(48) }],
        ['undated', { priority: 'high', tags: ['home'] }],
        ['done-late', { priority: 'normal', dueAt: hours(-10) }],
      ];
      for (const [title, spec] of specs) {
        made[title] = (await create({ title, ...spec }, u.tokens.carol)).body.id;
        await new Promise((r) => setTimeout(r, 5));
      }
      await suite.api.post(`${T}/${made['done-late']}/complete`, undefined, u.tokens.carol);
    });
    const titles = async (query: string) => {
      const res = await suite.api.get(`${T}?pageSize=100&${query}`, u.tokens.carol);
      expect(res.status).toBe(200);
      return res.body.items.map((i: { title: string }) => i.title);
    };

    it('filters by status, priority, tag, due range and overdue', async () => {
      expect(await titles('status=done')).toEqual(['done-late']);
      expect((await titles('status=open')).sort()).toEqual(['late-low', 'late-urgent', 'later', 'soon', 'undated']);
      expect(await titles('priority=high&sort=createdAt&order=asc')).toEqual(['later', 'undated']);
      expect((await titles('tag=HOME')).sort()).toEqual(['soon', 'undated']);
      expect((await titles('tag=ops')).sort()).toEqual(['late-urgent', 'soon']);
      expect((await titles('overdue=true')).sort()).toEqual(['late-low', 'late-urgent']);
      expect((await titles('overdue=false')).sort()).toEqual(['done-late', 'later', 'soon', 'undated']);
      // The query boolean of every listing: 1/0 as well as true/false, anything else refused.
      expect((await titles('overdue=0')).sort()).toEqual(['done-late', 'later', 'soon', 'undated']);
      expect((await titles('overdue=1')).sort()).toEqual(['late-low', 'late-urgent']);
      const vague = await suite.api.get(`${T}?overdue=yes`, u.tokens.carol);
      expect(vague.status).toBe(422);
      expect(vague.body.errors.map((e: { path: string }) => e.path)).toEqual(['query.overdue']);
      expect((await titles(`dueBefore=${encodeURIComponent(hours(0))}&status=open`)).sort()).toEqual(['late-low', 'late-urgent']);
      expect((await titles(`dueAfter=${encodeURIComponent(hours(1))}`)).sort()).toEqual(['later', 'soon']);
      const item = (await suite.api.get(`${T}/${made['late-low']}`, u.tokens.carol)).body;
      expect(item.overdue).toBe(true);
    });

    it('searches title and notes, with LIKE wildcards taken literally', async () => {
      expect(await titles('q=bank')).toEqual(['late-low']);
      expect(await titles('q=LATE&sort=createdAt&order=asc')).toEqual(['late-urgent', 'late-low', 'later', 'done-late']);
      expect(await titles('q=%25')).toEqual([]);
    });

    it('matches a tag literally: LIKE wildcards and the escape character in a tag are plain characters', async () => {
      const tagged: Record<string, string> = {};
      for (const tag of ['a_b', 'axb', '50%', '500', 'x!y']) tagged[tag] = (await create({ title: `tag ${tag}`, tags: [tag] }, u.tokens.pete)).body.id;
      const byTag = async (tag: string) => {
        const res = await suite.api.get(`${T}?pageSize=100&tag=${encodeURIComponent(tag)}`, u.tokens.pete);
        expect(res.status).toBe(200);
        return ids(res.body);
      };
      expect(await byTag('a_b')).toEqual([tagged['a_b']]);
      expect(await byTag('50%')).toEqual([tagged['50%']]);
      expect(await byTag('x!y')).toEqual([tagged['x!y']]);
      expect(await byTag('A_B')).toEqual([tagged['a_b']]);
    });

    it('sorts by due date (undated last either way), priority and creation, and paginates', async () => {
      expect(await titles('sort=dueAt&order=asc')).toEqual(['done-late', 'late-urgent', 'late-low', 'soon', 'later', 'undated']);
      expect(await titles('sort=dueAt&order=desc')).toEqual(['later', 'soon', 'late-low', 'late-urgent', 'done-late', 'undated']);
      expect(await titles('sort=priority&order=desc')).toEqual(['late-urgent', 'later', 'undated', 'done-late', 'soon', 'late-low']);
      expect(await titles('sort=createdAt&order=desc')).toEqual(['done-late', 'undated', 'later', 'soon', 'late-low', 'late-urgent']);
      const page = await suite.api.get(`${T}?sort=createdAt&order=asc&pageSize=4&page=2`, u.tokens.carol);
      expect(page.body).toMatchObject({ total: 6, page: 2, pageSize: 4 });
      expect(ids(page.body)).toEqual([made['undated'], made['done-late']]);
      expect((await suite.api.get(`${T}?sort=title`, u.tokens.carol)).status).toBe(422);
    });
  });

  it('updates, completes, reopens and deletes, announcing what reminders need', async () => {
    const { body: todo } = await create({ title: 'Lifecycle', dueAt: hours(24) });
    events.length = 0;
    const patched = await suite.api.patch(`${T}/${todo.id}`, { title: 'Lifecycle 2', priority: 'urgent', tags: ['x'], notes: null }, t.tokens.alice);
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ title: 'Lifecycle 2', priority: 'urgent', tags: ['x'], notes: null, dueAt: todo.dueAt });
    expect(events).toEqual([]); // nothing that moves a reminder

    await suite.api.patch(`${T}/${todo.id}`, { dueAt: hours(30) }, t.tokens.alice);
    const done = await suite.api.post(`${T}/${todo.id}/complete`, undefined, t.tokens.alice);
    expect(done.body).toMatchObject({ status: 'done', overdue: false });
    expect(done.body.completedAt).not.toBeNull();
    expect((await suite.api.post(`${T}/${todo.id}/complete`, undefined, t.tokens.alice)).body.completedAt).toBe(done.body.completedAt);
    const reopened = await suite.api.post(`${T}/${todo.id}/reopen`, undefined, t.tokens.alice);
    expect(reopened.body).toMatchObject({ status: 'open', completedAt: null });
    expect((await suite.api.patch(`${T}/${todo.id}`, {}, t.tokens.alice)).status).toBe(422);
    expect((await suite.api.delete(`${T}/${todo.id}`, t.tokens.alice)).status).toBe(204);
    expect((await suite.api.get(`${T}/${todo.id}`, t.tokens.alice)).status).toBe(404);
    expect(events).toEqual(['retimed:Lifecycle 2:moved', 'completed:Lifecycle 2', 'reopened:Lifecycle 2', 'deleted:Lifecycle 2']);
  });

  it('keeps the user\'s change when a listener fails', async () => {
    const off = suite.rt.services.todos.events.subscribe(() => {
      throw new Error('reminder service down');
    });
    try {
      const res = await create({ title: 'Survives' });
      expect(res.status).toBe(201);
      expect(await suite.rt.orm.em.fork().count(Todo, { id: res.body.id })).toBe(1);
    } finally {
      off();
    }
  });

  it("is private to its owner: colleagues, admins and other tenants get 404 and change nothing", async () => {
    const { body: todo } = await create({ title: 'Private', dueAt: hours(5) });
    for (const token of [t.tokens.carol, t.tokens.admin, other.tokens.admin]) {
      expect((await suite.api.get(`${T}/${todo.id}`, token)).status).toBe(404);
      expect((await suite.api.patch(`${T}/${todo.id}`, { title: 'Hijacked' }, token)).status).toBe(404);
      expect((await suite.api.post(`${T}/${todo.id}/complete`, undefined, token)).status).toBe(404);
      expect((await suite.api.post(`${T}/${todo.id}/reopen`, undefined, token)).status).toBe(404);
      expect((await suite.api.delete(`${T}/${todo.id}`, token)).status).toBe(404);
      const list = await suite.api.get(`${T}?pageSize=100`, token);
      expect(ids(list.body)).not.toContain(todo.id);
    }
    const row = await suite.rt.orm.em.fork().findOneOrFail(Todo, { id: todo.id });
    expect(row).toMatchObject({ title: 'Private', status: 'open' });
  });
});
