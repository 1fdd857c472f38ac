import type { SharedList } from '../ir/types.js';

/** RFC 4180 quoting: only where a field needs it. */
function cell(s: string): string {
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A shared list as the CSV a Sentinel watchlist or a Splunk lookup reads: a header (`value` first, as named by
 * `valueColumn`) and the list's metadata columns that any entry fills, one row per entry, in file order.
 */
export function listCsv(list: SharedList, valueColumn = 'Value', capitalise = true): string {
  const extra = (['comment', 'owner', 'expires'] as const).filter((k) => list.entries.some((e) => e[k] !== undefined));
  const name = (k: string) => (capitalise ? k[0]!.toUpperCase() + k.slice(1) : k);
  const rows = [[valueColumn, ...extra.map(name)], ...list.entries.map((e) => [e.value, ...extra.map((k) => e[k] ?? '')])];
  return rows.map((r) => r.map(cell).join(',')).join('\n') + '\n';
}
