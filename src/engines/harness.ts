// The outer loop every target engine shares: the emitted files, the scheduler's read period, the canonical →
// native mapping of the events, and the shape of the output rows. Each engine only interprets its language.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { batchesOf, toNumber, type Row } from '../events/model.js';
import { lookbackTest } from '../events/time.js';
import { DATA_SOURCES } from '../ir/sources.js';
import type { OutputColumn, Rule } from '../ir/types.js';
import { toNativeConverter } from '../mapping/native.js';
import type { BackendMapping } from '../mapping/types.js';
import { ruleFieldsRead } from '../mapping/mapping.js';
import { eventReads, isReiterable } from '../events/passes.js';
import { flatten } from '../events/flatten.js';
import type { Engine, EngineResult, Events, NativeEvent, RunOptions, RunTarget, Runner } from './types.js';

/** An error in running emitted text (a file missing, a construct outside the interpreted subset). */
export class EngineError extends Error {}

/** A target's engine as a runner: what `detc test`, `detc run` and the benchmark call. */
export function targetRunner(target: RunTarget, engine: Engine): Runner {
  return {
    name: engine.name,
    target: target.name,
    async run(rule: Rule, events: Events, opts: RunOptions): Promise<EngineResult> {
      const mapping = opts.mappings[target.name];
      if (!mapping) throw new EngineError(`${engine.name}: no ${target.name} mapping`);
      const limits = target.limits(rule, mapping);
      // A rule the target cannot express has no output to run.
      if (limits.cannotExpress) return { engine: engine.name, rows: [], keys: [], ignores: ['rule'] };
      const inWindow = lookbackTest(rule, opts.now, target.readPeriodSeconds(rule));
      const reads = eventReads(events, `${engine.name} engine`);
      const read = ruleFieldsRead(rule);
      const batches = (source: string, m: BackendMapping): AsyncIterable<NativeEvent[]> => {
        // Only the fields the rule reads: the query was compiled from it, and the rest would be made for nothing.
        const toNative = toNativeConverter(source, m, target.native, read);
        const stream = reads();
        return (async function* () {
          // Batches of events with their times read once by the reader (file inputs) or here (arrays, streams).
          for await (const { rows, times } of batchesOf(stream, DATA_SOURCES[source]!.time)) {
            const out: NativeEvent[] = [];
            for (let i = 0; i < rows.length; i++) {
              const t = times[i]!;
              if (inWindow(t)) out.push({ native: toNative(rows[i]!, t), event: rows[i]!, time: t });
            }
            if (out.length) yield out;
          }
        })();
      };
      const out = await engine.run({
        rule,
        now: opts.now,
        distDir: opts.distDir,
        mapping,
        schemasDir: opts.schemasDir,
        cacheDir: opts.cacheDir,
        rereadable: isReiterable(events),
        readEmitted(rel) {
          const file = path.join(opts.distDir, rel);
          if (!existsSync(file)) throw new EngineError(`${file} does not exist; run 'detc build'`);
          return readFileSync(file, 'utf8');
        },
        read(source: string, m: BackendMapping = mapping): AsyncIterable<NativeEvent> {
          return flatten(batches(source, m));
        },
        batches(source: string, m: BackendMapping = mapping): AsyncIterable<NativeEvent[]> {
          return batches(source, m);
        },
      });
      const columns = rule.branches[0]!.output;
      const keys = out.keys ?? columns.map((c) => c.name);
      const shown = columns.filter((c) => keys.includes(c.name));
      return {
        engine: engine.name,
        rows: out.rows.map((r) => outputRow(r, shown, target.native.time)),
        keys,
        query: out.query,
        ...(limits.drops.length ? { ignores: [...limits.drops] } : {}),
      };
    },
  };
}

/**
 * An engine's row in the rule's output columns: timestamps as ISO 8601 (a store counting epoch seconds gives
 * numbers), missing values as null, and a missing value set as an empty one (an empty multivalue field does not
 * exist in Splunk).
 */
function outputRow(r: Row, columns: OutputColumn[], time: RunTarget['native']['time']): Row {
  const row: Row = {};
  for (const c of columns) {
    const v = r[c.name];
    if (v === undefined || v === null) row[c.name] = c.type === 'number[]' || c.type === 'string[]' ? [] : null;
    else if (c.type === 'timestamp' && toNumber(v) !== undefined) row[c.name] = new Date(toNumber(v)! * (time === 'epoch-seconds' ? 1000 : 1)).toISOString();
    else row[c.name] = v;
  }
  return row;
}
