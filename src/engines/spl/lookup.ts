import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readCsvRecords } from '../../events/csv.js';
import { cidrMatcher, type CidrMatcher } from '../../util/cidr-match.js';
import { fieldReader, fieldWriter } from './field-access.js';
import { SplRuntimeError, asString, type SEvent } from './values.js';

/** A lookup definition (transforms.conf stanza) with its CSV rows. */
export interface LookupTable {
  rows: Record<string, string>[];
  /** match_type = CIDR(<field>): that field holds ranges. */
  cidrField?: string;
  caseSensitive: boolean;
}

export type Lookups = (name: string) => LookupTable | undefined;

/** `<rel>` of every app under dist-rules/splunk/ that has one, in app order. */
export function appFiles(distDir: string, rel: string): { app: string; root: string; file: string }[] {
  const root = path.join(distDir, 'splunk');
  if (!existsSync(root)) return [];
  return readdirSync(root).sort().map((app) => ({ app, root, file: path.join(root, app, rel) })).filter((f) => existsSync(f.file));
}

/** Every lookup of every app under dist-rules/splunk/: default/transforms.conf stanzas and their lookups/*.csv. */
export function readLookups(distDir: string): Map<string, LookupTable> {
  const out = new Map<string, LookupTable>();
  for (const { app, root, file: conf } of appFiles(distDir, 'default/transforms.conf')) {
    let stanza: Record<string, string> | undefined;
    const stanzas: [string, Record<string, string>][] = [];
    for (const line of readFileSync(conf, 'utf8').split('\n')) {
      const s = /^\[([^\]]+)\]\s*$/.exec(line);
      if (s) stanzas.push([s[1]!, (stanza = {})]);
      const kv = /^([A-Za-z_.]+)\s*=\s*(.*)$/.exec(line);
      if (kv && stanza) stanza[kv[1]!] = kv[2]!.trim();
    }
    for (const [name, s] of stanzas) {
      if (!s.filename) continue;
      const csv = path.join(root, app, 'lookups', s.filename);
      if (!existsSync(csv)) throw new SplRuntimeError(`lookup ${name}: ${s.filename} is not in ${app}/lookups/`);
      out.set(name, {
        rows: readCsvRecords(readFileSync(csv, 'utf8')),
        cidrField: /^CIDR\((\w+)\)$/.exec(s.match_type ?? '')?.[1],
        caseSensitive: (s.case_sensitive_match ?? 'true') !== 'false',
      });
    }
  }
  return out;
}

/**
 * `lookup <name> <field> [AS <event field>] OUTPUT <field> [AS <new field>]`, one match per event (max_matches = 1):
 * the first row of the table that matches. The table is indexed once: a map of its key texts (lower-cased when the
 * match is case-insensitive), or for a CIDR field its ranges in row order.
 */
export function lookupCommand(rest: string, lookups: Lookups, fields?: Set<string>): (e: SEvent) => SEvent {
  const m = /^(\w+)\s+(\w+)(?:\s+AS\s+(\w+))?\s+OUTPUT\s+(\w+)(?:\s+AS\s+(\w+))?$/i.exec(rest);
  if (!m) throw new SplRuntimeError(`only 'lookup <name> <field> [AS <field>] OUTPUT <field> [AS <field>]' is supported, got: lookup ${rest}`);
  const [, name, key, eventField = key, output, as = output] = m as unknown as [string, string, string, string | undefined, string, string | undefined];
  const table = lookups(name);
  if (!table) throw new SplRuntimeError(`lookup ${name} is not defined in any app's transforms.conf`);
  const find = rowFinder(table, key, output);
  fields?.add(eventField!).add(as!);
  const read = fieldReader(eventField!);
  const write = fieldWriter(as!);
  return (e) => {
    const v = read(e);
    const found = v === null || Array.isArray(v) ? undefined : find(asString(v));
    // The row belongs to the search (src/engines/spl/plan.ts): it is changed in place.
    write(e, found);
    return e;
  };
}

/** The output value of the first row whose key matches a text (null when that row lacks it), or undefined. */
function rowFinder(table: LookupTable, key: string, output: string): (v: string) => string | null | undefined {
  if (table.cidrField === key) {
    const ranges: { inRange: CidrMatcher; value: string | null }[] = [];
    for (const row of table.rows) {
      const inRange = cidrMatcher(row[key] ?? '');
      if (inRange) ranges.push({ inRange, value: row[output] ?? null });
    }
    return (v) => {
      for (const r of ranges) if (r.inRange(v)) return r.value;
      return undefined;
    };
  }
  const fold = table.caseSensitive ? (x: string) => x : (x: string) => x.toLowerCase();
  const index = new Map<string, string | null>();
  for (const row of table.rows) {
    const cell = fold(row[key] ?? '');
    if (!index.has(cell)) index.set(cell, row[output] ?? null);
  }
  return (v) => index.get(fold(v));
}
