// The canonical event model: what a value of a canonical event or an output row is, what "missing" means, how
// times are read, and how values are ordered and compared. The reference evaluator, the engine harness and the
// verification harness all read values through this one module (docs/semantics.md is the prose of it).

/** A canonical event or an output row: field → value (string, number, array, or missing). */
export type Row = Record<string, unknown>;

/** Canonical events: an array, or a stream read once. */
export type Events = Iterable<Row> | AsyncIterable<Row>;

/**
 * Events read from files in one piece per chunk: `times[i]` is the time of `rows[i]` in ms, read once by the
 * reader (which refuses an event without a valid time), so no later stage parses it again.
 */
export interface EventBatch {
  rows: Row[];
  times: number[];
}

/**
 * Events that can also be read batch by batch (the file readers); iterating them event by event still works.
 * `timeField` is the canonical field the batches' times were read from.
 */
export interface BatchedEvents extends AsyncIterable<Row> {
  readonly timeField: string;
  batches(): AsyncIterable<EventBatch>;
}

export function isBatched(events: Events): events is BatchedEvents {
  return typeof (events as Partial<BatchedEvents>).batches === 'function';
}

/**
 * Events in batches with their times (ms, NaN when not a time), whatever their kind: a batched reader's own
 * batches (when its times are of `timeField`), else batches made from the array or stream. Each call is a new read.
 */
export async function* batchesOf(events: Events, timeField: string, size = 1024): AsyncGenerator<EventBatch> {
  if (isBatched(events) && events.timeField === timeField) {
    yield* events.batches();
    return;
  }
  let batch: EventBatch = { rows: [], times: [] };
  for await (const e of events as AsyncIterable<Row>) {
    batch.rows.push(e);
    batch.times.push(toEpochMs(e[timeField]) ?? Number.NaN);
    if (batch.rows.length >= size) {
      yield batch;
      batch = { rows: [], times: [] };
    }
  }
  if (batch.rows.length) yield batch;
}

/** Canonical missing: absent, null, undefined or the empty string (docs/semantics.md, "Missing values"). */
export function isMissing(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

/**
 * Absent in a native store that keeps empty strings as values (Sigma's `field: null` means "not there", and `''`
 * is a value there): only undefined or null. Canonical rules never use this; interpreters of such languages do.
 */
export function isAbsent(v: unknown): boolean {
  return v === undefined || v === null;
}

/** Numbers and numeric strings become numbers; anything else is missing. */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

// ISO 8601 / RFC 3339 date and time (`T` or a space between them), seconds and fraction optional, zone optional.
const ISO_TIME = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d+))?)?)?\s*(Z|[+-]\d\d(?::?\d\d)?)?$/i;

/**
 * An event time: ISO 8601 text, a number of milliseconds since the epoch, or a Date; undefined otherwise. Text
 * without a zone is UTC (as SIEM exports write it: Log Analytics' "TimeGenerated [UTC]" column), never the
 * machine's local time, so a fixture means the same instant on every machine. Nothing else is guessed: "yesterday",
 * "Nov 23 2026" and 31 February are not times.
 */
export function toEpochMs(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.getTime();
  if (typeof v !== 'string') return undefined;
  const fast = isoUtcMs(v);
  if (fast !== undefined) return fast;
  const m = ISO_TIME.exec(v.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  const ms = Number(`${m[7] ?? ''}000`.slice(0, 3));
  // Date.UTC rolls 2026-02-31 over into March; such text is not a time.
  if (mo < 1 || mo > 12 || d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate() || h > 23 || mi > 59 || s > 59) return undefined;
  const utc = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const zone = /^([+-])(\d\d):?(\d\d)?$/.exec(m[8] ?? '');
  if (!zone) return utc; // Z, or no zone: UTC
  const [zh, zm] = [Number(zone[2]), Number(zone[3] ?? 0)];
  if (zh > 23 || zm > 59) return undefined;
  return utc - (zone[1] === '+' ? 1 : -1) * (zh * 60 + zm) * 60_000;
}

/**
 * The common shape of exported times, `2026-11-23T11:30:00Z` or with milliseconds (`.123Z`), read digit by digit:
 * the same instant as the general reading below, several times faster. Undefined for any other text, which the
 * general reading then judges.
 */
function isoUtcMs(v: string): number | undefined {
  const len = v.length;
  if ((len !== 20 && len !== 24) || v.charCodeAt(len - 1) !== 90 /* Z */ || v.charCodeAt(10) !== 84 /* T */) return undefined;
  if (v.charCodeAt(4) !== 45 || v.charCodeAt(7) !== 45 || v.charCodeAt(13) !== 58 || v.charCodeAt(16) !== 58) return undefined;
  if (len === 24 && v.charCodeAt(19) !== 46 /* . */) return undefined;
  // Plain locals and a top-level helper: this runs once per event of every file read.
  const y = digits(v, 0, 4);
  const mo = digits(v, 5, 7);
  const d = digits(v, 8, 10);
  const h = digits(v, 11, 13);
  const mi = digits(v, 14, 16);
  const s = digits(v, 17, 19);
  const ms = len === 24 ? digits(v, 20, 23) : 0;
  if (y < 0 || ms < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59) return undefined;
  // Date.UTC rolls 2026-02-31 over into March: such text is left to the general reading, which refuses it.
  if (d > 28 && d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return undefined;
  return Date.UTC(y, mo - 1, d, h, mi, s, ms);
}

/**
 * True when `v` is a time written exactly as `Date.prototype.toISOString` writes it (`2026-11-23T11:30:00.000Z`,
 * years 0100-9999: Date.UTC reads years 0-99 as 1900-1999): mapping such a time to ISO text again gives `v` itself,
 * with no Date made per event.
 */
export function isIsoString(v: unknown): v is string {
  return typeof v === 'string' && v.length === 24 && !v.startsWith('00') && isoUtcMs(v) !== undefined;
}

/**
 * isIsoString for a value already read as a time (toEpochMs gave a number): the punctuation of toISOString's form
 * is then enough, since a text of that shape is read as a time only when every other character is a digit of a
 * valid date (both readings above refuse anything else), and its reading written again is the text itself.
 */
export function isIsoShaped(v: unknown): v is string {
  return typeof v === 'string' && v.length === 24 && v.charCodeAt(23) === 90 /* Z */ && v.charCodeAt(10) === 84 /* T */ && v.charCodeAt(19) === 46 /* . */ &&
    v.charCodeAt(4) === 45 && v.charCodeAt(7) === 45 && v.charCodeAt(13) === 58 && v.charCodeAt(16) === 58 && !v.startsWith('00');
}

/** The decimal number written in `v` from `from` to `to`, or -1 when a character there is not a digit. */
function digits(v: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = v.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** Event times detc accepts from files: 2000-01-01 up to 2100-01-01 (UTC). Outside is a unit or format mistake. */
export const PLAUSIBLE_TIMES = { from: Date.UTC(2000, 0, 1), to: Date.UTC(2100, 0, 1) } as const;

/**
 * Why `v` is not an event time of a file, or undefined when it is one: missing, not a time (toEpochMs), or outside
 * PLAUSIBLE_TIMES, which is what epoch seconds read as milliseconds (January 1970) or microseconds (year 58000) give.
 */
export function eventTimeProblem(v: unknown): string | undefined {
  const t = eventTime(v);
  return typeof t === 'string' ? t : undefined;
}

/** An event time of a file in ms, or why `v` is not one (eventTimeProblem's message): the time is read once. */
export function eventTime(v: unknown): number | string {
  if (isMissing(v)) return 'the event has no time';
  const t = toEpochMs(v);
  const unit = 'ISO 8601 (2026-11-23T11:30:00Z; without a zone it is UTC) or milliseconds since the epoch';
  if (t === undefined) return `${JSON.stringify(v)} is not a time: write ${unit}`;
  if (t >= PLAUSIBLE_TIMES.from && t < PLAUSIBLE_TIMES.to) return t;
  const read = Math.abs(t) <= 8.64e15 ? new Date(t).toISOString() : 'no date at all';
  const seconds = typeof v === 'number' && v * 1000 >= PLAUSIBLE_TIMES.from && v * 1000 < PLAUSIBLE_TIMES.to;
  return `${JSON.stringify(v)} reads as ${read}, outside 2000-2099${seconds ? ` (epoch seconds? canonical numeric times are milliseconds: ${v * 1000})` : ''}: write ${unit}`;
}

/** The canonical order of `sort`: missing first, numbers numerically, anything else as text. */
export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

/**
 * Value equality across engines: numbers and numeric strings compare as numbers (SPL returns everything as
 * text), ISO 8601 timestamps and epoch numbers compare as instants, null/""/absent alike, and value sets as sets
 * (the order of a `values` column is the backend's: SPL sorts as strings, KQL numerically; docs/semantics.md).
 */
export function sameValue(a: unknown, b: unknown): boolean {
  const na = norm(a);
  const nb = norm(b);
  if (Array.isArray(na) || Array.isArray(nb)) {
    const xa = Array.isArray(na) ? na : na === null ? [] : [na];
    const xb = Array.isArray(nb) ? nb : nb === null ? [] : [nb];
    if (xa.length !== xb.length) return false;
    const rest = [...xb];
    return xa.every((x) => {
      const i = rest.findIndex((y) => sameValue(x, y));
      return i >= 0 && rest.splice(i, 1).length === 1;
    });
  }
  return na === nb;
}

function norm(v: unknown): unknown {
  if (isMissing(v)) return null;
  if (Array.isArray(v)) return v;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
    if (/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(v)) return Date.parse(v);
    return v;
  }
  return v;
}

/** Rows projected on `keys`, as sorted strings: two engines agree when these lists are equal. */
export function projectRows(rows: Row[], keys: string[]): string[] {
  return rows
    .map((r) => JSON.stringify(keys.map((k) => normalizeForKey(r[k]))))
    .sort();
}

function normalizeForKey(v: unknown): unknown {
  const n = norm(v);
  if (!Array.isArray(n)) return n;
  return n.map(normalizeForKey).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}
