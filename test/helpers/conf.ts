/**
 * A Splunk .conf file as Splunk reads it, for tests: `[stanza]` headers, `key = value` settings, `#` comment lines,
 * and a line ending in a backslash continuing on the next one (the newline is kept in the value). Returns the
 * stanzas in file order with their settings; a setting seen twice in a stanza is an error, as is a line that is none
 * of these.
 */
export function parseConf(text: string): { name: string; settings: Map<string, string> }[] {
  const lines = text.split('\n');
  const stanzas: { name: string; settings: Map<string, string> }[] = [{ name: '', settings: new Map() }];
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + '\n' + lines[++i]!;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const header = /^\[(.*)\]\s*$/.exec(line);
    if (header) {
      stanzas.push({ name: header[1]!, settings: new Map() });
      continue;
    }
    const kv = /^([^=\s][^=]*?)\s*=\s*([\s\S]*)$/.exec(line);
    if (!kv) throw new Error(`conf line ${i + 1} is neither a stanza, a setting nor a comment: ${JSON.stringify(line)}`);
    const settings = stanzas.at(-1)!.settings;
    if (settings.has(kv[1]!)) throw new Error(`conf line ${i + 1}: ${kv[1]} is set twice in [${stanzas.at(-1)!.name}]`);
    settings.set(kv[1]!, kv[2]!.trim());
  }
  return stanzas.filter((s, i) => i > 0 || s.settings.size > 0);
}
