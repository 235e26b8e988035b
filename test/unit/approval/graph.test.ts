/**
 * The graph builder on timelines the integration tests do not reach cheaply: a send-back to an
 * earlier step (a new pass in the same round), a withdrawal while steps are open, a failed
 * system step, and a delay whose date was already past (no event of its own).
 */
import { buildGraph, type GraphFacts } from '../../../activities/approval/instances/graph';
import { TemplateDefinition, type StepInput } from '../../../workflows/approval/dsl';

const approval = (id: string, extra: Record<string, unknown> = {}): StepInput => ({ kind: 'approval', id, name: id, assignees: { type: 'users', userIds: ['00000000-0000-4000-8000-000000000001'] }, ...extra }) as StepInput;

function facts(flow: StepInput[], events: [string, string | null, Record<string, unknown>?][], tasks: GraphFacts['tasks'] = [], status: GraphFacts['instance']['status'] = 'running'): GraphFacts {
  return {
    instance: { id: 'i', status, round: 1, templateId: 't', templateKey: 'k', templateVersion: 1, templateName: 'T' },
    definition: TemplateDefinition.parse({ key: 'k', name: 'T', category: 'general', flow }),
    tasks,
    events: events.map(([type, stepId, data], i) => ({ seq: i + 1, type, stepId, data: data ?? {}, at: 1000 * (i + 1) })),
    names: new Map([['u1', 'Pete']]),
  };
}
const states = (g: ReturnType<typeof buildGraph>) => Object.fromEntries(g.nodes.map((n) => [n.id, `${n.state}/${n.visits}`]));

describe('buildGraph', () => {
  it('starts a new pass at the step a rejection sends the request back to', () => {
    const flow = [approval('one'), approval('two', { onReject: { type: 'returnToStep', stepId: 'one' } })];
    const g = buildGraph(
      facts(
        flow,
        [
          ['submitted', null],
          ['assigned', 'one'],
          ['step_approved', 'one'],
          ['assigned', 'two'],
          ['step_rejected', 'two'],
          ['sent_back', 'two', { to: 'one' }],
          ['assigned', 'one'],
        ],
        [
          { id: 'a', stepId: 'one', assigneeId: 'u1', status: 'approved', position: 1, openedAt: 2000, actedAt: 3000 },
          { id: 'b', stepId: 'two', assigneeId: 'u1', status: 'rejected', position: 2, openedAt: 4000, actedAt: 5000 },
          { id: 'c', stepId: 'one', assigneeId: 'u1', status: 'open', position: 3, openedAt: 7000, actedAt: null },
        ],
      ),
    );
    expect(states(g)).toEqual({ '#start': 'done/1', one: 'active/2', two: 'waiting/1', '#end': 'waiting/0' });
    // Only this pass's people, and no times left over from the pass before.
    expect(g.nodes.find((n) => n.id === 'one')!.holders.map((h) => h.taskId)).toEqual(['c']);
    expect(g.nodes.find((n) => n.id === 'two')).toMatchObject({ enteredAt: null, leftAt: null, holders: [] });
  });

  it('calls off what was open when the initiator withdraws, and skips what was never reached', () => {
    const flow = [approval('one'), { kind: 'parallel', id: 'p', name: 'p', branches: [{ id: 'x', name: 'x', steps: [approval('px')] }, { id: 'y', name: 'y', steps: [approval('py')] }] } as StepInput, approval('last')];
    const g = buildGraph(
      facts(
        flow,
        [
          ['submitted', null],
          ['assigned', 'one'],
          ['step_approved', 'one'],
          ['parallel', 'p'],
          ['assigned', 'px'],
          ['assigned', 'py'],
          ['step_approved', 'px'],
          ['withdrawn', null],
        ],
        [],
        'withdrawn',
      ),
    );
    expect(states(g)).toEqual({ '#start': 'done/1', one: 'done/1', p: 'cancelled/1', px: 'done/1', py: 'cancelled/1', 'p#join': 'skipped/0', last: 'skipped/0', '#end': 'cancelled/1' });
  });

  it('marks a failed step, the step around it, and the end', () => {
    const flow = [
      { kind: 'parallel', id: 'p', name: 'p', branches: [{ id: 'x', name: 'x', steps: [{ kind: 'action', id: 'hook', name: 'hook', action: 'activity', args: { name: 'noop' } }] }, { id: 'y', name: 'y', steps: [approval('py')] }] } as StepInput,
    ];
    const g = buildGraph(facts(flow, [['submitted', null], ['parallel', 'p'], ['assigned', 'py'], ['step_failed', 'hook', { reason: 'boom' }], ['completed', null, { outcome: 'failed' }]], [], 'failed'));
    expect(states(g)).toMatchObject({ p: 'failed/1', hook: 'failed/1', py: 'cancelled/1', 'p#join': 'skipped/0', '#end': 'failed/1' });
  });

  it('knows a delay passed when the next step starts, even without an event of its own', () => {
    const flow = [{ kind: 'delay', id: 'wait', name: 'wait', untilField: 'day' } as StepInput, approval('one')];
    const g = buildGraph(facts(flow, [['submitted', null], ['assigned', 'one']]));
    expect(states(g)).toMatchObject({ wait: 'done/1', one: 'active/1' });
    expect(g.nodes.find((n) => n.id === 'wait')).toMatchObject({ enteredAt: new Date(2000).toISOString(), leftAt: new Date(2000).toISOString() });
  });
});

describe('buildGraph: administrators’ interventions', () => {
  const flow = [approval('one'), { kind: 'action', id: 'hook', name: 'hook', action: 'activity', args: { name: 'noop' } } as StepInput, approval('two')];

  it('shows a stalled system step as failed until an administrator retries it', () => {
    const stalled = facts(flow, [['submitted', null], ['assigned', 'one'], ['step_approved', 'one'], ['step_stalled', 'hook', { reason: 'down' }]]);
    expect(states(buildGraph(stalled))).toMatchObject({ one: 'done/1', hook: 'failed/1', two: 'waiting/0' });
    const retried = facts(flow, [['submitted', null], ['assigned', 'one'], ['step_approved', 'one'], ['step_stalled', 'hook'], ['admin_retried', null, { stepIds: ['hook'] }], ['action_done', 'hook'], ['assigned', 'two']]);
    expect(states(buildGraph(retried))).toMatchObject({ hook: 'done/1', two: 'active/1' });
  });

  it('starts a new pass where an administrator returns the request, and ends it on their cancellation', () => {
    const returned = facts(flow, [['submitted', null], ['assigned', 'one'], ['step_approved', 'one'], ['action_done', 'hook'], ['assigned', 'two'], ['admin_returned', 'one', { to: 'one' }], ['assigned', 'one']]);
    expect(states(buildGraph(returned))).toMatchObject({ one: 'active/2', hook: 'waiting/1', two: 'waiting/1' });
    const cancelled = facts(flow, [['submitted', null], ['assigned', 'one'], ['admin_cancelled', null]], [], 'cancelled');
    expect(states(buildGraph(cancelled))).toMatchObject({ one: 'cancelled/1', hook: 'skipped/0', two: 'skipped/0', '#end': 'cancelled/1' });
  });
});
