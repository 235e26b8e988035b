/** Small helpers shared by the permission tests. */

export interface MenuNodeLike {
  key: string;
  children: MenuNodeLike[];
}

/** A tree as an indented outline of keys: easy to compare and to read in a failure. */
export const outline = (nodes: MenuNodeLike[], depth = 0): string[] =>
  nodes.flatMap((n) => [`${'  '.repeat(depth)}${n.key}`, ...outline(n.children, depth + 1)]);
