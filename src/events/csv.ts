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

/**
 * The records of a CSV text (RFC 4180): a quoted field may hold commas, doubled quotes and line breaks; records end
 * at LF or CRLF outside quotes. Blank lines are skipped. An unterminated quote is an error, not a silent cut.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cur = '';
  let quoted = false;
  let wasQuoted = false;
  const endField = () => {
    record.push(cur);
    cur = '';
    wasQuoted = false;
  };
  const endRecord = () => {
    endField();
    records.push(record);
    record = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"' && cur === '') quoted = wasQuoted = true;
    else if (c === ',') endField();
    else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      if (c === '\r') i++;
      // A blank line is no record; a quoted field, even "", makes the line one.
      if (record.length === 0 && cur === '' && !wasQuoted) continue;
      endRecord();
    } else cur += c;
  }
  if (quoted) throw new Error('CSV: a quoted field is not closed before the end of the text');
  if (record.length || cur !== '' || wasQuoted) endRecord();
  return records;
}

/** A small CSV file (a watchlist, a lookup) as records keyed by its header; fields may span lines (RFC 4180). */
export function readCsvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h, r[i] ?? ''])));
}
