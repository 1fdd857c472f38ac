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

// Control characters but tab, DEL, C1 controls (NEL included) and U+2028/2029: each ends a line somewhere.
const BREAKS = '\\u0000-\\u0008\\u000a-\\u001f\\u007f-\\u009f\\u2028\\u2029';
const BREAK_RUN = new RegExp(`[\\s${BREAKS}]*[${BREAKS}][\\s${BREAKS}]*`, 'gu');

/**
 * Text for a place that has no escapes and ends at a line break (a `//` or `#` comment, a conf line): every run of
 * whitespace holding a control character or a line break (NEL and U+2028/2029 too) becomes one space. The loader
 * refuses such characters in names and titles; this keeps the place one line whatever a template or mapping passes.
 */
export function oneLine(s: string): string {
  return s.replace(BREAK_RUN, ' ').trim();
}
