import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface TableSchema {
  name: string;
  file: string;
  columns: { name: string; type: string }[];
}

export const KQL_TYPES = ['string', 'int', 'long', 'real', 'decimal', 'datetime', 'timespan', 'bool', 'guid', 'dynamic'];

/** Parses a `.create table Name (Col: type, ...)` command; `//` comments are ignored. */
export function parseCreateTable(text: string, file: string): TableSchema {
  const body = text.replace(/\/\/.*$/gm, '');
  const m = /\.create\s+table\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(([\s\S]*)\)\s*$/.exec(body.trim());
  if (!m) throw new Error(`${file}: expected '.create table <Name> (<Column>: <type>, ...)'`);
  const columns = m[2]!
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean)
    .map((c) => {
      const cm = /^([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([a-z]+)$/.exec(c);
      if (!cm || !KQL_TYPES.includes(cm[2]!)) throw new Error(`${file}: bad column declaration '${c}' (types: ${KQL_TYPES.join(', ')})`);
      return { name: cm[1]!, type: cm[2]! };
    });
  return { name: m[1]!, file, columns };
}

/** Every *.csl file in the directory, sorted by name. */
export function loadTableSchemas(dir: string): TableSchema[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.csl'))
    .sort()
    .map((f) => parseCreateTable(readFileSync(path.join(dir, f), 'utf8'), path.join(dir, f)));
}
