/** Line diff of two texts (longest common subsequence), for comparing template versions. */
export interface DiffLine {
  op: ' ' | '+' | '-';
  text: string;
  /** Line numbers in the old and new text (null where the line is not in that side). */
  a: number | null;
  b: number | null;
}

export function diffLines(oldText: string, newText: string): DiffLine[] {
  const a = oldText.split('\n');
  const b = newText.split('\n');
  const n = a.length;
  const m = b.length;
  // lcs[i][j] = length of the LCS of a[i..] and b[j..]; Uint16 keeps a 3000×3000 table at 18 MB.
  const lcs: Uint16Array[] = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ op: ' ', text: a[i], a: i + 1, b: j + 1 });
      i++;
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
      out.push({ op: '-', text: a[i], a: i + 1, b: null });
      i++;
    } else {
      out.push({ op: '+', text: b[j], a: null, b: j + 1 });
      j++;
    }
  }
  for (; i < n; i++) out.push({ op: '-', text: a[i], a: i + 1, b: null });
  for (; j < m; j++) out.push({ op: '+', text: b[j], a: null, b: j + 1 });
  return out;
}

/** Only changed lines with `context` lines around them; long unchanged runs collapse to one marker. */
export function hunks(lines: DiffLine[], context = 3): (DiffLine | { op: '…'; skipped: number })[] {
  const keep = new Array(lines.length).fill(false);
  lines.forEach((l, i) => {
    if (l.op === ' ') return;
    for (let k = Math.max(0, i - context); k <= Math.min(lines.length - 1, i + context); k++) keep[k] = true;
  });
  const out: (DiffLine | { op: '…'; skipped: number })[] = [];
  let skipped = 0;
  lines.forEach((l, i) => {
    if (keep[i]) {
      if (skipped) out.push({ op: '…', skipped });
      skipped = 0;
      out.push(l);
    } else skipped++;
  });
  if (skipped && out.length) out.push({ op: '…', skipped });
  return out;
}
