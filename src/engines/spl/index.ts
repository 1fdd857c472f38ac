import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DATA_SOURCES } from '../../ir/sources.js';
import type { Rule } from '../../ir/types.js';
import { toNativeEvent } from '../native-events.js';
import type { Row } from '../reference/predicates.js';
import { lookbackWindow } from '../time.js';
import { eventReads } from '../passes.js';
import type { Engine, EngineOptions, EngineResult, Events } from '../types.js';
import { appFiles, readLookups } from './lookup.js';
import { expandMacros, runPipeline } from './pipeline.js';
import { SplRuntimeError, type SEvent, type SValue } from './values.js';

/** Macros of every app under dist-rules/splunk/ (default/macros.conf), for expanding `name` calls. */
export function readMacros(distDir: string): Map<string, string> {
  const macros = new Map<string, string>();
  for (const { file } of appFiles(distDir, 'default/macros.conf')) {
    let stanza: string | undefined;
    const lines = readFileSync(file, 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      let line = lines[i]!;
      const s = /^\[([^\]]+)\]\s*$/.exec(line);
      if (s) {
        stanza = s[1];
        continue;
      }
      const kv = /^definition\s*=\s?(.*)$/.exec(line);
      if (kv && stanza) {
        let v = kv[1]!;
        // Continued lines end with a backslash (conf file syntax).
        while (v.endsWith('\\') && i + 1 < lines.length) {
          line = lines[++i]!;
          v = v.slice(0, -1) + '\n' + line;
        }
        macros.set(stanza, v.trim());
      }
    }
  }
  return macros;
}

/**
 * Runs dist-rules/splunk/<rule>.spl, as it is on disk, with the app's macros, over the events as the CIM data
 * model presents them (CIM placeholders such as dest_port 0 included). The dispatch window (the rule's lookback)
 * is applied first, as Splunk's scheduler does with dispatch.earliest_time.
 */
export const splEngine: Engine = {
  name: 'spl',
  async run(rule: Rule, events: Events, opts: EngineOptions): Promise<EngineResult> {
    const file = path.join(opts.distDir, 'splunk', `${rule.slug}.spl`);
    if (!existsSync(file)) throw new SplRuntimeError(`${file} does not exist; run 'detc build'`);
    const query = readFileSync(file, 'utf8');
    const spl = expandMacros(query.trim(), readMacros(opts.distDir));
    const inWindow = lookbackWindow(rule, opts.now);
    const reads = eventReads(events, 'spl engine');
    const source = (model: string, dataset: string): AsyncIterable<SEvent> => {
      const branch = rule.branches.find((b) => {
        const s = opts.mappings.splunk.sources[b.source]?.settings;
        return s?.datamodel === model && s?.dataset === dataset;
      });
      if (!branch) throw new SplRuntimeError(`data model ${model}.${dataset} is not the source of any branch of ${rule.slug}`);
      const timeField = DATA_SOURCES[branch.source]!.time;
      const stream = reads();
      return (async function* () {
        for await (const e of stream) {
          if (inWindow(e[timeField]) === undefined) continue;
          yield toNativeEvent(e, branch.source, 'splunk', opts.mappings.splunk) as SEvent;
        }
      })();
    };
    const rows: Row[] = [];
    const columns = rule.branches[0]!.output;
    const lookups = readLookups(opts.distDir);
    // Threat-intelligence lists live in the SIEM (e.g. ES ip_intel, CIDR-matched): their sample entries stand for it.
    for (const l of rule.sharedLists) {
      const ext = l.external?.splunk;
      if (ext && !lookups.has(ext.lookup)) lookups.set(ext.lookup, { rows: l.entries.map((e) => ({ [ext.field]: e.value, description: e.comment ?? '' })), cidrField: ext.field, caseSensitive: false });
    }
    for await (const r of runPipeline(spl, source, (n) => lookups.get(n), opts.now)) {
      const row: Row = {};
      for (const c of columns) {
        const v: SValue | undefined = r[c.name];
        // Splunk shows times as epoch seconds; the comparison uses ISO 8601 like every other engine.
        // An empty multivalue field does not exist in Splunk; the rule's value-set column is then empty.
        if ((v === undefined || v === null) && (c.type === 'number[]' || c.type === 'string[]')) row[c.name] = [];
        else row[c.name] = v === undefined || v === null ? null : c.type === 'timestamp' && !Number.isNaN(Number(v)) ? new Date(Number(v) * 1000).toISOString() : v;
      }
      rows.push(row);
    }
    return { engine: 'spl', rows, keys: columns.map((c) => c.name), query };
  },
};
