// Alerts of an engine against DuckDB's, on the columns the engine expresses (its `keys`: every output column for
// the reference, KQL and SPL; the window and group-by columns for Sigma). Values are compared by meaning, as
// `detc test` compares engines: numbers and numeric strings as numbers, timestamps (ISO text or epoch ms) as
// instants, null and '' alike, value sets as sets.

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?$/;

function scalar(v) {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  if (typeof v === 'string' && ISO.test(v)) return Date.parse(v.endsWith('Z') || /[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
  return v;
}

function value(v) {
  if (Array.isArray(v)) return v.map(scalar).filter((x) => x !== null).sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  return scalar(v);
}

/** One alert as comparable text, on the given columns. */
const key = (row, columns) => JSON.stringify(columns.map((c) => value(row[c])));

/**
 * Compares two alert lists as multisets on `columns`. Returns { equal, missing, extra, example }: how many of
 * DuckDB's alerts the engine lacks, how many it has beyond them, and one differing alert of each side.
 */
export function compareAlerts(engineRows, duckRows, columns) {
  const count = new Map();
  for (const r of duckRows) count.set(key(r, columns), (count.get(key(r, columns)) ?? 0) + 1);
  let extra = 0;
  let extraExample;
  for (const r of engineRows) {
    const k = key(r, columns);
    const n = count.get(k) ?? 0;
    if (n > 0) count.set(k, n - 1);
    else {
      extra++;
      extraExample ??= k;
    }
  }
  const left = [...count].filter(([, n]) => n > 0);
  const missing = left.reduce((s, [, n]) => s + n, 0);
  return { equal: missing === 0 && extra === 0, missing, extra, example: { missing: left[0]?.[0], extra: extraExample } };
}
