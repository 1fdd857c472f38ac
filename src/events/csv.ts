/** Splits one CSV record (RFC 4180 quoting). Returns undefined when a quoted field continues on the next line. */
export function splitCsv(line: string): string[] | undefined {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"' && cur === '') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (quoted) return undefined;
  out.push(cur);
  return out;
}

/** A small CSV file (a watchlist, a lookup) as records keyed by its header; one record per line. */
export function readCsvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = text.split(/\r?\n/).filter((l) => l !== '').map((l) => splitCsv(l) ?? []);
  return rows.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h, r[i] ?? ''])));
}
