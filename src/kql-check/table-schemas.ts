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

const FUNCTION = /^\s*\.create\s+function\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(/;

/** `.create function Name(<params, which may hold parentheses>) { body }` split at the parameter list's end. */
function parseFunction(text: string): { name: string; parameters: string; body: string } | undefined {
  const m = FUNCTION.exec(text);
  if (!m) return undefined;
  let depth = 0;
  let i = m[0].length - 1;
  for (; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) break;
  }
  const body = text.slice(i + 1).trim();
  if (depth !== 0 || !body.startsWith('{') || !body.endsWith('}')) return undefined;
  return { name: m[1]!, parameters: text.slice(m[0].length - 1, i + 1).replace(/\s+/g, ''), body };
}

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
    const fn = FUNCTION.test(f.text) ? parseFunction(f.text) : undefined;
    if (FUNCTION.test(f.text) && !fn) throw new Error(`${f.file}: expected '.create function <Name>(<parameters>) { <body> }'`);
    return fn ? [{ ...fn, file: f.file }] : [];
  });
}
