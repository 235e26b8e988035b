/**
 * Rows with a parent id nested into a tree. The rows arrive in sibling order (the caller's
 * ORDER BY), and appending keeps every children array in that order; a row whose parent is not
 * among the rows becomes a root.
 */
export function nestByParent<R extends { id: string; parentId?: string | null }, N extends { children: N[] }>(rows: R[], toNode: (row: R) => N): N[] {
  const nodes = new Map(rows.map((r) => [r.id, toNode(r)]));
  const roots: N[] = [];
  for (const r of rows) {
    const parent = r.parentId ? nodes.get(r.parentId) : undefined;
    (parent ? parent.children : roots).push(nodes.get(r.id)!);
  }
  return roots;
}
