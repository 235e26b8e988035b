/**
 * Oversight: every request an admin may see (approval:view-all within data scope), filtered,
 * cursor-paged and exported as CSV — on requests run by the real workflow and worker.
 */
import { tokenFor, createTenant, type TenantFixture } from '../harness/harness';
import { APPROVALS, act, approval, openTaskOf, publish, startRuntimeEnv, submit, until, type RuntimeEnv } from '../approval-runtime/helpers';

const OVERSIGHT = `${APPROVALS}/oversight`;

describe('approval oversight', () => {
  let env: RuntimeEnv;
  let other: TenantFixture;
  let key: string;
  const ids: Record<string, string> = {};
  const assigned = (d: any) => d.tasks.some((t: any) => t.status === 'open');

  beforeAll(async () => {
    env = await startRuntimeEnv();
    other = await createTenant(env.rt);
    key = await publish(env, [approval('one', [env.id('pete')]), approval('two', [env.id('carol')])]);
    // alice (Platform): one waiting at carol, one rejected, one waiting at pete; fiona (Finance): one waiting at pete.
    ids.atCarol = await submit(env, key, { amount: 1, note: 'at carol' });
    let d = await until(env, ids.atCarol, assigned);
    expect((await act(env, 'pete', ids.atCarol, openTaskOf(d, env.id('pete')), 'approve')).status).toBe(200);
    ids.rejected = await submit(env, key, { amount: 2 });
    d = await until(env, ids.rejected, assigned);
    expect((await act(env, 'pete', ids.rejected, openTaskOf(d, env.id('pete')), 'reject', 'no')).status).toBe(200);
    ids.atPete = await submit(env, key, { amount: 3 });
    ids.fiona = await submit(env, key, { amount: 4 }, 'fiona');
    await until(env, ids.atCarol, (x) => x.tasks.some((t: any) => t.stepId === 'two' && t.status === 'open'));
    await until(env, ids.rejected, (x) => x.status === 'rejected');
    await until(env, ids.atPete, assigned);
    await until(env, ids.fiona, assigned, 'fiona');
  });
  afterAll(async () => {
    await env?.close();
  });

  const list = async (token: string, query: string) => {
    const res = await env.api.get(`${OVERSIGHT}?templateKey=${key}&${query}`, token);
    expect(res.status).toBe(200);
    return res.body;
  };
  const idsOf = (page: any) => page.items.map((i: any) => i.instanceId).sort();
  const sorted = (...names: string[]) => names.map((n) => ids[n]).sort();

  it('lists every request of the template for the tenant admin, newest first, with who holds it now', async () => {
    const page = await list(env.tokens.admin, 'limit=10');
    expect(idsOf(page)).toEqual(sorted('atCarol', 'rejected', 'atPete', 'fiona'));
    const times = page.items.map((i: any) => i.submittedAt);
    expect(times).toEqual([...times].sort().reverse());
    const atCarol = page.items.find((i: any) => i.instanceId === ids.atCarol);
    expect(atCarol).toMatchObject({ status: 'running', currentStepIds: ['two'], currentAssignees: [{ userId: env.id('carol') }], initiator: { userId: env.id('alice') } });
    expect(atCarol.waitingSince).toEqual(expect.any(String));
    expect(page.items.find((i: any) => i.instanceId === ids.rejected)).toMatchObject({ status: 'rejected', currentAssignees: [], waitingSince: null, finishedAt: expect.any(String) });
  });

  it('filters by status, initiator, current assignee, department and time windows', async () => {
    expect(idsOf(await list(env.tokens.admin, 'status=rejected'))).toEqual(sorted('rejected'));
    expect(idsOf(await list(env.tokens.admin, `initiatorId=${env.id('fiona')}`))).toEqual(sorted('fiona'));
    expect(idsOf(await list(env.tokens.admin, `assigneeId=${env.id('pete')}`))).toEqual(sorted('atPete', 'fiona'));
    expect(idsOf(await list(env.tokens.admin, `assigneeId=${env.id('carol')}`))).toEqual(sorted('atCarol'));
    expect(idsOf(await list(env.tokens.admin, `departmentId=${env.t.departments.finance.id}`))).toEqual(sorted('fiona'));
    expect(idsOf(await list(env.tokens.admin, `departmentId=${env.t.departments.eng.id}`))).toEqual(sorted('atCarol', 'rejected', 'atPete'));
    expect(idsOf(await list(env.tokens.admin, `departmentId=${env.t.departments.eng.id}&includeSubtree=false`))).toEqual([]);
    expect(idsOf(await list(env.tokens.admin, `finishedFrom=${new Date(Date.now() - 3_600_000).toISOString()}`))).toEqual(sorted('rejected'));
    expect(idsOf(await list(env.tokens.admin, `submittedTo=${new Date(Date.now() - 3_600_000).toISOString()}`))).toEqual([]);
    // Waiting at least a minute: nothing yet; the filter also keeps only running requests.
    expect(idsOf(await list(env.tokens.admin, 'stuckForMinutes=60'))).toEqual([]);
    const bad = await env.api.get(`${OVERSIGHT}?stuckForMinutes=0&submittedFrom=yesterday`, env.tokens.admin);
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(['query.stuckForMinutes', 'query.submittedFrom']);
  });

  it('pages with cursors that neither skip nor repeat', async () => {
    const seen: string[] = [];
    let cursor = '';
    for (let i = 0; i < 5; i++) {
      const page = await list(env.tokens.admin, `limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((x: any) => x.instanceId));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen.sort()).toEqual(sorted('atCarol', 'rejected', 'atPete', 'fiona'));
    expect((await env.api.get(`${OVERSIGHT}?cursor=not-a-cursor`, env.tokens.admin)).body.code).toBe('invalid_cursor');
  });

  it('exports the selection as CSV', async () => {
    const res = await env.api.request('GET', `${OVERSIGHT}/export.csv?templateKey=${key}&status=running`, { token: env.tokens.admin });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toContain('approvals.csv');
    const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toBe('instanceId,serialNumber,title,templateKey,templateName,status,initiator,currentAssignees,waitingSince,submittedAt,finishedAt');
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).map((l) => l.split(',')[0]).sort()).toEqual(sorted('atCarol', 'atPete', 'fiona'));
  });

  it('keeps to the data scope: a manager sees their department tree; an employee is refused', async () => {
    expect(idsOf(await list(env.tokens.carol, 'limit=10'))).toEqual(sorted('atCarol', 'rejected', 'atPete'));
    expect(idsOf(await list(env.tokens.fiona, 'limit=10'))).toEqual(sorted('fiona'));
    const refused = await env.api.get(OVERSIGHT, env.tokens.alice);
    expect(refused.status).toBe(403);
    expect((await env.api.request('GET', `${OVERSIGHT}/export.csv`, { token: env.tokens.alice })).status).toBe(403);
  });

  it('is tenant-scoped', async () => {
    const admin = await tokenFor(env.rt, other.users.admin);
    expect((await env.api.get(`${OVERSIGHT}?templateKey=${key}`, admin)).body.items).toEqual([]);
    expect((await env.api.get(`${OVERSIGHT}?initiatorId=${env.id('alice')}`, admin)).body.items).toEqual([]);
  });
});
