// KQL values as the interpreter holds them: plain JS values whose KQL type is known when the query is compiled.
// Strings are JS strings, long/int/real are numbers, bool is boolean, datetime is milliseconds since the epoch,
// timespan is milliseconds, dynamic arrays are JS arrays, null is null. No value carries its type at run time (no
// wrapper object per row): every compiled expression has a static type, and arithmetic, ordering and output are
// chosen from it once.
import { toEpochMs } from '../../events/model.js';
import { assertNever } from '../../util/assert-never.js';

export type KValue = null | string | number | boolean | KValue[] | { [key: string]: unknown };

/** The column types of Kusto.Language table schemas. `dynamic` holds JSON (arrays, bags, scalars). */
export type KType = 'string' | 'int' | 'long' | 'real' | 'decimal' | 'datetime' | 'timespan' | 'bool' | 'guid' | 'dynamic';

/**
 * A static type: the KQL type, and for a dynamic array made by an aggregate (make_set, make_list) the type of its
 * elements, so that a set of datetimes is still printed and ordered as datetimes.
 */
export interface StaticType {
  type: KType;
  elem?: StaticType;
}

export const T = {
  string: { type: 'string' },
  long: { type: 'long' },
  real: { type: 'real' },
  bool: { type: 'bool' },
  datetime: { type: 'datetime' },
  timespan: { type: 'timespan' },
  dynamic: { type: 'dynamic' },
} as const satisfies Record<string, StaticType>;

export function arrayOf(elem: StaticType): StaticType {
  return { type: 'dynamic', elem };
}

export function isNumeric(t: StaticType): boolean {
  return t.type === 'int' || t.type === 'long' || t.type === 'real' || t.type === 'decimal';
}

/** Types whose values are numbers at run time (ordered and compared numerically). */
export function isNumberValued(t: StaticType): boolean {
  return isNumeric(t) || t.type === 'datetime' || t.type === 'timespan';
}

export class KqlRuntimeError extends Error {}

const SPAN_UNITS: Record<string, number> = { d: 86400_000, h: 3600_000, m: 60_000, s: 1000, ms: 1, microsecond: 0.001, tick: 0.0001 };

/** `5m`, `1h`, `2d`, `30s`, `100ms` → milliseconds. */
export function parseTimespanLiteral(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(d|h|m|s|ms|microsecond|tick)$/.exec(text.trim());
  if (!m) throw new KqlRuntimeError(`unsupported timespan literal '${text}'`);
  return Number(m[1]) * SPAN_UNITS[m[2]!]!;
}

/** Two ASCII digits of `s` at `i` as a number, or NaN. */
function digits2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : NaN;
}

/**
 * The text toISOString writes (2026-11-23T11:30:00.000Z), read field by field: most event times have exactly this
 * shape, and reading it costs no regular expression and no Date. Anything else (or a day past the 28th, which
 * needs the month's length checked) returns undefined for toEpochMs to read.
 */
function isoZ(s: string): number | undefined {
  if (s.length !== 24 || s.charCodeAt(23) !== 90 /* Z */ || s.charCodeAt(10) !== 84 /* T */) return undefined;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 46) return undefined;
  const y = digits2(s, 0) * 100 + digits2(s, 2);
  const mo = digits2(s, 5);
  const d = digits2(s, 8);
  const h = digits2(s, 11);
  const mi = digits2(s, 14);
  const sec = digits2(s, 17);
  const ms = digits2(s, 20) * 10 + (s.charCodeAt(22) - 48);
  // NaN fails every comparison below.
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= 28 && h <= 23 && mi <= 59 && sec <= 59 && y >= 0 && ms >= 0 && ms <= 999)) return undefined;
  // Events of one day share the day's start: Date.UTC runs once per day, not per row.
  if (y !== lastDay[0] || mo !== lastDay[1] || d !== lastDay[2]) {
    lastDay[0] = y;
    lastDay[1] = mo;
    lastDay[2] = d;
    lastDay[3] = Date.UTC(y, mo - 1, d);
  }
  return lastDay[3]! + h * 3_600_000 + mi * 60_000 + sec * 1000 + ms;
}

/** The last day isoZ read: year, month, day, and its start in ms. */
const lastDay = [-1, -1, -1, 0];

// Rows of one second often carry the same time text: remember the last one read.
let lastTimeText: string | undefined;
let lastTime: number | null = null;

/** An event time as milliseconds, or null. */
function datetimeOf(v: unknown): number | null {
  if (typeof v !== 'string') return toEpochMs(v) ?? null;
  if (v === lastTimeText) return lastTime;
  // detc's one reading of a time (no zone: UTC, as in Kusto), never the machine's local time.
  const ms = isoZ(v) ?? toEpochMs(v) ?? null;
  lastTimeText = v;
  lastTime = ms;
  return ms;
}

/** How an event value of a column of `type` becomes a KQL value: chosen once per column, applied per row. */
export function decoder(type: KType): (v: unknown) => KValue {
  switch (type) {
    case 'string':
    case 'guid':
      // KQL strings are never null: a missing string is "".
      return (v) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
    case 'datetime':
      return (v) => (v === undefined || v === null ? null : datetimeOf(v));
    case 'timespan':
      return (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    case 'int':
    case 'long':
      return (v) => {
        if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : null;
        if (v === undefined || v === null || v === '') return null;
        const n = Number(v);
        return Number.isFinite(n) ? Math.trunc(n) : null;
      };
    case 'real':
    case 'decimal':
      return (v) => {
        if (typeof v === 'number') return Number.isFinite(v) ? v : null;
        if (v === undefined || v === null || v === '') return null;
        const n = Number(v);
        return Number.isFinite(n) ? n : null;
      };
    case 'bool':
      return (v) => (v === undefined || v === null ? null : v === true || v === 'true' || v === 'True' || v === 1);
    case 'dynamic':
      return (v) => (v === undefined ? null : (v as KValue));
    default:
      return assertNever(type, 'KQL column type');
  }
}

/** An event value as a KQL value of the column's declared type (`decoder` for one value). */
export function fromEvent(v: unknown, type: string): KValue {
  return decoder(type as KType)(v);
}

/** A datetime as ISO 8601 text (how `tostring` and the output print it). */
export function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

/** A timespan as Kusto prints it: [-][d.]hh:mm:ss[.fffffff]. */
export function timespanText(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let ticks = Math.round(Math.abs(ms) * 10_000);
  const frac = ticks % 10_000_000;
  ticks = (ticks - frac) / 10_000_000;
  const s = ticks % 60;
  const m = Math.floor(ticks / 60) % 60;
  const h = Math.floor(ticks / 3600) % 24;
  const d = Math.floor(ticks / 86400);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${sign}${d ? `${d}.` : ''}${two(h)}:${two(m)}:${two(s)}${frac ? `.${String(frac).padStart(7, '0')}` : ''}`;
}

/** A value of static type `t` as text (tostring, the string operators): null is "". */
export function textOf(v: KValue, t: StaticType): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return t.type === 'datetime' ? isoOf(v) : t.type === 'timespan' ? timespanText(v) : String(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A KQL value of static type `t` as a plain output value: datetimes as ISO 8601 text, timespans in seconds. */
export function outputOf(v: KValue, t: StaticType): unknown {
  if (v === null) return null;
  if (typeof v === 'number') return t.type === 'datetime' ? isoOf(v) : t.type === 'timespan' ? v / 1000 : v;
  if (Array.isArray(v)) {
    const e = t.elem ?? T.dynamic;
    return v.map((x) => outputOf(x, e));
  }
  return v;
}

/** Key for distinct values of dynamic content (arrays, bags, mixed scalars): type-aware (1 and "1" differ). */
export function valueKey(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `a:${JSON.stringify(v.map(valueKey))}`;
  if (typeof v === 'object') return `o:${JSON.stringify(v)}`;
  return `${typeof v}:${String(v)}`;
}

/**
 * A key for values of one static type in a Map or Set: the value itself for scalars (a column holds one type, so
 * 1 and "1" never meet), a text key for dynamic content.
 */
export function keyOf(t: StaticType): ((v: KValue) => unknown) | undefined {
  return t.type === 'dynamic' ? valueKey : undefined;
}

/** Ordering used by sort and array_sort_asc: numbers numerically, strings ordinally, booleans false first. */
export function compare(a: KValue, b: KValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const s = typeof a === 'string' ? a : JSON.stringify(a);
  const t = typeof b === 'string' ? b : JSON.stringify(b);
  return s < t ? -1 : s > t ? 1 : 0;
}

export function isEmpty(v: KValue): boolean {
  return v === null || v === '';
}
