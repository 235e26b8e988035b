/**
 * The progress graph of a request (GET /approvals/:id/graph) on the real stack: a template with
 * a condition and a parallel step, its graph compared with the request's detail (current steps,
 * holders, timeline) while it runs, after one branch is done, and once finished; a rejection
 * inside a parallel branch; a return and resubmission (rounds); who may see it; and the step
 * layout travelling draft → version → graph while the engine never gets it.
 */
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { ApprovalInput } from '../../workflows/approval/contract';
import type { Step } from '../../workflows/approval/dsl';
import { createTenant, tokenFor, type TenantFixture } from '../harness/harness';
import { APPROVALS, act, approval, openTaskOf, publish, startRuntimeEnv, submit, until, type RuntimeEnv, type Who } from '../approval-runtime/helpers';

interface Node {
  id: string;
  kind: string;
  state: string;
  visits: number;
  enteredAt: string | null;
  leftAt: string | null;
  holders: { userId: string; status: string; taskId: string }[];
  branches: { id: string; taken: boolean | null }[] | null;
  position: { x: number; y: number } | null;
  parent: { stepId: string; branchId: string } | null;
}
interface Graph {
  status: string;
  round: number;
  nodes: Node[];
  edges: { from: string; to: string; branchId: string | null; label: string | null; taken: boolean | null }[];
  positioned: boolean;
}

describe('GET /approvals/:id/graph', () => {
  let env: RuntimeEnv;
  let other: TenantFixture;
  let otherAdmin: string;
  beforeAll(async () => {
    env = await startRuntimeEnv();
    other = await createTenant(env.rt);
    otherAdmin = await tokenFor(env.rt, other.users.admin);
  });
  afterAll(async () => {
    await env?.close();
  });

  const graphOf = async (id: string, who: Who = 'alice'): Promise<Graph> => {
    const res = await env.api.get(`${APPROVALS}/${id}/graph`, env.tokens[who]);
    if (res.status !== 200) throw new Error(`graph: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Graph;
  };
  const node = (g: Graph, id: string) => {
    const n = g.nodes.find((x) => x.id === id);
    if (!n) throw new Error(`no node ${id} in ${g.nodes.map((x) => x.id).join(', ')}`);
    return n;
  };
  const states = (g: Graph) => Object.fromEntries(g.nodes.map((n) => [n.id, n.state]));

  /**
   * The graph says what the detail says: the approval steps it shows active are the request's
   * current steps, with the same open holders; every step the timeline closed is closed in the
   * graph; its status and round are the request's.
   */
  const expectMatches = (g: Graph, d: any) => {
    expect(g.status).toBe(d.status);
    expect(g.round).toBe(d.round);
    const activeApprovals = g.nodes.filter((n) => n.kind === 'approval' && n.state === 'active').map((n) => n.id);
    expect(activeApprovals.sort()).toEqual(d.currentSteps.map((s: any) => s.stepId).sort());
    for (const s of d.currentSteps) {
      const open = node(g, s.stepId).holders.filter((h) => h.status === 'open').map((h) => h.taskId);
      expect(open.sort()).toEqual(s.holders.map((h: any) => h.taskId).sort());
    }
    for (const e of d.timeline.filter((x: any) => x.type === 'step_approved')) expect(node(g, e.stepId).state).toBe('done');
  };

  // lead → condition (above 1000: CFO; else copy Carol) → parallel (IT check | a pause, then the
  // finance check) → final.
  const flow = (): Step[] => [
    approval('lead', [env.id('pete')]),
    {
      kind: 'condition',
      id: 'big',
      name: 'Amount',
      branches: [{ id: 'large', name: 'Above 1000', when: { field: 'form.amount', op: '>', value: 1000 }, steps: [approval('cfo', [env.id('fiona')])] }],
      default: { id: 'small', name: 'Otherwise', steps: [{ kind: 'cc', id: 'notify', name: 'Tell Carol', recipients: { type: 'users', userIds: [env.id('carol')] } }] },
    } as Step,
    {
      kind: 'parallel',
      id: 'checks',
      name: 'Checks',
      branches: [
        { id: 'it', name: 'IT', steps: [approval('itcheck', [env.id('carol')])] },
        { id: 'fin', name: 'Finance', steps: [{ kind: 'delay', id: 'pause', name: 'Pause', duration: '1s' }, approval('fincheck', [env.id('fiona')])] },
      ],
    } as Step,
    approval('final', [env.id('pete')]),
  ];

  // Ready when the request's current steps say so: the detail reads the instance before its
  // tasks (two queries), so its tasks may run ahead of its current steps for a moment.
  const openAt = (stepId: string) => (d: any) => d.currentSteps.some((s: any) => s.stepId === stepId) && d.tasks.some((t: any) => t.stepId === stepId && t.status === 'open');
  const approve = async (who: Who, id: string, d: any) => expect((await act(env, who, id, openTaskOf(d, env.id(who)), 'approve')).status).toBe(200);

  it('follows a condition and a parallel step through to the end, matching the timeline', async () => {
    const key = await publish(env, flow());
    const id = await submit(env, key, { amount: 5000 });

    // 1. The team lead is asked.
    let d = await until(env, id, openAt('lead'));
    let g = await graphOf(id);
    expectMatches(g, d);
    expect(states(g)).toEqual({
      '#start': 'done',
      lead: 'active',
      big: 'waiting',
      cfo: 'waiting',
      notify: 'waiting',
      'big#join': 'waiting',
      checks: 'waiting',
      itcheck: 'waiting',
      pause: 'waiting',
      fincheck: 'waiting',
      'checks#join': 'waiting',
      final: 'waiting',
      '#end': 'waiting',
    });
    expect(node(g, 'lead')).toMatchObject({ visits: 1, leftAt: null, holders: [{ userId: env.id('pete'), status: 'open' }] });
    expect(node(g, 'lead').enteredAt).toBe(d.timeline.find((e: any) => e.type === 'assigned').at);
    // The structure: branches leave their owner labelled, and meet again at its join.
    expect(g.edges).toEqual(
      expect.arrayContaining([
        { from: '#start', to: 'lead', branchId: null, label: null, taken: null },
        { from: 'lead', to: 'big', branchId: null, label: null, taken: null },
        { from: 'big', to: 'cfo', branchId: 'large', label: 'Above 1000', taken: null },
        { from: 'big', to: 'notify', branchId: 'small', label: 'Otherwise', taken: null },
        { from: 'cfo', to: 'big#join', branchId: null, label: null, taken: null },
        { from: 'big#join', to: 'checks', branchId: null, label: null, taken: null },
        { from: 'checks', to: 'itcheck', branchId: 'it', label: 'IT', taken: null },
        { from: 'pause', to: 'fincheck', branchId: null, label: null, taken: null },
        { from: 'checks#join', to: 'final', branchId: null, label: null, taken: null },
        { from: 'final', to: '#end', branchId: null, label: null, taken: null },
      ]),
    );
    expect(g.edges).toHaveLength(14);
    expect(node(g, 'fincheck').parent).toEqual({ stepId: 'checks', branchId: 'fin' });
    expect(g.positioned).toBe(false);
    expect(node(g, 'lead').position).toBeNull();

    // 2. Above 1000: the condition took the CFO branch; Carol's copy is off the path.
    await approve('pete', id, d);
    d = await until(env, id, openAt('cfo'));
    g = await graphOf(id);
    expectMatches(g, d);
    expect(states(g)).toMatchObject({ lead: 'done', big: 'done', cfo: 'active', notify: 'skipped', 'big#join': 'waiting', checks: 'waiting' });
    expect(node(g, 'big').branches).toEqual([
      { id: 'large', name: 'Above 1000', isDefault: false, taken: true },
      { id: 'small', name: 'Otherwise', isDefault: true, taken: false },
    ]);
    expect(g.edges.find((e) => e.from === 'big' && e.to === 'cfo')!.taken).toBe(true);
    expect(g.edges.find((e) => e.from === 'big' && e.to === 'notify')!.taken).toBe(false);
    expect(node(g, 'lead').holders).toMatchObject([{ userId: env.id('pete'), status: 'approved' }]);
    expect(node(g, 'lead').leftAt).toBe(d.timeline.find((e: any) => e.type === 'step_approved' && e.stepId === 'lead').at);

    // 3. Both branches of the parallel step run; the pause ends (no event says so) when the finance check is asked.
    await approve('fiona', id, d);
    d = await until(env, id, (x) => openAt('itcheck')(x) && openAt('fincheck')(x));
    g = await graphOf(id);
    expectMatches(g, d);
    expect(states(g)).toMatchObject({ cfo: 'done', 'big#join': 'done', checks: 'active', itcheck: 'active', pause: 'done', fincheck: 'active', 'checks#join': 'waiting', final: 'waiting' });
    expect(node(g, 'pause').enteredAt).toBe(d.timeline.find((e: any) => e.type === 'waiting').at);
    expect(node(g, 'pause').leftAt).toBe(d.timeline.find((e: any) => e.type === 'assigned' && e.stepId === 'fincheck').at);

    // 4. One branch done, the other still waiting: the parallel step stays active.
    await approve('carol', id, d);
    d = await until(env, id, (x) => x.tasks.some((t: any) => t.stepId === 'itcheck' && t.status === 'approved') && x.currentSteps.map((c: any) => c.stepId).join() === 'fincheck');
    g = await graphOf(id);
    expectMatches(g, d);
    expect(states(g)).toMatchObject({ checks: 'active', itcheck: 'done', fincheck: 'active', 'checks#join': 'waiting' });

    // 5. The join, the last step, the end.
    await approve('fiona', id, d);
    d = await until(env, id, openAt('final'));
    g = await graphOf(id);
    expectMatches(g, d);
    expect(states(g)).toMatchObject({ checks: 'done', 'checks#join': 'done', final: 'active' });
    await approve('pete', id, d);
    d = await until(env, id, (x) => x.status === 'approved');
    g = await graphOf(id);
    expectMatches(g, d);
    expect(states(g)).toEqual({
      '#start': 'done',
      lead: 'done',
      big: 'done',
      cfo: 'done',
      notify: 'skipped',
      'big#join': 'done',
      checks: 'done',
      itcheck: 'done',
      pause: 'done',
      fincheck: 'done',
      'checks#join': 'done',
      final: 'done',
      '#end': 'done',
    });
    expect(node(g, '#end').enteredAt).toBe(d.finishedAt);
    expect(g.nodes.filter((n) => n.state === 'done').every((n) => n.visits === 1)).toBe(true);
    expect(node(g, 'notify').visits).toBe(0);
  });

  it('shows where a request was rejected, what was called off and what was never reached', async () => {
    const key = await publish(env, flow());
    const id = await submit(env, key, { amount: 10 });
    let d = await until(env, id, openAt('lead'));
    await approve('pete', id, d);
    d = await until(env, id, (x) => openAt('itcheck')(x) && openAt('fincheck')(x));
    let g = await graphOf(id);
    expectMatches(g, d);
    // At most 1000: Carol was copied, the CFO skipped.
    expect(states(g)).toMatchObject({ big: 'done', cfo: 'skipped', notify: 'done', 'big#join': 'done' });
    expect(node(g, 'notify').holders).toMatchObject([{ userId: env.id('carol'), status: 'cc' }]);

    expect((await act(env, 'carol', id, openTaskOf(d, env.id('carol')), 'reject', 'no')).status).toBe(200);
    d = await until(env, id, (x) => x.status === 'rejected');
    g = await graphOf(id);
    expectMatches(g, d);
    expect(states(g)).toMatchObject({
      lead: 'done',
      itcheck: 'rejected',
      checks: 'rejected',
      fincheck: 'cancelled',
      'checks#join': 'skipped',
      final: 'skipped',
      '#end': 'rejected',
    });
    expect(node(g, 'itcheck').holders).toMatchObject([{ userId: env.id('carol'), status: 'rejected' }]);
    expect(node(g, 'fincheck').holders).toMatchObject([{ userId: env.id('fiona'), status: 'cancelled' }]);
    expect(node(g, 'fincheck').leftAt).toBe(node(g, 'itcheck').leftAt);
  });

  it('counts visits over rounds and shows the latest one after a return and resubmission', async () => {
    const key = await publish(env, [approval('lead', [env.id('pete')], { onReject: { type: 'returnToInitiator' } }), approval('second', [env.id('carol')])]);
    const id = await submit(env, key);
    let d = await until(env, id, openAt('lead'));
    expect((await act(env, 'pete', id, openTaskOf(d, env.id('pete')), 'reject', 'fix it')).status).toBe(200);
    d = await until(env, id, (x) => x.status === 'returned');
    let g = await graphOf(id);
    expectMatches(g, d);
    // The initiator holds it now.
    expect(states(g)).toEqual({ '#start': 'active', lead: 'returned', second: 'waiting', '#end': 'waiting' });

    const resubmitted = await env.api.request('POST', `${APPROVALS}/${id}/resubmit`, { body: { comment: 'fixed' }, token: env.tokens.alice });
    expect(resubmitted.status).toBe(200);
    d = await until(env, id, (x) => x.round === 2 && openAt('lead')(x));
    g = await graphOf(id);
    expectMatches(g, d);
    expect(states(g)).toEqual({ '#start': 'done', lead: 'active', second: 'waiting', '#end': 'waiting' });
    expect(node(g, 'lead').visits).toBe(2);
    expect(node(g, '#start').visits).toBe(2);
    // Only the latest pass's people: Pete asked again, not his rejection of round 1.
    expect(node(g, 'lead').holders).toMatchObject([{ userId: env.id('pete'), status: 'open' }]);
    expect(node(g, 'lead').holders).toHaveLength(1);
  });

  it('is visible to whoever sees the request, and to nobody else', async () => {
    const key = await publish(env, [approval('lead', [env.id('pete')])]);
    const id = await submit(env, key);
    await until(env, id, openAt('lead'));
    const get = (token: string, which = id) => env.api.get(`${APPROVALS}/${which}/graph`, token);
    expect((await get(env.tokens.alice)).status).toBe(200);
    expect((await get(env.tokens.pete)).status).toBe(200);
    // Carol may view every request of Engineering, which holds Alice's department.
    expect((await get(env.tokens.carol)).status).toBe(200);
    // Harry neither started it, nor is asked, nor may view all requests.
    const harry = await get(env.tokens.harry);
    expect(harry.status).toBe(404);
    expect(harry.body.code).toBe('approval_not_found');
    expect(JSON.stringify(harry.body)).not.toContain('lead');
    // Fiona may view all requests, but only within Finance.
    expect((await get(env.tokens.fiona)).status).toBe(404);
    // Another tenant's administrator holds every permission, in their own tenant only.
    expect((await get(otherAdmin)).status).toBe(404);
    expect((await get(env.tokens.alice, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await get(env.tokens.alice, 'not-a-uuid')).status).toBe(422);
    expect((await env.api.get(`${APPROVALS}/${id}/graph`)).status).toBe(401);
    // The detail reads the request before deciding (its tasks answer "is the caller asked"):
    // the same people reach it, and the others learn nothing.
    const detail = (token: string) => env.api.get(`${APPROVALS}/${id}`, token);
    expect(await Promise.all([env.tokens.alice, env.tokens.pete, env.tokens.carol].map(async (tk) => (await detail(tk)).status))).toEqual([200, 200, 200]);
    for (const outsider of [env.tokens.harry, env.tokens.fiona, otherAdmin]) {
      const refused = await detail(outsider);
      expect([refused.status, refused.body.code]).toEqual([404, 'approval_not_found']);
      expect(JSON.stringify(refused.body)).not.toContain('lead');
    }

    // API keys act as their owner within their scopes: the scopes that read a request (the
    // owner's own, here) read its graph; other keys are refused.
    const own = await submit(env, key, { amount: 100 }, 'admin');
    await until(env, own, openAt('lead'), 'admin');
    const apiKey = async (scopes: string[]) => {
      const created = await env.api.post('/api/v1/api-keys', { name: `graph ${scopes.join(' ')}`, scopes }, env.tokens.admin);
      expect(created.status).toBe(201);
      return `ApiKey ${created.body.key as string}`;
    };
    expect((await get(await apiKey(['approval:submit']), own)).status).toBe(200);
    expect((await get(await apiKey(['approval:act']), own)).status).toBe(200);
    const reporting = await get(await apiKey(['user:read']), own);
    expect([reporting.status, reporting.body.code]).toEqual([403, 'api_key_not_allowed']);
  });

  describe('step layout', () => {
    const TEMPLATES = '/api/v1/approval-templates';
    const laidOut = (): Step[] => [
      approval('lead', [env.id('pete')], { layout: { x: 100, y: 50.5 } }),
      { kind: 'cc', id: 'copy', name: 'Copy', recipients: { type: 'users', userIds: [env.id('carol')] }, layout: { x: 100, y: 150 } } as Step,
      approval('second', [env.id('carol')], { layout: { x: -20, y: 250 } }),
    ];
    const body = (key: string, flowSteps: Step[]) => ({ key, name: 'Laid out', category: 'general', formSchema: { fields: [{ id: 'amount', label: 'Amount', type: 'number' }] }, flow: flowSteps });

    it('refuses positions that are not bounded numbers, applying nothing', async () => {
      const bad = [{ x: 1e9, y: 0 }, { x: '1', y: 0 }, { x: 1 }, { x: 1, y: 2, z: 3 }, { x: Number.NaN, y: 0 }];
      for (const layout of bad) {
        const res = await env.api.post(TEMPLATES, body(`bad-layout-${bad.indexOf(layout)}`, [approval('lead', [env.id('pete')], { layout })]), env.tokens.admin);
        expect(res.status).toBe(422);
        expect(JSON.stringify(res.body.errors)).toContain('body.flow.0.layout');
      }
      const list = await env.api.get(`${TEMPLATES}?q=bad-layout&pageSize=100`, env.tokens.admin);
      expect(list.body.items).toEqual([]);
    });

    it('travels from the draft to the published version to the graph, and never reaches the engine', async () => {
      const created = await env.api.post(TEMPLATES, body('laid-out', laidOut()), env.tokens.admin);
      expect(created.status).toBe(201);
      expect(created.body.draft.flow.map((s: Step) => s.layout)).toEqual([{ x: 100, y: 50.5 }, { x: 100, y: 150 }, { x: -20, y: 250 }]);
      // A moved box is a draft change like any other.
      const moved = laidOut();
      moved[2] = { ...moved[2], layout: { x: 300, y: 250 } } as Step;
      const updated = await env.api.put(`${TEMPLATES}/${created.body.id}`, body('laid-out', moved), env.tokens.admin);
      expect(updated.status).toBe(200);
      expect(updated.body.draft.flow[2].layout).toEqual({ x: 300, y: 250 });
      const published = await env.api.post(`${TEMPLATES}/${created.body.id}/publish`, undefined, env.tokens.admin);
      expect(published.status).toBe(201);
      expect(published.body.definition.flow.map((s: Step) => s.layout)).toEqual([{ x: 100, y: 50.5 }, { x: 100, y: 150 }, { x: 300, y: 250 }]);

      // The same flow without positions: the engine must run both alike.
      const plainKey = await publish(env, laidOut().map(({ layout: _layout, ...s }) => s as Step));
      const runs: Record<string, any> = {};
      for (const key of ['laid-out', plainKey]) {
        const id = await submit(env, key);
        let d = await until(env, id, openAt('lead'));
        await approve('pete', id, d);
        d = await until(env, id, openAt('second'));
        await approve('carol', id, d);
        runs[key] = await until(env, id, (x) => x.status === 'approved');
      }
      const shape = (d: any) => d.timeline.map((e: any) => `${e.type}:${e.stepId ?? ''}`);
      expect(shape(runs['laid-out'])).toEqual(shape(runs[plainKey]));

      const g = await graphOf(runs['laid-out'].instanceId);
      expect(g.positioned).toBe(true);
      expect(g.nodes.map((n) => [n.id, n.position])).toEqual([
        ['#start', null],
        ['lead', { x: 100, y: 50.5 }],
        ['copy', { x: 100, y: 150 }],
        ['second', { x: 300, y: 250 }],
        ['#end', null],
      ]);
      expect(states(g)).toEqual({ '#start': 'done', lead: 'done', copy: 'done', second: 'done', '#end': 'done' });

      // What the workflow was started with: the pinned definition, without the drawing.
      const history = await (await env.rt.temporal()).workflow.getHandle(runs['laid-out'].workflowId).fetchHistory();
      const payloads = history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads! as Payload[];
      const [decoded] = await env.rt.dataConverter.payloadCodecs[0].decode(payloads);
      const input = defaultPayloadConverter.fromPayload<ApprovalInput>(decoded);
      expect(input.definition.flow.map((s) => s.id)).toEqual(['lead', 'copy', 'second']);
      expect(JSON.stringify(input.definition)).not.toContain('layout');
    });
  });
});
