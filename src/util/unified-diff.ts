/** A unified diff (3 lines of context) between two texts, by longest common subsequence of lines. */
export function unifiedDiff(a: string, b: string, fromName: string, toName: string, context = 3): string {
  const x = a.split('\n');
  const y = b.split('\n');
  // LCS table; generated files are small (queries, rule files), so O(n·m) is fine.
  const n = x.length;
  const m = y.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: { t: ' ' | '-' | '+'; s: string; i: number; j: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) ops.push({ t: ' ', s: x[i]!, i: i++, j: j++ });
    // On a tie, the removed line comes first, as diff(1) prints it.
    else if (i < n && (j >= m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) ops.push({ t: '-', s: x[i]!, i: i++, j });
    else ops.push({ t: '+', s: y[j]!, i, j: j++ });
  }
  const out = [`--- ${fromName}`, `+++ ${toName}`];
  for (let k = 0; k < ops.length; ) {
    if (ops[k]!.t === ' ') { k++; continue; }
    const start = Math.max(0, k - context);
    let end = k;
    // Extend the hunk while changes are within 2·context lines of each other.
    for (let last = k; end < ops.length; end++) {
      if (ops[end]!.t !== ' ') last = end;
      else if (end - last > 2 * context) { end = last + context + 1; break; }
    }
    end = Math.min(end, ops.length);
    const hunk = ops.slice(start, end);
    const aStart = hunk[0]!.i + 1;
    const bStart = hunk[0]!.j + 1;
    const aLen = hunk.filter((o) => o.t !== '+').length;
    const bLen = hunk.filter((o) => o.t !== '-').length;
    out.push(`@@ -${aStart},${aLen} +${bStart},${bLen} @@`, ...hunk.map((o) => `${o.t}${o.s}`));
    k = end;
  }
  return out.join('\n');
}
