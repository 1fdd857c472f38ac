// KQL values as the interpreter holds them. Strings are JS strings, long/int/real are numbers, bool is boolean,
// dynamic arrays are JS arrays, null is null; datetime and timespan are wrapped so arithmetic knows their kind.
import { toEpochMs } from '../../events/model.js';

export class KDateTime {
  constructor(readonly ms: number) {}
}
export class KTimespan {
  constructor(readonly ms: number) {}
}

export type KValue = null | string | number | boolean | KDateTime | KTimespan | KValue[];

export class KqlRuntimeError extends Error {}

const SPAN_UNITS: Record<string, number> = { d: 86400_000, h: 3600_000, m: 60_000, s: 1000, ms: 1, microsecond: 0.001, tick: 0.0001 };

/** `5m`, `1h`, `2d`, `30s`, `100ms` → milliseconds. */
export function parseTimespanLiteral(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(d|h|m|s|ms|microsecond|tick)$/.exec(text.trim());
  if (!m) throw new KqlRuntimeError(`unsupported timespan literal '${text}'`);
  return Number(m[1]) * SPAN_UNITS[m[2]!]!;
}

/** An event value as a KQL value of the column's declared type. */
export function fromEvent(v: unknown, type: string): KValue {
  if (v === undefined || v === null) return type === 'string' ? '' : null;
  switch (type) {
    case 'datetime': {
      // detc's one reading of a time (no zone: UTC, as in Kusto), never the machine's local time.
      const ms = toEpochMs(v);
      return ms === undefined ? null : new KDateTime(ms);
    }
    case 'int':
    case 'long':
    case 'real': {
      if (v === '') return null;
      const n = Number(v);
      if (!Number.isFinite(n)) return null;
      return type === 'real' ? n : Math.trunc(n);
    }
    case 'bool':
      return v === true || v === 'true' || v === 'True' || v === 1;
    case 'dynamic':
      return Array.isArray(v) ? (v as KValue[]) : (v as KValue);
    default:
      return String(v);
  }
}

/** A KQL value as a plain output value: datetimes as ISO 8601 strings, empty strings and nulls as null. */
export function toOutput(v: KValue): unknown {
  if (v instanceof KDateTime) return new Date(v.ms).toISOString();
  if (v instanceof KTimespan) return v.ms / 1000;
  if (Array.isArray(v)) return v.map(toOutput);
  if (v === '') return null;
  return v;
}

/** Key for grouping and distinct counts: type-aware (1 and "1" differ, as in KQL). */
export function valueKey(v: KValue): string {
  if (v === null) return 'null';
  if (v instanceof KDateTime) return `d:${v.ms}`;
  if (v instanceof KTimespan) return `t:${v.ms}`;
  if (Array.isArray(v)) return `a:${JSON.stringify(v.map(valueKey))}`;
  return `${typeof v}:${String(v)}`;
}

/** Ordering used by sort and array_sort_asc: numbers numerically, strings ordinally, datetimes by time. */
export function compare(a: KValue, b: KValue): number {
  const x = a instanceof KDateTime || a instanceof KTimespan ? a.ms : a;
  const y = b instanceof KDateTime || b instanceof KTimespan ? b.ms : b;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  if (typeof x === 'boolean' && typeof y === 'boolean') return Number(x) - Number(y);
  const s = String(x);
  const t = String(y);
  return s < t ? -1 : s > t ? 1 : 0;
}

export function isNullish(v: KValue): boolean {
  return v === null;
}
