/**
 * Where to draw each node of a request's progress graph (GET /approvals/:id/graph).
 *
 * Automatic layout, top-down: the flow is block-structured, so the graph reads back into nested
 * sequences (follow each node's one outgoing edge; a condition or parallel step's edges start
 * its branches, which run until its `#join`). A sequence takes one row per node; a block puts
 * its branches side by side under it, each as wide as it needs, and its join below the longest.
 *
 * Stored layout: when every step carries a position from the designer (`positioned`), steps are
 * drawn there; start, end and joins, which the designer does not place, go above, below and
 * under the branches they close.
 *
 * Pure: no DOM, so it is unit tested on its own.
 */
export interface LayoutNode {
  id: string;
  kind: string;
  position: { x: number; y: number } | null;
}
export interface LayoutEdge {
  from: string;
  to: string;
}
export interface LayoutInput {
  nodes: LayoutNode[];
  edges: LayoutEdge[];
  positioned: boolean;
}
export interface LayoutOptions {
  /** Width of one column (one node plus its margin). */
  columnWidth: number;
  /** Height of one row (a node, the people under it, and the edge to the next). */
  rowHeight: number;
}
export interface Point {
  x: number;
  y: number;
}
export interface GraphLayout {
  /** Node centres. */
  positions: Map<string, Point>;
  width: number;
  height: number;
  /** Rows and columns computed here, or the designer's positions. */
  source: 'auto' | 'stored';
  /**
   * Empty branches (a condition's "otherwise, go on"): the x of the column they were given, by
   * `<blockId>|<branch index>`, so their edge runs down its own lane instead of over the others.
   */
  lanes: Map<string, number>;
}

export const LAYOUT_DEFAULTS: LayoutOptions = { columnWidth: 180, rowHeight: 100 };

/** A sequence of the flow: plain nodes, and blocks (a condition or parallel step with its branches and join). */
type Item = { node: string } | { block: string; join: string; branches: Item[][] };

const isBlockKind = (kind: string | undefined) => kind === 'condition' || kind === 'parallel';

/** Read the block structure back from the edges (edge order is branch order). */
export function readSequence(input: LayoutInput, from = '#start', stop: string | null = null): Item[] {
  const kinds = new Map(input.nodes.map((n) => [n.id, n.kind]));
  const out = new Map<string, string[]>();
  for (const e of input.edges) out.set(e.from, [...(out.get(e.from) ?? []), e.to]);
  const seen = new Set<string>();
  const read = (start: string | undefined, until: string | null): Item[] => {
    const items: Item[] = [];
    let current = start;
    while (current !== undefined && current !== until && kinds.has(current) && !seen.has(current)) {
      seen.add(current);
      if (isBlockKind(kinds.get(current))) {
        const join = `${current}#join`;
        const branches = (out.get(current) ?? []).map((to) => (to === join ? [] : read(to, join)));
        items.push({ block: current, join, branches });
        seen.add(join);
        current = out.get(join)?.[0];
      } else {
        items.push({ node: current });
        current = out.get(current)?.[0];
      }
    }
    return items;
  };
  return read(from, stop);
}

/** Columns a sequence needs. */
function widthOf(items: Item[]): number {
  return Math.max(1, ...items.map((i) => ('node' in i ? 1 : Math.max(1, i.branches.reduce((sum, b) => sum + widthOf(b), 0)))));
}

/** Rows a sequence needs (an empty branch needs none). */
function rowsOf(items: Item[]): number {
  return items.reduce((sum, i) => sum + ('node' in i ? 1 : 2 + Math.max(0, ...i.branches.map(rowsOf))), 0);
}

function autoLayout(input: LayoutInput, opts: LayoutOptions): GraphLayout {
  const items = readSequence(input);
  const positions = new Map<string, Point>();
  const lanes = new Map<string, number>();
  const at = (col: number, row: number): Point => ({ x: col * opts.columnWidth, y: row * opts.rowHeight + opts.rowHeight / 2 });
  const place = (seq: Item[], left: number, width: number, firstRow: number) => {
    let row = firstRow;
    const centre = left + width / 2;
    for (const item of seq) {
      if ('node' in item) {
        positions.set(item.node, at(centre, row++));
        continue;
      }
      positions.set(item.block, at(centre, row++));
      const widths = item.branches.map((b) => widthOf(b));
      let x = left + (width - widths.reduce((a, b) => a + b, 0)) / 2;
      item.branches.forEach((b, i) => {
        if (!b.length) lanes.set(`${item.block}|${i}`, (x + widths[i] / 2) * opts.columnWidth);
        place(b, x, widths[i], row);
        x += widths[i];
      });
      row += Math.max(0, ...item.branches.map(rowsOf));
      positions.set(item.join, at(centre, row++));
    }
  };
  const width = widthOf(items);
  place(items, 0, width, 0);
  // Anything the walk did not reach (a graph that is not block-structured) goes underneath, not nowhere.
  let extra = rowsOf(items);
  for (const n of input.nodes) if (!positions.has(n.id)) positions.set(n.id, at(width / 2, extra++));
  return { positions, width: width * opts.columnWidth, height: extra * opts.rowHeight, source: 'auto', lanes };
}

function storedLayout(input: LayoutInput, opts: LayoutOptions): GraphLayout {
  const positions = new Map<string, Point>();
  for (const n of input.nodes) if (n.position) positions.set(n.id, { ...n.position });
  // Joins sit under the lowest node of their branches, inner blocks first.
  const placeJoins = (seq: Item[]): number[] => {
    const ys: number[] = [];
    for (const item of seq) {
      if ('node' in item) {
        const p = positions.get(item.node);
        if (p) ys.push(p.y);
        continue;
      }
      const own = positions.get(item.block)!;
      const inner = item.branches.flatMap(placeJoins);
      const y = Math.max(own.y, ...inner) + opts.rowHeight;
      positions.set(item.join, { x: own.x, y });
      ys.push(own.y, ...inner, y);
    }
    return ys;
  };
  const items = readSequence(input);
  placeJoins(items);
  const placed = [...positions.values()];
  const top = Math.min(...placed.map((p) => p.y));
  const bottom = Math.max(...placed.map((p) => p.y));
  const steps = items.filter((i) => !('node' in i) || (i.node !== '#start' && i.node !== '#end'));
  const first = steps[0] ? positions.get('node' in steps[0] ? steps[0].node : steps[0].block) : undefined;
  const last = steps[steps.length - 1];
  const lastPoint = last ? positions.get('node' in last ? last.node : last.join) : undefined;
  positions.set('#start', { x: first?.x ?? 0, y: top - opts.rowHeight });
  positions.set('#end', { x: lastPoint?.x ?? 0, y: bottom + opts.rowHeight });
  for (const n of input.nodes) if (!positions.has(n.id)) positions.set(n.id, { x: 0, y: bottom + 2 * opts.rowHeight });

  // Shift into view: the leftmost node's box and the topmost row start at 0.
  const all = [...positions.values()];
  const dx = opts.columnWidth / 2 - Math.min(...all.map((p) => p.x));
  const dy = opts.rowHeight / 2 - Math.min(...all.map((p) => p.y));
  for (const p of all) {
    p.x += dx;
    p.y += dy;
  }
  return {
    positions,
    width: Math.max(...all.map((p) => p.x)) + opts.columnWidth / 2,
    height: Math.max(...all.map((p) => p.y)) + opts.rowHeight / 2,
    source: 'stored',
    lanes: new Map(),
  };
}

export function layoutGraph(input: LayoutInput, opts: LayoutOptions = LAYOUT_DEFAULTS): GraphLayout {
  return input.positioned ? storedLayout(input, opts) : autoLayout(input, opts);
}
