import { eventTimeProblem, type Row } from './model.js';
import { DATA_SOURCES } from '../ir/sources.js';
import { splitCsv } from './csv.js';
import { EventFormatError, type Line } from './lines.js';

/** Formats every project reads, whatever its targets: canonical JSON lines, CEF syslog and Zeek conn.log. */
export const BUILTIN_EVENT_FORMATS = ['canonical', 'cef', 'zeek'] as const;
export type EventFormat = string;

type Lines = AsyncIterable<Line>;
/** An event and the line it starts on. */
type Numbered = { row: Row; n: number };

/**
 * A target's own export format (named after the target: `sentinel`, `splunk`): how its rows are laid out, and the
 * converter of its native fields to canonical ones (the target's field mapping, read backwards).
 */
export interface NativeFormat {
  /** `json-lines`: one JSON object per line; `json-or-csv`: that, or CSV with a header row (told by the first line). */
  layout: 'json-lines' | 'json-or-csv';
  /** Native row → canonical event, for one source; throws when the target has no mapping for the source. */
  converter(source: string): (o: Row) => Row;
}

/** Every format a project can read: the built-in ones, then each enabled target's export format, in registry order. */
export function eventFormats(natives: Record<string, NativeFormat>): string[] {
  return [BUILTIN_EVENT_FORMATS[0], ...Object.keys(natives), ...BUILTIN_EVENT_FORMATS.slice(1)];
}

/**
 * Reads events of one data source from lines in one of the supported formats and yields canonical events.
 * A target's export format is turned into canonical fields through that target's own field mapping, so a mapping
 * bug shows up as a disagreement between engines, not as a silently different input.
 */
export async function* readEvents(lines: Lines, format: EventFormat, source: string, file: string, natives: Record<string, NativeFormat>): AsyncGenerator<Row> {
  // Every format ends in canonical events, whose time the event model judges: a time that is not one, or one far
  // from now (epoch seconds read as milliseconds), would otherwise drop the event silently from every lookback.
  const timeField = DATA_SOURCES[source]?.time ?? 'time';
  for await (const { row, n } of numberedEvents(utf8Lines(lines, file), format, source, file, natives)) {
    const problem = eventTimeProblem(row[timeField]);
    if (problem) throw new EventFormatError(file, n, `${timeField}: ${problem}`);
    yield row;
  }
}

/** The lines, refusing one whose bytes are not UTF-8: read leniently, its values would hold U+FFFD and match nothing. */
async function* utf8Lines(lines: Lines, file: string): AsyncGenerator<Line> {
  for await (const l of lines) {
    if (l.notUtf8 !== undefined) throw new EventFormatError(file, l.n, `byte 0x${l.notUtf8.toString(16).toUpperCase().padStart(2, '0')} is not UTF-8: save the events as UTF-8`);
    yield l;
  }
}

async function* numberedEvents(lines: Lines, format: EventFormat, source: string, file: string, natives: Record<string, NativeFormat>): AsyncGenerator<Numbered> {
  const native = Object.hasOwn(natives, format) ? natives[format] : undefined;
  if (native) {
    let convert: (o: Row) => Row;
    try {
      convert = native.converter(source);
    } catch {
      throw new EventFormatError(file, 1, `no ${format} mapping for source ${source}`);
    }
    yield* native.layout === 'json-or-csv' ? jsonOrCsvRows(lines, file, convert) : jsonLines(lines, file, convert);
    return;
  }
  switch (format) {
    case 'canonical':
      yield* jsonLines(lines, file, (o) => o);
      return;
    case 'cef':
      if (source !== 'network_connection') throw new EventFormatError(file, 1, 'cef events are network_connection events');
      for await (const { line, n } of lines) {
        if (!line.trim()) continue;
        yield { row: parseCef(line, file, n), n };
      }
      return;
    case 'zeek':
      if (source !== 'network_connection') throw new EventFormatError(file, 1, 'zeek conn.log events are network_connection events');
      yield* zeekConn(lines, file);
      return;
    default:
      throw new EventFormatError(file, 1, `unknown event format '${format}' (${eventFormats(natives).join(', ')})`);
  }
}

async function* jsonLines(lines: Lines, file: string, convert: (o: Row) => Row): AsyncGenerator<Numbered> {
  for await (const { line, n } of lines) {
    const t = line.trim();
    if (!t) continue;
    let o: unknown;
    try {
      o = JSON.parse(t);
    } catch (e) {
      throw new EventFormatError(file, n, `not a JSON object: ${(e as Error).message}`);
    }
    if (!o || typeof o !== 'object' || Array.isArray(o)) throw new EventFormatError(file, n, 'each line must be one JSON object');
    yield { row: convert(o as Row), n };
  }
}

/**
 * JSON lines, or CSV with a header row of column names (told by the first line), as Log Analytics exports are.
 * CSV cells are text; the converter makes numbers of the integer fields.
 */
async function* jsonOrCsvRows(lines: Lines, file: string, convert: (o: Row) => Row): AsyncGenerator<Numbered> {
  let header: string[] | undefined;
  /** Columns whose header says ` [UTC]` (the Log Analytics portal's export): their times are UTC. */
  let utc = new Set<number>();
  let json: boolean | undefined;
  let pending = '';
  let pendingStart = 0;
  for await (const { line, n } of lines) {
    if (json === undefined) {
      if (!line.trim()) continue;
      json = line.trim().startsWith('{');
    }
    if (json) {
      yield* jsonLines((async function* () { yield { line, n }; })(), file, convert);
      continue;
    }
    const record = pending ? `${pending}\n${line}` : line;
    const cells = splitCsv(record);
    if (!cells) {
      if (!pending) pendingStart = n;
      pending = record;
      continue;
    }
    // A record continued over several lines is reported on the line it starts on.
    const start = pending ? pendingStart : n;
    pending = '';
    if (!header) {
      const names = cells.map((c) => c.replace(/^\uFEFF/, ''));
      utc = new Set(names.map((c, i) => (/ \[UTC\]$/.test(c) ? i : -1)).filter((i) => i >= 0));
      header = names.map((c) => c.replace(/ \[UTC\]$/, ''));
      continue;
    }
    if (cells.length === 1 && cells[0] === '') continue;
    if (cells.length !== header.length) throw new EventFormatError(file, start, `expected ${header.length} columns, got ${cells.length}`);
    const o: Row = {};
    header.forEach((h, i) => {
      const v = cells[i]!;
      if (v !== '') o[h] = utc.has(i) ? portalTime(v) : v;
    });
    yield { row: convert(o), n: start };
  }
  if (pending) throw new EventFormatError(file, pendingStart, 'unterminated quoted CSV field');
}

/**
 * A time of a ` [UTC]` column as the Log Analytics portal exports it, `11/23/2026, 11:30:10.000 AM` (month first),
 * as ISO 8601 UTC for the event model; any other text is left as it is (ISO 8601 passes, the rest is refused).
 */
function portalTime(v: string): string {
  const m = /^(\d\d?)\/(\d\d?)\/(\d{4}),? (\d\d?):(\d\d):(\d\d)(\.\d+)? ?(AM|PM)$/i.exec(v.trim());
  if (!m) return v;
  const h = (Number(m[4]) % 12) + (m[8]!.toUpperCase() === 'PM' ? 12 : 0);
  if (Number(m[4]) > 12) return v;
  const two = (x: string | number) => String(x).padStart(2, '0');
  return `${m[3]}-${two(m[1]!)}-${two(m[2]!)}T${two(h)}:${m[5]}:${m[6]}${m[7] ?? ''}Z`;
}

// CEF extension keys (ArcSight CEF spec) → canonical network_connection fields.
const CEF_KEYS: Record<string, string> = {
  src: 'src_ip', c6a2: 'src_ip', spt: 'src_port', dst: 'dst_ip', c6a3: 'dst_ip', dpt: 'dst_port', proto: 'protocol',
  act: 'action', deviceDirection: 'direction', dvchost: 'device_name', out: 'bytes_sent', in: 'bytes_received',
};
const CEF_INT = new Set(['src_port', 'dst_port', 'bytes_sent', 'bytes_received']);

/** One CEF syslog line: optional syslog prefix, `CEF:0|vendor|product|version|id|name|severity|k=v k=v ...`. */
export function parseCef(line: string, file: string, n: number): Row {
  const start = line.indexOf('CEF:');
  if (start < 0) throw new EventFormatError(file, n, 'no CEF header (CEF:0|...)');
  const header: string[] = [];
  let i = start + 4;
  let cur = '';
  while (i < line.length && header.length < 7) {
    const c = line[i]!;
    if (c === '\\' && (line[i + 1] === '|' || line[i + 1] === '\\')) {
      cur += line[i + 1];
      i += 2;
      continue;
    }
    if (c === '|') {
      header.push(cur);
      cur = '';
    } else cur += c;
    i++;
  }
  if (header.length < 7) throw new EventFormatError(file, n, 'CEF header needs 7 |-separated fields');
  const ext = parseCefExtension(line.slice(i));
  const e: Row = { device_vendor: header[1], device_product: header[2] };
  for (const [k, v] of Object.entries(ext)) {
    const f = CEF_KEYS[k];
    if (!f || v === '') continue;
    e[f] = CEF_INT.has(f) ? Number(v) : v;
  }
  const t = ext.rt ?? ext.start ?? ext.end;
  if (t !== undefined) e.time = /^\d+$/.test(t) ? Number(t) : cefTime(t);
  else {
    // Syslog RFC 5424 timestamp before the CEF payload.
    const m = /(\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:\d\d))/.exec(line.slice(0, start));
    if (m) e.time = m[1];
  }
  return e;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * CEF's text form of a time, `MMM dd yyyy HH:mm:ss[.SSS][ zone]` (the spec's other form is epoch milliseconds), as
 * ISO 8601 for the event model; a zone other than UTC/GMT/Z or ±hh:mm, or any other text, is left for the model
 * to refuse.
 */
function cefTime(t: string): string {
  const m = /^([A-Za-z]{3}) (\d\d?) (\d{4}) (\d\d:\d\d:\d\d(?:\.\d+)?)(?: (UTC|GMT|Z|[+-]\d\d:?\d\d))?$/i.exec(t.trim());
  const month = m ? MONTHS.indexOf(m[1]!.toLowerCase()) : -1;
  if (!m || month < 0) return t;
  const zone = !m[5] || /^(UTC|GMT|Z)$/i.test(m[5]) ? 'Z' : m[5];
  return `${m[3]}-${String(month + 1).padStart(2, '0')}-${m[2]!.padStart(2, '0')}T${m[4]}${zone}`;
}

/** k=v pairs where values may contain spaces: a value runs until the next ` key=`. `\=`, `\\`, `\n` are escapes. */
function parseCefExtension(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /(?:^|\s)([A-Za-z0-9_.]+)=/g;
  const keys: { key: string; at: number; valueStart: number }[] = [];
  for (let m = re.exec(s); m; m = re.exec(s)) {
    // A key preceded by an escaped '=' is part of a value.
    keys.push({ key: m[1]!, at: m.index, valueStart: m.index + m[0].length });
  }
  keys.forEach((k, idx) => {
    const end = idx + 1 < keys.length ? keys[idx + 1]!.at : s.length;
    out[k.key] = s.slice(k.valueStart, end).trim().replace(/\\([=\\])/g, '$1').replace(/\\n/g, '\n').replace(/\\r/g, '\r');
  });
  return out;
}

// Zeek conn.log fields → canonical network_connection fields.
const ZEEK: Record<string, string> = {
  ts: 'time', 'id.orig_h': 'src_ip', 'id.orig_p': 'src_port', 'id.resp_h': 'dst_ip', 'id.resp_p': 'dst_port',
  proto: 'protocol', conn_state: 'action', orig_bytes: 'bytes_sent', resp_bytes: 'bytes_received',
};

/** Zeek conn.log as TSV (with its #separator/#fields header) or as JSON lines. `ts` is epoch seconds. */
async function* zeekConn(lines: Lines, file: string): AsyncGenerator<Numbered> {
  let fields: string[] | undefined;
  let sep = '\t';
  const fieldNames = Object.keys(DATA_SOURCES.network_connection!.fields);
  const convert = (o: Record<string, unknown>): Row => {
    const e: Row = { device_vendor: 'Zeek', device_product: 'conn.log' };
    for (const [k, v] of Object.entries(o)) {
      const f = ZEEK[k];
      if (!f || !fieldNames.includes(f) || v === '-' || v === '(empty)' || v === '' || v === null) continue;
      // ts is epoch seconds (with microseconds); Zeek's JSON writer can also write ISO 8601 text, read as such.
      if (f === 'time') e.time = typeof v === 'number' || /^\d+(\.\d+)?$/.test(String(v)) ? Math.round(Number(v) * 1000) : v;
      else if (f.endsWith('_port') || f.startsWith('bytes_')) e[f] = Number(v);
      else e[f] = v;
    }
    // ICMP "ports" in Zeek are type/code, not ports: canonical ICMP has no destination port.
    if (e.protocol === 'icmp') delete e.dst_port, delete e.src_port;
    return e;
  };
  for await (const { line, n } of lines) {
    if (!line.trim()) continue;
    if (line.startsWith('#separator')) {
      sep = line.slice('#separator'.length).trim().replace(/\\x([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
      continue;
    }
    if (line.startsWith('#fields')) {
      fields = line.split(sep).slice(1);
      continue;
    }
    if (line.startsWith('#')) continue;
    if (line.trimStart().startsWith('{')) {
      let o: unknown;
      try {
        o = JSON.parse(line);
      } catch (e) {
        throw new EventFormatError(file, n, `not a JSON object: ${(e as Error).message}`);
      }
      yield { row: convert(o as Record<string, unknown>), n };
      continue;
    }
    if (!fields) throw new EventFormatError(file, n, 'Zeek TSV needs a #fields header line before the data');
    const cells = line.split(sep);
    // A header naming fewer (or more) fields than a row has shifts or drops columns without a word: refuse it.
    if (cells.length !== fields.length) throw new EventFormatError(file, n, `${cells.length} fields, but the #fields header names ${fields.length} (${fields.join(' ')})`);
    yield { row: convert(Object.fromEntries(fields.map((f, i) => [f, cells[i]]))), n };
  }
}
