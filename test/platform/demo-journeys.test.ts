/**
 * The demo's journeys (db/seed-journeys.ts, applied by `npm start` to the demo tenant): numbered
 * presets, IT equipment for Engineering only, Fiona managing expense claims. Applied once: a
 * second start changes nothing.
 */
import { seedDemoJourneys } from '../../db/seed-journeys';
import { tenantWithTokens, uniqueCode, useSuite, type TenantWithTokens } from '../harness/harness';
import { TEMPLATES } from '../approval/helpers';

// A queue of its own: no worker runs these requests; only their start and number matter here.
const suite = useSuite({ TEMPORAL_TASK_QUEUE: uniqueCode('tq-demo-') });
const CATALOG = '/api/v1/approval-catalog';

describe('demo journeys seed', () => {
  let t: TenantWithTokens;
  let first: string[];

  beforeAll(async () => {
    t = await tenantWithTokens(suite.rt);
    first = await seedDemoJourneys(suite.rt, t);
  });

  it('publishes the presets again as version 2, once', async () => {
    expect(first.sort()).toEqual(['access-request', 'expense', 'it-equipment', 'leave']);
    expect(await seedDemoJourneys(suite.rt, t)).toEqual([]);
    const list = await suite.api.get(`${TEMPLATES}?pageSize=100`, t.tokens.admin);
    const versions = Object.fromEntries(list.body.items.map((i: { key: string; latestVersion: number }) => [i.key, i.latestVersion]));
    expect(versions).toMatchObject({ leave: 2, expense: 2, 'access-request': 2, 'it-equipment': 2 });
  });

  it('numbers a leave request at submit', async () => {
    const res = await suite.api.post('/api/v1/approvals', { templateKey: 'leave', form: { leaveType: 'annual', period: { start: '2027-01-04', end: '2027-01-05' }, days: 2, reason: 'Family visit' } }, t.tokens.alice);
    expect(res.status).toBe(202);
    expect(res.body.serialNumber).toMatch(/^LEAVE-\d{8}-0001$/);
  });

  it('lets Engineering start IT equipment, and not Finance', async () => {
    const keys = async (token: string) => (await suite.api.get(`${CATALOG}?pageSize=100`, token)).body.items.map((e: { key: string }) => e.key);
    expect(await keys(t.tokens.alice)).toContain('it-equipment');
    expect(await keys(t.tokens.fiona)).not.toContain('it-equipment');
    const refused = await suite.api.post('/api/v1/approvals', { templateKey: 'it-equipment', form: { item: 'laptop', estimatedCost: 900, justification: 'Old one died' } }, t.tokens.fiona);
    expect([refused.status, refused.body.code]).toEqual([403, 'template_not_startable']);
  });

  it('makes Fiona the manager of expense claims: she sees and edits that template only', async () => {
    const list = await suite.api.get(`${TEMPLATES}?pageSize=100`, t.tokens.fiona);
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: { key: string }) => i.key)).toEqual(['expense']);
  });
});
