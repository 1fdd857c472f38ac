// The canonical event model: what a value of a canonical event or an output row is, what "missing" means, how
// times are read, and how values are ordered and compared. The reference evaluator, the engine harness and the
// verification harness all read values through this one module (docs/semantics.md is the prose of it).

/** A canonical event or an output row: field → value (string, number, array, or missing). */
export type Row = Record<string, unknown>;

/** Canonical events: an array, or a stream read once. */
export type Events = Iterable<Row> | AsyncIterable<Row>;

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

/** An event time: ISO 8601 text, a number of milliseconds since the epoch, or a Date; undefined otherwise. */
export function toEpochMs(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v) {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  if (v instanceof Date) return v.getTime();
  return undefined;
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
