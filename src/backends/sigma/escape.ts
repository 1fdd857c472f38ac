// Escaping for Sigma values (wildcards), regular expressions, and the YAML scalars that carry them.
import { cQuote } from '../quote.js';

/**
 * A plain (non-`re`) Sigma value that matches `s` literally. Sigma treats `*` and `?` as wildcards and `\` as
 * their escape (spec: `\*` literal star, `\\*` backslash then wildcard, `\\\*` backslash then literal star).
 * A backslash is doubled only when the next character is `*`, `?` or `\`; otherwise it stays single, as in
 * SigmaHQ's `'\nmap.exe'` (a backslash not followed by a special character is literal).
 */
export function sigmaValue(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '*' || c === '?') out += '\\' + c;
    else if (c === '\\') {
      const next = s[i + 1];
      out += next === '*' || next === '?' || next === '\\' ? '\\\\' : '\\';
    } else out += c;
  }
  return out;
}

/** Inverse of sigmaValue for values without unescaped wildcards (used by tests and for checks). */
export function unescapeSigmaValue(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const next = s[i + 1];
    if (c === '\\' && (next === '*' || next === '?' || next === '\\')) {
      out += next;
      i++;
    } else out += c;
  }
  return out;
}

/**
 * A regular-expression literal for `s` in the PCRE subset Sigma's `re` modifier allows. Every metacharacter is
 * escaped with a backslash; `/`, `-` and whitespace are literal outside a character class and stay as they are.
 */
export function regexLiteral(s: string): string {
  return s.replace(/[\\^$.|?*+()[\]{}]/g, (c) => '\\' + c);
}

const ALNUM = /[A-Za-z0-9]/;

/**
 * KQL `has` semantics as a Sigma regex (no lookarounds): no ASCII letter/digit right before the needle when its
 * first character is alphanumeric, none right after when its last character is alphanumeric.
 */
export function hasRegex(needle: string): string {
  const first = needle[0] ?? '';
  const last = needle[needle.length - 1] ?? '';
  const pre = ALNUM.test(first) ? '(^|[^A-Za-z0-9])' : '';
  const post = ALNUM.test(last) ? '([^A-Za-z0-9]|$)' : '';
  return pre + regexLiteral(needle) + post;
}

/** Characters that force a double-quoted YAML scalar: C0 controls (but not in block text), DEL, C1, line/paragraph separators, BOM. */
// eslint-disable-next-line no-control-regex
const NEEDS_DOUBLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

/** A YAML double-quoted scalar; non-ASCII printable characters stay UTF-8. */
export function yamlDouble(s: string): string {
  return cQuote(s, (ch) => NEEDS_DOUBLE.test(ch), { '\0': '\\0' });
}

/**
 * A YAML string scalar in SigmaHQ style: single-quoted (`'` doubled), or double-quoted with escapes when the
 * text holds a newline or another control character (a single-quoted scalar would fold line breaks).
 */
export function yamlString(s: string): string {
  if (NEEDS_DOUBLE.test(s)) return yamlDouble(s);
  return `'${s.replace(/'/g, "''")}'`;
}

/** A YAML scalar for a number or a string. */
export function yamlScalar(v: string | number | boolean | null): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
    return String(v);
  }
  return yamlString(v);
}

/**
 * Multi-line text (a description) under a key at `indent` spaces: a literal block scalar (`|`, `|-`, `|+` by the
 * number of trailing newlines) indented 4 more, or a single scalar when it is one line or cannot be a block.
 */
export function yamlText(s: string, indent: number): string {
  const body = s.replace(/\n+$/, '');
  const trailing = s.length - body.length;
  const lines = body.split('\n');
  const blockable =
    body.includes('\n') &&
    !/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/.test(body) && // eslint-disable-line no-control-regex
    !/^[ ]/.test(body) &&
    lines.every((l) => l === '' || /\S/.test(l));
  if (!blockable) return yamlString(s);
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const pad = ' '.repeat(indent + 4);
  const tail = trailing > 1 ? '\n'.repeat(trailing - 1) : '';
  return `|${chomp}\n` + lines.map((l) => (l === '' ? '' : pad + l)).join('\n') + tail;
}

/** Durations are written the same way in KQL, SPL and Sigma (<n><d|h|m|s>): one formatter serves all. */
export { formatDuration as sigmaTimespan } from '../../load/duration.js';
