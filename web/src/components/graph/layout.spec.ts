import { describe, expect, it } from 'vitest';
import { layoutGraph, readSequence, type LayoutInput } from './layout';

const O = { columnWidth: 100, rowHeight: 50 };

/** start → lead → cond (large: cfo | small: empty) → par (it: itcheck | fin: pause, fincheck) → end, as the API sends it. */
function sample(positions: Record<string, { x: number; y: number }> = {}): LayoutInput {
  const nodes = [
    ['#start', 'start'],
    ['lead', 'approval'],
    ['cond', 'condition'],
    ['cfo', 'approval'],
    ['cond#join', 'join'],
    ['par', 'parallel'],
    ['itcheck', 'approval'],
    ['pause', 'delay'],
    ['fincheck', 'approval'],
    ['par#join', 'join'],
    ['#end', 'end'],
  ].map(([id, kind]) => ({ id, kind, position: positions[id] ?? null }));
  const edges = [
    ['#start', 'lead'],
    ['lead', 'cond'],
    ['cond', 'cfo'],
    ['cond', 'cond#join'],
    ['cfo', 'cond#join'],
    ['cond#join', 'par'],
    ['par', 'itcheck'],
    ['par', 'pause'],
    ['pause', 'fincheck'],
    ['itcheck', 'par#join'],
    ['fincheck', 'par#join'],
    ['par#join', '#end'],
  ].map(([from, to]) => ({ from, to }));
  const steps = nodes.filter((n) => !['start', 'end', 'join'].includes(n.kind));
  return { nodes, edges, positioned: steps.every((n) => n.position) };
}

describe('layoutGraph (automatic)', () => {
  it('reads the block structure back from the edges, branches in edge order', () => {
    expect(readSequence(sample())).toEqual([
      { node: '#start' },
      { node: 'lead' },
      { block: 'cond', join: 'cond#join', branches: [[{ node: 'cfo' }], []] },
      { block: 'par', join: 'par#join', branches: [[{ node: 'itcheck' }], [{ node: 'pause' }, { node: 'fincheck' }]] },
      { node: '#end' },
    ]);
  });

  it('puts one node per row, top-down, and branches side by side under their step', () => {
    const l = layoutGraph(sample(), O);
    expect(l.source).toBe('auto');
    const row = (id: string) => (l.positions.get(id)!.y - 25) / 50;
    const x = (id: string) => l.positions.get(id)!.x;
    expect(['#start', 'lead', 'cond', 'cfo', 'cond#join', 'par', 'itcheck', 'pause', 'fincheck', 'par#join', '#end'].map(row)).toEqual([0, 1, 2, 3, 4, 5, 6, 6, 7, 8, 9]);
    // Two columns wide (the widest block); the main path runs down the middle.
    expect(l.width).toBe(200);
    expect(l.height).toBe(500);
    for (const id of ['#start', 'lead', 'cond', 'cond#join', 'par', 'par#join', '#end']) expect(x(id)).toBe(100);
    // The condition's one non-empty branch sits in the first half; the empty one takes a column too.
    expect(x('cfo')).toBe(50);
    // Parallel branches side by side; a branch's steps stay in its column.
    expect(x('itcheck')).toBe(50);
    expect(x('pause')).toBe(150);
    expect(x('fincheck')).toBe(150);
  });

  it('gives nested blocks the room of their widest branch', () => {
    const g: LayoutInput = {
      positioned: false,
      nodes: ['#start:start', 'p:parallel', 'a:approval', 'c:condition', 'c1:approval', 'c2:approval', 'c3:approval', 'c#join:join', 'p#join:join', '#end:end'].map((s) => {
        const [id, kind] = s.split(':');
        return { id, kind, position: null };
      }),
      edges: [
        ['#start', 'p'],
        ['p', 'a'],
        ['p', 'c'],
        ['c', 'c1'],
        ['c', 'c2'],
        ['c', 'c3'],
        ['c1', 'c#join'],
        ['c2', 'c#join'],
        ['c3', 'c#join'],
        ['a', 'p#join'],
        ['c#join', 'p#join'],
        ['p#join', '#end'],
      ].map(([from, to]) => ({ from, to })),
    };
    const l = layoutGraph(g, O);
    expect(l.width).toBe(400);
    const x = (id: string) => l.positions.get(id)!.x;
    expect([x('a'), x('c'), x('c1'), x('c2'), x('c3'), x('p')]).toEqual([50, 250, 150, 250, 350, 200]);
    // The outer join comes after the inner block's join.
    expect(l.positions.get('p#join')!.y).toBeGreaterThan(l.positions.get('c#join')!.y);
    // No two nodes on the same spot.
    const spots = [...l.positions.values()].map((p) => `${p.x},${p.y}`);
    expect(new Set(spots).size).toBe(spots.length);
  });
});

describe('layoutGraph (positions from the template)', () => {
  it('draws steps where the designer put them; start, joins and end around them', () => {
    const at = { lead: { x: 300, y: 100 }, cond: { x: 300, y: 200 }, cfo: { x: 200, y: 300 }, par: { x: 300, y: 420 }, itcheck: { x: 200, y: 520 }, pause: { x: 400, y: 520 }, fincheck: { x: 400, y: 640 } };
    const l = layoutGraph(sample(at), O);
    expect(l.source).toBe('stored');
    const p = (id: string) => l.positions.get(id)!;
    // Shifted so the leftmost box and the top row start at the edge; relative positions kept.
    expect(p('cfo').x - p('lead').x).toBe(-100);
    expect(p('fincheck').y - p('pause').y).toBe(120);
    expect(Math.min(...[...l.positions.values()].map((q) => q.x))).toBe(50);
    expect(p('#start').y).toBe(25);
    expect(p('#start').x).toBe(p('lead').x);
    expect(p('lead').y - p('#start').y).toBe(50);
    // A join sits one row under the lowest node of its branches, below its own step.
    expect(p('cond#join')).toEqual({ x: p('cond').x, y: p('cfo').y + 50 });
    expect(p('par#join')).toEqual({ x: p('par').x, y: p('fincheck').y + 50 });
    expect(p('#end')).toEqual({ x: p('par#join').x, y: p('par#join').y + 50 });
    expect(l.height).toBe(p('#end').y + 25);
  });

  it('lays out automatically when a step has no position', () => {
    const l = layoutGraph({ ...sample({ lead: { x: 5, y: 5 } }) }, O);
    expect(l.source).toBe('auto');
  });
});

describe('layoutGraph (empty branches)', () => {
  it('gives an empty branch a lane of its own', () => {
    const l = layoutGraph(sample(), O);
    // The condition's second branch (empty) is the right-hand column of its two.
    expect([...l.lanes]).toEqual([['cond|1', 150]]);
    expect(layoutGraph(sample({ lead: { x: 0, y: 0 }, cond: { x: 0, y: 1 }, cfo: { x: 0, y: 2 }, par: { x: 0, y: 3 }, itcheck: { x: 0, y: 4 }, pause: { x: 1, y: 4 }, fincheck: { x: 1, y: 5 } }), O).lanes.size).toBe(0);
  });
});
