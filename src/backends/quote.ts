const SHORT: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A double-quoted, backslash-escaped literal in the C style that KQL strings, JSON and YAML double-quoted scalars
 * share: `\\`, `\"`, `\n`, `\r`, `\t`, plus `extra` short escapes, and `\uXXXX` (UTF-16 units) for every
 * character `hex` selects.
 */
export function cQuote(s: string, hex: (ch: string) => boolean, extra: Record<string, string> = {}): string {
  let out = '"';
  for (const ch of s) {
    const short = SHORT[ch] ?? extra[ch];
    if (short) out += short;
    else if (hex(ch)) for (let i = 0; i < ch.length; i++) out += '\\u' + ch.charCodeAt(i).toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

/**
 * Text for a place that has no escapes and ends at a line break (a `//` or `#` comment): every run of control
 * characters, line breaks (NEL and U+2028/2029 too) and spaces becomes one space. The loader refuses such
 * characters in names and titles; this keeps a comment one line whatever a template or a mapping passes in.
 */
export function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]+/gu, ' ').trim();
}
