import { readFileSync } from 'node:fs';
import type { Row } from '../../events/model.js';
import type { Engine, EngineOutput, EngineRun, NativeEvent } from '../types.js';
import { appFiles, readLookups } from './lookup.js';
import { expandMacros, runPipeline } from './pipeline.js';
import type { EventSource } from './plan.js';
import { SplRuntimeError, type SEvent } from './values.js';

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
 * model presents them (CIM placeholders such as dest_port 0 included). The harness hands it the dispatch window
 * (the rule's lookback), as Splunk's scheduler does with dispatch.earliest_time.
 */
export const splEngine: Engine = {
  name: 'spl',
  async run(run: EngineRun): Promise<EngineOutput> {
    const { rule } = run;
    const query = run.readEmitted(`splunk/${rule.slug}.spl`);
    const spl = expandMacros(query.trim(), readMacros(run.distDir));
    const source = (model: string, dataset: string): EventSource => {
      const branch = rule.branches.find((b) => {
        const s = run.mapping.sources[b.source]?.settings;
        return s?.datamodel === model && s?.dataset === dataset;
      });
      if (!branch) throw new SplRuntimeError(`data model ${model}.${dataset} is not the source of any branch of ${rule.slug}`);
      return { batches: run.batches(branch.source), row: (item) => (item as NativeEvent).native as SEvent };
    };
    const rows: Row[] = [];
    const lookups = readLookups(run.distDir);
    // Threat-intelligence lists live in the SIEM (e.g. ES ip_intel, CIDR-matched): their sample entries stand for it.
    for (const l of rule.sharedLists) {
      const { lookup, field } = l.external?.splunk ?? {};
      if (lookup && field && !lookups.has(lookup)) lookups.set(lookup, { rows: l.entries.map((e) => ({ [field]: e.value, description: e.comment ?? '' })), cidrField: field, caseSensitive: false });
    }
    for await (const r of runPipeline(spl, source, (n) => lookups.get(n), run.now)) rows.push(r);
    return { rows, query };
  },
};
