// Escaping for KQL string literals and for the Sentinel YAML / ARM JSON that carry the query.

import { cQuote } from '../quote.js';

/**
 * A KQL double-quoted string literal. Backslash and quote are escaped; control and non-ASCII characters become
 * \uXXXX (UTF-16 units, surrogate pairs for astral characters) so that the query, and the Sentinel YAML holding it,
 * stay pure ASCII: the Azure-Sentinel CI rejects any non-ASCII character in a rule file.
 */
export function kqlString(s: string): string {
  return cQuote(s, (ch) => ch.codePointAt(0)! < 0x20 || ch.codePointAt(0)! > 0x7e);
}

/** A KQL dynamic array literal of strings: dynamic(["a", "b"]). */
export function kqlDynamicStrings(values: string[]): string {
  return `dynamic([${values.map(kqlString).join(', ')}])`;
}

/** A column or alias name; bracket-quote anything that is not a plain identifier. */
export function kqlName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `[${kqlString(name)}]`;
}

/** Durations are written the same way in KQL, SPL and Sigma (<n><d|h|m|s>): one formatter serves all. */
export { formatDuration as kqlTimespan } from '../../load/duration.js';

/** A KQL number literal (long for integers, real otherwise). */
export function kqlNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a finite number: ${n}`);
  return Number.isInteger(n) ? String(n) : `real(${n})`;
}

/** An ISO 8601 duration for the ARM API: 3900 → PT1H5M, 86400 → P1D. */
export function isoDuration(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  let rest = seconds % 86400;
  const h = Math.floor(rest / 3600);
  rest %= 3600;
  const m = Math.floor(rest / 60);
  const s = rest % 60;
  const time = `${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s ? `${s}S` : ''}`;
  return `P${d ? `${d}D` : ''}${time ? `T${time}` : ''}` || 'PT0S';
}

/** A double-quoted YAML scalar that is pure ASCII (JSON strings are valid YAML; non-ASCII becomes \uXXXX). */
export function yamlAscii(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/**
 * A YAML value for multi-line text: a literal block scalar when the text is printable ASCII without trailing
 * spaces (readable in review), otherwise an escaped double-quoted scalar.
 */
export function yamlText(s: string, indent: string): string {
  const text = s.replace(/\s+$/, '');
  const blockSafe = /^[\x20-\x7e\n]*$/.test(text) && !/ \n|\n\n\n/.test(text) && !/^\s/.test(text) && text.length > 0;
  if (!blockSafe) return yamlAscii(text);
  return '|-\n' + text.split('\n').map((l) => (l ? indent + l : '')).join('\n');
}

/** ARM evaluates strings that start with '[' as template expressions; '[[' escapes a literal '['. */
export function armString(s: string): string {
  return s.startsWith('[') ? '[' + s : s;
}

/** A KQL datetime literal for epoch milliseconds (UTC). */
export function kqlDatetime(ms: number): string {
  return `datetime(${new Date(ms).toISOString()})`;
}
