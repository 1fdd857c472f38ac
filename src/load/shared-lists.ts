import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readUtf8 } from './text-file.js';
import path from 'node:path';
import { Ajv } from 'ajv';
import type { ExternalStores, ListEntry, SharedList, SourcePos } from '../ir/types.js';
import { splitCsv } from '../events/csv.js';
import { parseCidr } from '../util/ip.js';
import { PACKAGE_ROOT } from '../util/paths.js';
import { facts, schemaFact, type Finding } from './diagnostic-facts.js';
import { diagnosticAt, type Diagnostic } from './diagnostics.js';
import { listCell } from './text-checks.js';
import { YamlSource } from './yaml-source.js';
import { codeVersion } from '../util/code-version.js';
import { ContentCache, isPlainData } from '../util/content-cache.js';

// Shared lists live in rules/lists/ as YAML (with per-entry comment, owner, expiry) or CSV (a header row; `#` lines
// before it carry type, description and provenance). One file per list; the file stem is the list's name.

const NAME = /^[a-z][a-z0-9_]*$/;
const COLUMNS: Record<SharedList['type'], string[]> = {
  cidr: ['value', 'comment', 'owner', 'expires'],
  string: ['value', 'comment', 'owner', 'expires'],
  int: ['value', 'comment', 'owner', 'expires'],
  window: ['value', 'start', 'end', 'ticket', 'comment', 'owner'],
};
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

let validate: ReturnType<Ajv['compile']> | undefined;

export interface SharedListsResult {
  lists: Map<string, SharedList>;
  diagnostics: Diagnostic[];
}

const isList = (v: unknown): v is SharedList => {
  const l = v as SharedList;
  return !!l && typeof l === 'object' && typeof l.name === 'string' && typeof l.file === 'string' && Array.isArray(l.entries);
};

/**
 * Every list under `<rulesDir>/lists/`, checked; diagnostics name file, line and column. With `cacheDir`, a YAML list
 * read cleanly before from the same text (and the same detc) is taken from there: its schema check needs ajv,
 * whose compiling of the schema was a second of `detc run`'s start-up. The entries' dates are checked every time.
 */
export function loadSharedLists(rulesDir: string, cwd: string, today = new Date().toISOString().slice(0, 10), cacheDir?: string): SharedListsResult {
  const dir = path.join(rulesDir, 'lists');
  const lists = new Map<string, SharedList>();
  const diagnostics: Diagnostic[] = [];
  if (!existsSync(dir)) return { lists, diagnostics };
  let cache: ContentCache<SharedList> | undefined;
  for (const name of readdirSync(dir).sort()) {
    const m = /^(.+)\.(ya?ml|csv)$/.exec(name);
    if (!m) continue;
    const file = path.relative(cwd, path.join(dir, name)).split(path.sep).join('/');
    const read = readUtf8(path.join(dir, name), file);
    if (read.diagnostic) {
      diagnostics.push(read.diagnostic);
      continue;
    }
    const text = read.text;
    const stem = m[1]!;
    const at: At = (line, col, finding) => diagnosticAt({ file, line, col }, finding);
    if (!NAME.test(stem)) {
      diagnostics.push(at(1, 1, facts.listFileName(stem)));
      continue;
    }
    if (lists.has(stem)) {
      diagnostics.push(at(1, 1, facts.listDefinedTwice(stem, lists.get(stem)!.file, file)));
      continue;
    }
    let list: SharedList | undefined;
    if (m[2] === 'csv') list = fromCsv(stem, file, text, diagnostics, at);
    else {
      cache ??= new ContentCache(cacheDir, 'lists', codeVersion, isList);
      const key = cache.enabled ? cache.key(stem, file, text) : '';
      list = cache.get(key);
      if (!list) {
        const before = diagnostics.length;
        list = fromYaml(stem, file, text, diagnostics);
        // Only a clean reading is remembered: a list with a problem is read (and reported) afresh every time.
        if (list && diagnostics.length === before && isPlainData(list)) cache.put(key, list);
      }
    }
    if (!list) continue;
    checkEntries(list, diagnostics, at, today);
    lists.set(stem, list);
  }
  return { lists, diagnostics };
}

type At = (line: number, col: number, finding: Finding) => Diagnostic;

function fromYaml(name: string, file: string, text: string, diagnostics: Diagnostic[]): SharedList | undefined {
  const src = new YamlSource(file, text);
  const syntax = src.syntaxDiagnostics();
  if (syntax.some((d) => d.severity === 'error')) {
    diagnostics.push(...syntax);
    return undefined;
  }
  const data = src.toJS() as Record<string, unknown>;
  validate ??= new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'json-schema/detc-list.schema.json'), 'utf8')));
  if (!validate(data)) {
    const errs = validate.errors ?? [];
    for (const e of errs) {
      // An entry is a scalar or a mapping (anyOf): report what is wrong inside the mapping, not both branches.
      if (e.keyword === 'anyOf' || (e.keyword === 'type' && errs.some((o) => o !== e && o.instancePath.startsWith(e.instancePath) && o.keyword !== 'anyOf' && o.keyword !== 'type'))) continue;
      const p = e.instancePath.slice(1).split('/').filter(Boolean).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
      const key = e.keyword === 'additionalProperties' ? String((e.params as { additionalProperty: string }).additionalProperty) : undefined;
      diagnostics.push(src.diagnostic(p, schemaFact(e.keyword)(key ? `unknown key '${key}'` : e.message ?? 'invalid'), key));
    }
    return undefined;
  }
  const type = data.type as SharedList['type'];
  const entries = (data.entries as (string | number | Record<string, unknown>)[]).map((e, i): ListEntry => {
    const { line, col } = src.locate(['entries', i]);
    if (typeof e !== 'object') return { value: String(e), line, col };
    const out: ListEntry = { value: String(e.value ?? ''), line, col };
    for (const k of ['comment', 'owner', 'expires', 'start', 'end', 'ticket'] as const) if (e[k] !== undefined) out[k] = e[k] instanceof Date ? (e[k] as Date).toISOString() : String(e[k]);
    return out;
  });
  return {
    name, type, description: String(data.description).trim(), provenance: data.provenance === undefined ? undefined : String(data.provenance).trim(), file, entries,
    ...(data.external ? { external: data.external as ExternalStores, externalPos: settingPositions(src, file, data.external as ExternalStores) } : {}),
  };
}

function fromCsv(name: string, file: string, text: string, diagnostics: Diagnostic[], at: At): SharedList | undefined {
  const lines = text.split(/\r?\n/);
  const meta: Record<string, string> = {};
  let i = 0;
  for (; i < lines.length && (lines[i]!.startsWith('#') || lines[i]!.trim() === ''); i++) {
    const m = /^#\s*([a-z]+)\s*:\s*(.*)$/.exec(lines[i]!);
    if (m) meta[m[1]!] = meta[m[1]!] ? `${meta[m[1]!]} ${m[2]!.trim()}` : m[2]!.trim();
  }
  const type = meta.type as SharedList['type'];
  if (!(type in COLUMNS)) {
    diagnostics.push(at(1, 1, facts.csvType(meta.type)));
    return undefined;
  }
  if (!meta.description) {
    diagnostics.push(at(1, 1, facts.csvDescription()));
    return undefined;
  }
  const header = splitCsv(lines[i] ?? '')?.map((h) => h.trim()) ?? [];
  const allowed = COLUMNS[type];
  const headerLine = i + 1;
  if (header[0] !== 'value') {
    diagnostics.push(at(headerLine, 1, facts.csvHeaderValue(allowed)));
    return undefined;
  }
  const unknown = header.find((h) => !allowed.includes(h));
  if (unknown !== undefined) {
    diagnostics.push(at(headerLine, 1, facts.csvUnknownColumn(unknown, type, allowed)));
    return undefined;
  }
  const entries: ListEntry[] = [];
  for (let j = i + 1; j < lines.length; j++) {
    const raw = lines[j]!;
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const cells = splitCsv(raw);
    if (!cells || cells.length !== header.length) {
      diagnostics.push(at(j + 1, 1, facts.csvColumnCount(header, cells?.length)));
      continue;
    }
    const e: ListEntry = { value: cells[0]!.trim(), line: j + 1 };
    header.slice(1).forEach((h, k) => {
      const v = cells[k + 1]!.trim();
      if (v !== '') (e as unknown as Record<string, string>)[h] = v;
    });
    entries.push(e);
  }
  return { name, type, description: meta.description, provenance: meta.provenance, file, entries };
}

function checkEntries(list: SharedList, diagnostics: Diagnostic[], at: At, today: string) {
  const seen = new Map<string, number>();
  for (const e of list.entries) {
    for (const k of ['value', 'comment', 'owner', 'expires', 'start', 'end', 'ticket'] as const) {
      const d = e[k] === undefined ? undefined : listCell(e[k]!, k, { file: list.file, line: e.line, col: e.col ?? 1 });
      if (d) diagnostics.push(d);
    }
    if (e.value === '') diagnostics.push(at(e.line, e.col ?? 1, facts.entryEmpty()));
    if (list.type === 'cidr' || list.type === 'window') {
      // Window sources may also be host names (for endpoint rules); only IP-looking values must parse.
      const ipLike = list.type === 'cidr' || /^[0-9.]+(\/\d+)?$|:/.test(e.value);
      const c = ipLike ? parseCidr(e.value) : undefined;
      if (typeof c === 'string') diagnostics.push(at(e.line, e.col ?? 1, facts.entryBadCidr(c)));
    }
    if (list.type === 'int' && !/^-?\d+$/.test(e.value)) diagnostics.push(at(e.line, e.col ?? 1, facts.entryNotInt(e.value)));
    else if (list.type === 'int' && !Number.isSafeInteger(Number(e.value))) diagnostics.push(at(e.line, e.col ?? 1, facts.numberNotExact(Number(e.value))));
    if (list.type === 'window') {
      for (const k of ['start', 'end'] as const) {
        if (!e[k] || !TIME.test(e[k]!)) diagnostics.push(at(e.line, e.col ?? 1, facts.windowTime(k, e[k] ?? '')));
      }
      if (e.start && e.end && Date.parse(e.end) <= Date.parse(e.start)) diagnostics.push(at(e.line, e.col ?? 1, facts.windowOrder(e.start, e.end)));
      if (!e.ticket) diagnostics.push(at(e.line, e.col ?? 1, facts.windowTicket()));
    }
    if (e.expires !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(e.expires)) diagnostics.push(at(e.line, e.col ?? 1, facts.expiresFormat(e.expires)));
    // An allowlist entry past its review date still applies, but says so (a warning never changes the output).
    else if (e.expires !== undefined && e.expires < today) diagnostics.push(at(e.line, e.col ?? 1, facts.expired(e.value, e.expires, e.owner)));
    const key = list.type === 'string' ? e.value.toLowerCase() : e.value;
    if (list.type !== 'window' && seen.has(key)) diagnostics.push(at(e.line, e.col ?? 1, facts.entryTwice(e.value, seen.get(key)!)));
    seen.set(key, e.line);
  }
}

/** The position of every setting under `external` (target → key → value), for the targets' own checks. */
function settingPositions(src: YamlSource, file: string, external: ExternalStores): Record<string, SourcePos> {
  const out: Record<string, SourcePos> = {};
  for (const [target, settings] of Object.entries(external)) {
    for (const key of Object.keys(settings ?? {})) {
      const { line, col } = src.locate(['external', target, key]);
      out[`${target}.${key}`] = { file, line, col, path: `external.${target}.${key}` };
    }
  }
  return out;
}
