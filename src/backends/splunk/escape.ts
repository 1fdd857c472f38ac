// Escaping for SPL. Generated SPL filters with eval/where only (never the search command), where `*` and `?` are
// ordinary characters, comparisons are exact, and precedence is the usual NOT > AND > OR.

import { oneLine } from '../quote.js';

/**
 * An SPL string literal. `\` and `"` are escaped. A raw newline would break savedsearches.conf (one setting per
 * line), so control characters are spliced in with urldecode(): "a" . urldecode("%0A") . "b". So is a backtick:
 * Splunk documents that it does not expand `macro` calls inside quoted values, but not how its macro pass reads an
 * escaped quote inside one, so no literal backtick is left for it to read (docs/semantics.md).
 */
export function splString(s: string): string {
  const parts: string[] = [];
  let cur = '';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || code === 0x7f || ch === '`') {
      if (cur) parts.push(`"${cur}"`);
      cur = '';
      parts.push(`urldecode("%${code.toString(16).toUpperCase().padStart(2, '0')}")`);
    } else if (ch === '\\' || ch === '"') cur += '\\' + ch;
    else cur += ch;
  }
  if (cur || !parts.length) parts.push(`"${cur}"`);
  return parts.length === 1 ? parts[0]! : `(${parts.join(' . ')})`;
}

/**
 * A literal text as a PCRE pattern: metacharacters escaped, control characters as \x{..} (so the pattern is one
 * line) and backticks as \x{60} (so no `macro` call appears in the search text, as in splString).
 */
export function pcreLiteral(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || code === 0x7f || ch === '`') out += `\\x{${code.toString(16).toUpperCase().padStart(2, '0')}}`;
    else if (/[\\^$.|?*+()[\]{}]/.test(ch)) out += '\\' + ch;
    else out += ch;
  }
  return out;
}

/** A PCRE pattern inside an SPL string literal (backslashes and quotes escaped once more). */
export function splRegex(pattern: string): string {
  return `"${pattern.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A field name: bare when it is a plain name, else single-quoted. */
export function splField(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.]*$/.test(name) ? name : `'${name.replace(/'/g, '')}'`;
}

/** Durations are written the same way in KQL, SPL and Sigma (<n><d|h|m|s>): one formatter serves all. */
export { formatDuration as splSpan } from '../../load/duration.js';

/** A savedsearches.conf / macros.conf value: multi-line values continue with a trailing backslash. */
export function confValue(s: string): string {
  return s.trimEnd().split('\n').join(' \\\n');
}

/**
 * A one-line conf value for free text (descriptions, titles, stanza names): line breaks and control characters
 * become spaces, and trailing backslashes are dropped. A conf line that ends with a backslash continues on the next
 * line, which would swallow the next setting (`search = ...`), and the conf format has no escape for it.
 */
export function confText(s: string): string {
  return oneLine(s).replace(/[\s\\]+$/, '');
}
