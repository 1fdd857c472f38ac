import { eventTime, type EventBatch, type Row } from './model.js';
import { DATA_SOURCES } from '../ir/sources.js';
import { splitCsv } from './csv.js';
import { EventFormatError, type Line, type LineBatch } from './lines.js';
import { ownText } from './own-text.js';

/** Formats every project reads, whatever its targets: canonical JSON lines, CEF syslog and Zeek conn.log. */
export const BUILTIN_EVENT_FORMATS = ['canonical', 'cef', 'zeek'] as const;
export type EventFormat = string;

type Lines = AsyncIterable<Line>;

/**
 * A target's own export format (named after the target: `sentinel`, `splunk`): how its rows are laid out, and the
 * converter of its native fields to canonical ones (the target's field mapping, read backwards).
 */
export interface NativeFormat {
  /** `json-lines`: one JSON object per line; `json-or-csv`: that, or CSV with a header row (told by the first line). */
  layout: 'json-lines' | 'json-or-csv';
  /**
   * Native row → canonical event, for one source; throws when the target has no mapping for the source. With
   * `fields`, only those canonical fields are made.
   */
  converter(source: string, fields?: ReadonlySet<string>): (o: Row) => Row;
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
  const decode = eventDecoder(format, source, file, natives);
  let batch: LineBatch = { lines: [], first: 1, bytes: 0 };
  for await (const l of lines) {
    // Line by line: an error stops the stream at its line, after the events before it.
    batch = l.notUtf8 === undefined ? { lines: [l.line], first: l.n, bytes: 0 } : { lines: [], first: l.n, bytes: 0, notUtf8: l.notUtf8 };
    yield* decode.batch(batch).rows;
  }
  decode.end();
}

/** Canonical events of batches of lines, in batches with their times (see eventDecoder). */
export async function* readEventBatches(batches: AsyncIterable<LineBatch>, format: EventFormat, source: string, file: string, natives: Record<string, NativeFormat>, fields?: ReadonlySet<string>): AsyncGenerator<EventBatch & { bytes: number }> {
  const decode = eventDecoder(format, source, file, natives, fields);
  for await (const b of batches) yield { ...decode.batch(b), bytes: b.bytes };
  decode.end();
}

/** Decodes the lines of one input, batch after batch, into canonical events with their times read once. */
export interface EventDecoder {
  /** The events the lines complete; throws EventFormatError naming the line of the first problem. */
  batch(lines: LineBatch): EventBatch;
  /** The input ended: throws when it ends inside a record. */
  end(): void;
}

/** A format's reading of one line: calls `emit` with each event the line completes, and the line it started on. */
interface LineReader {
  line(line: string, n: number, emit: (row: Row, n: number) => void): void;
  end?(): void;
}

/**
 * `fields`: the canonical fields a rule reads (its time field among them). Given, a target's export is mapped only
 * for those (canonical events are kept as they are read); without it, every field.
 */
export function eventDecoder(format: EventFormat, source: string, file: string, natives: Record<string, NativeFormat>, fields?: ReadonlySet<string>): EventDecoder {
  // Every format ends in canonical events, whose time the event model judges: a time that is not one, or one far
  // from now (epoch seconds read as milliseconds), would otherwise drop the event silently from every lookback.
  const timeField = DATA_SOURCES[source]?.time ?? 'time';
  let reader: LineReader | undefined;
  let out: EventBatch = { rows: [], times: [] };
  const emit = (row: Row, n: number) => {
    const t = eventTime(row[timeField]);
    if (typeof t === 'string') throw new EventFormatError(file, n, `${timeField}: ${t}`);
    out.rows.push(row);
    out.times.push(t);
  };
  return {
    batch(b) {
      // Made on the first batch, as the line-by-line reader did on its first line: a format error names line 1.
      reader ??= lineReader(format, source, file, natives, fields);
      out = { rows: [], times: [] };
      const { lines, first } = b;
      for (let i = 0; i < lines.length; i++) reader.line(lines[i]!, first + i, emit);
      // The lines' own byte that is not UTF-8: read leniently, its values would hold U+FFFD and match nothing.
      if (b.notUtf8 !== undefined) throw new EventFormatError(file, first + lines.length, `byte 0x${b.notUtf8.toString(16).toUpperCase().padStart(2, '0')} is not UTF-8: save the events as UTF-8`);
      return out;
    },
    end() {
      reader ??= lineReader(format, source, file, natives, fields);
      reader.end?.();
    },
  };
}

function lineReader(format: EventFormat, source: string, file: string, natives: Record<string, NativeFormat>, fields: ReadonlySet<string> | undefined): LineReader {
  const native = Object.hasOwn(natives, format) ? natives[format] : undefined;
  if (native) {
    let convert: (o: Row) => Row;
    try {
      // JSON.parse still reads every field of a line. Reading only the rule's fields was measured twice, on the
      // benchmark's lines (6 of 10 fields): a scanner in JavaScript took 2x the CPU time of JSON.parse plus this
      // projection; one regular expression per key order took 0.8x, but the values it captures are V8 sliced
      // strings that keep their whole chunk of the file alive (memory grew with rows), and copying them made it
      // 1.1x. JSON.parse makes strings of their own.
      convert = native.converter(source, fields);
    } catch {
      throw new EventFormatError(file, 1, `no ${format} mapping for source ${source}`);
    }
    return native.layout === 'json-or-csv' ? jsonOrCsvRows(file, convert) : jsonLines(file, convert);
  }
  switch (format) {
    case 'canonical':
      return jsonLines(file, (o) => o);
    case 'cef':
      if (source !== 'network_connection') throw new EventFormatError(file, 1, 'cef events are network_connection events');
      return {
        line(line, n, emit) {
          if (line.trim()) emit(parseCef(line, file, n), n);
        },
      };
    case 'zeek':
      if (source !== 'network_connection') throw new EventFormatError(file, 1, 'zeek conn.log events are network_connection events');
      return zeekConn(file);
    default:
      throw new EventFormatError(file, 1, `unknown event format '${format}' (${eventFormats(natives).join(', ')})`);
  }
}

function jsonLines(file: string, convert: (o: Row) => Row): LineReader {
  return {
    line(line, n, emit) {
      const o = jsonObject(line, file, n);
      if (o) emit(convert(o), n);
    },
  };
}

/** The JSON object of one line, or undefined for a blank line. */
function jsonObject(line: string, file: string, n: number): Row | undefined {
  // JSON.parse skips the surrounding blanks itself; only a blank line needs telling apart.
  if (line.charCodeAt(0) !== 123 /* { */ && !line.trim()) return undefined;
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    // Blanks JSON does not skip (a byte order mark, a no-break space) are trimmed, as text around an object.
    try {
      o = JSON.parse(line.trim());
    } catch (e) {
      throw new EventFormatError(file, n, `not a JSON object: ${(e as Error).message}`);
    }
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw new EventFormatError(file, n, 'each line must be one JSON object');
  return o as Row;
}

/**
 * JSON lines, or CSV with a header row of column names (told by the first line), as Log Analytics exports are.
 * CSV cells are text; the converter makes numbers of the integer fields.
 */
function jsonOrCsvRows(file: string, convert: (o: Row) => Row): LineReader {
  let header: string[] | undefined;
  /** Columns whose header says ` [UTC]` (the Log Analytics portal's export): their times are UTC. */
  let utc: boolean[] = [];
  let json: boolean | undefined;
  let pending = '';
  let pendingStart = 0;
  return {
    line(line, n, emit) {
      if (json === undefined) {
        if (!line.trim()) return;
        json = line.trim().startsWith('{');
      }
      if (json) {
        const o = jsonObject(line, file, n);
        if (o) emit(convert(o), n);
        return;
      }
      const record = pending ? `${pending}\n${line}` : line;
      const cells = splitCsv(record);
      if (!cells) {
        if (!pending) pendingStart = n;
        pending = record;
        return;
      }
      // A record continued over several lines is reported on the line it starts on.
      const start = pending ? pendingStart : n;
      pending = '';
      if (!header) {
        const names = cells.map((c) => c.replace(/^\uFEFF/, ''));
        utc = names.map((c) => / \[UTC\]$/.test(c));
        header = names.map((c) => c.replace(/ \[UTC\]$/, ''));
        return;
      }
      if (cells.length === 1 && cells[0] === '') return;
      if (cells.length !== header.length) throw new EventFormatError(file, start, `expected ${header.length} columns, got ${cells.length}`);
      const o: Row = {};
      for (let i = 0; i < header.length; i++) {
        const v = cells[i]!;
        if (v !== '') o[header[i]!] = utc[i] ? portalTime(v) : v;
      }
      emit(convert(o), start);
    },
    end() {
      if (pending) throw new EventFormatError(file, pendingStart, 'unterminated quoted CSV field');
    },
  };
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
    // Values cut out of the line: of their own, so that a group keeping one does not keep the file's chunk.
    e[f] = CEF_INT.has(f) ? Number(v) : ownText(v);
  }
  const t = ext.rt ?? ext.start ?? ext.end;
  if (t !== undefined) e.time = /^\d+$/.test(t) ? Number(t) : cefTime(t);
  else {
    // Syslog RFC 5424 timestamp before the CEF payload.
    const m = /(\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:\d\d))/.exec(line.slice(0, start));
    if (m) e.time = ownText(m[1]!);
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
function zeekConn(file: string): LineReader {
  let fields: string[] | undefined;
  let sep = '\t';
  const fieldNames = Object.keys(DATA_SOURCES.network_connection!.fields);
  // `cut`: the values are TSV cells cut out of the line, to be copied (own-text.ts); JSON.parse's are their own.
  const convert = (o: Record<string, unknown>, cut: boolean): Row => {
    const own = (v: string): string => (cut ? ownText(v) : v);
    const e: Row = { device_vendor: 'Zeek', device_product: 'conn.log' };
    for (const [k, v] of Object.entries(o)) {
      const f = ZEEK[k];
      if (!f || !fieldNames.includes(f) || v === '-' || v === '(empty)' || v === '' || v === null) continue;
      // ts is epoch seconds (with microseconds); Zeek's JSON writer can also write ISO 8601 text, read as such.
      if (f === 'time') e.time = typeof v === 'number' || /^\d+(\.\d+)?$/.test(String(v)) ? Math.round(Number(v) * 1000) : typeof v === 'string' ? own(v) : v;
      else if (f.endsWith('_port') || f.startsWith('bytes_')) e[f] = Number(v);
      else e[f] = typeof v === 'string' ? own(v) : v;
    }
    // ICMP "ports" in Zeek are type/code, not ports: canonical ICMP has no destination port.
    if (e.protocol === 'icmp') delete e.dst_port, delete e.src_port;
    return e;
  };
  return {
    line(line, n, emit) {
        if (!line.trim()) return;
        if (line.startsWith('#separator')) {
          sep = line.slice('#separator'.length).trim().replace(/\\x([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
          return;
        }
        if (line.startsWith('#fields')) {
          fields = line.split(sep).slice(1);
          return;
        }
        if (line.startsWith('#')) return;
        if (line.trimStart().startsWith('{')) {
          let o: unknown;
          try {
            o = JSON.parse(line);
          } catch (e) {
            throw new EventFormatError(file, n, `not a JSON object: ${(e as Error).message}`);
          }
          emit(convert(o as Record<string, unknown>, false), n);
          return;
        }
        if (!fields) throw new EventFormatError(file, n, 'Zeek TSV needs a #fields header line before the data');
        const cells = line.split(sep);
        // A header naming fewer (or more) fields than a row has shifts or drops columns without a word: refuse it.
        if (cells.length !== fields.length) throw new EventFormatError(file, n, `${cells.length} fields, but the #fields header names ${fields.length} (${fields.join(' ')})`);
        emit(convert(Object.fromEntries(fields.map((f, i) => [f, cells[i]])), true), n);
    },
  };
}
