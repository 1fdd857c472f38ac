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

const FUNCTION = /^\s*\.create\s+function\s+([A-Za-z_][A-Za-z0-9_]*)\s*(\([^)]*\))\s*(\{[\s\S]*\})\s*$/;

/** A workspace function (`.create function Name(params) { body }`), e.g. Sentinel's _GetWatchlist. */
export interface FunctionSchema {
  name: string;
  file: string;
  parameters: string;
  body: string;
}

function cslFiles(dir: string): { file: string; text: string }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.csl'))
    .sort()
    .map((f) => ({ file: path.join(dir, f), text: readFileSync(path.join(dir, f), 'utf8').replace(/\/\/.*$/gm, '') }));
}

/** Every table (*.csl with `.create table`) in the directory, sorted by file name. */
export function loadTableSchemas(dir: string): TableSchema[] {
  return cslFiles(dir).filter((f) => !FUNCTION.test(f.text)).map((f) => parseCreateTable(f.text, f.file));
}

/** Every function (*.csl with `.create function`) in the directory. */
export function loadFunctionSchemas(dir: string): FunctionSchema[] {
  return cslFiles(dir).flatMap((f) => {
    const m = FUNCTION.exec(f.text);
    return m ? [{ name: m[1]!, file: f.file, parameters: m[2]!.replace(/\s+/g, ''), body: m[3]! }] : [];
  });
}
