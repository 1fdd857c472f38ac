/**
 * Splits one CSV record (RFC 4180 quoting), as read line by line. Returns undefined when a quoted field continues
 * on the next line (join the next line and split again).
 */
export function splitCsv(line: string): string[] | undefined {
  const { records, unclosed } = scanCsv(line);
  return unclosed ? undefined : (records[0] ?? ['']);
}

/**
 * The records of a CSV text (RFC 4180): a quoted field may hold commas, doubled quotes and line breaks; records end
 * at LF or CRLF outside quotes. Blank lines are skipped. An unterminated quote is an error, not a silent cut.
 */
export function parseCsv(text: string): string[][] {
  const { records, unclosed } = scanCsv(text);
  if (unclosed) throw new Error('CSV: a quoted field is not closed before the end of the text');
  return records;
}

/** The one CSV reader: the records of `text`, and whether it ends inside a quoted field (cut there). */
function scanCsv(text: string): { records: string[][]; unclosed: boolean } {
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
  if (!quoted && (record.length || cur !== '' || wasQuoted)) endRecord();
  return { records, unclosed: quoted };
}

/** A small CSV file (a watchlist, a lookup) as records keyed by its header; fields may span lines (RFC 4180). */
export function readCsvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h, r[i] ?? ''])));
}
