// Values that every output writes on one line (a rule's name and alert title in KQL comments, conf stanza headers,
// YAML and ARM fields) and the cells of a shared list's CSV. A line break or other control character in them has
// no faithful form in a comment or a conf line, so it is refused here, at load, with the value's position. Every
// diagnostic about such characters is made in this file (facts DETC006, DETC109, DETC219; DETC007 for bytes that are not UTF-8 is in text-file.ts).

import { facts } from './diagnostic-facts.js';
import { diagnosticAt, type Diagnostic } from './diagnostics.js';

/**
 * C0 controls but tab (LF and CR included), DEL, C1 controls (NEL included) and the Unicode line and paragraph
 * separators: characters that end a line for KQL, JavaScript, YAML 1.1 (pySigma) or Splunk, or that no text field
 * of the outputs can show. A tab is ordinary whitespace everywhere.
 */
// eslint-disable-next-line no-control-regex
export const CONTROL_OR_LINE_BREAK = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/u;

/** `U+000A (line feed)` for the characters people meet; the code point for the rest. */
function describe(ch: string): string {
  const code = ch.codePointAt(0)!;
  const names: Record<number, string> = { 0x0a: 'line feed', 0x0d: 'carriage return', 0x85: 'next line', 0x2028: 'line separator', 0x2029: 'paragraph separator' };
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return names[code] ? `${hex} (${names[code]})` : hex;
}

/** The first control or line-break character of `s` and its 1-based position, or undefined. */
function firstControl(s: string): { ch: string; at: number } | undefined {
  const m = CONTROL_OR_LINE_BREAK.exec(s);
  return m ? { ch: m[0], at: [...s.slice(0, m.index)].length + 1 } : undefined;
}

export interface Place {
  file: string;
  line: number;
  col: number;
  path: string;
}

/** A one-line field of a rule (`name`, `alert.title`): an error when it holds a control or line-break character. */
export function oneLineField(value: string, what: string, place: Place): Diagnostic | undefined {
  const c = firstControl(value);
  return c && diagnosticAt(place, facts.oneLineText(what, c.at, describe(c.ch)));
}

/** A rule file's name lands in output paths and in the KQL header comment. */
export function ruleFileName(file: string): Diagnostic | undefined {
  const c = firstControl(file);
  return c && diagnosticAt({ file, line: 1, col: 1 }, facts.ruleFileNameControl(describe(c.ch)));
}

/** A cell of a shared list entry (value, comment, owner, ...), written to the watchlist and lookup CSVs. */
export function listCell(value: string, key: string, place: Omit<Place, 'path'>): Diagnostic | undefined {
  const c = firstControl(value);
  return c && diagnosticAt(place, facts.listCellControl(key, c.at, describe(c.ch)));
}
