import { fieldReader, fieldWriter } from './field-access.js';
import { runPlan, type Plan, type Stage } from './plan.js';
import { pickFields } from './row-shape.js';
import { SplRuntimeError, asString, type SEvent, type SValue } from './values.js';

// The commands that read a [subsearch]: join and append. The subsearch is a whole compiled pipeline, run to its
// end before the main search's first row, as Splunk reads a subsearch fully first.

export interface JoinOptions {
  /** Subsearch rows joined per main row, in subsearch order; Infinity for max=0. */
  max: number;
  /** Subsearch values replace the main row's values of the same fields. */
  overwrite: boolean;
}

/**
 * `join [type=inner] [max=N] [overwrite=true|false] <field>[, ]... [subsearch]`. The subsearch is the bracketed
 * text at the end (it may hold nested subsearches); the options and fields come before it.
 */
export function parseJoin(rest: string, closingBracket: (text: string, open: number) => number): { options: JoinOptions; fields: string[]; subsearch: string } {
  const open = rest.indexOf('[');
  const close = open < 0 ? -1 : closingBracket(rest, open);
  if (close < 0 || rest.slice(close + 1).trim()) throw new SplRuntimeError(`join needs one [subsearch] at its end: join ${rest}`);
  const subsearch = rest.slice(open + 1, close).trim();
  const options: JoinOptions = { max: 1, overwrite: true };
  const fields: string[] = [];
  for (const tok of rest.slice(0, open).split(/[\s,]+/).filter(Boolean)) {
    const opt = /^([A-Za-z_]+)=(\S*)$/.exec(tok);
    if (!opt) {
      if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(tok)) throw new SplRuntimeError(`join field '${tok}' is outside the supported subset`);
      fields.push(tok);
      continue;
    }
    const key = opt[1]!;
    const value = opt[2]!;
    switch (key.toLowerCase()) {
      case 'type':
        if (value.toLowerCase() !== 'inner') throw new SplRuntimeError(`join type=${value} is outside the supported subset (only type=inner)`);
        break;
      case 'max':
        if (!/^\d+$/.test(value)) throw new SplRuntimeError(`join max=${value}: expected a whole number (0 = no limit)`);
        options.max = Number(value) || Infinity;
        break;
      case 'overwrite':
        if (!/^(true|false|t|f|1|0)$/i.test(value)) throw new SplRuntimeError(`join overwrite=${value}: expected true or false`);
        options.overwrite = /^(true|t|1)$/i.test(value);
        break;
      default:
        throw new SplRuntimeError(`join option ${key}= is outside the supported subset (type=inner, max, overwrite)`);
    }
  }
  if (!fields.length) throw new SplRuntimeError(`join without a field list is outside the supported subset: join ${rest}`);
  return { options, fields, subsearch };
}

/** The text of a join field's value, or undefined when the row lacks it (null or empty: never joins). */
function joinValue(e: SEvent, read: (e: SEvent) => SValue): string | undefined {
  const v = read(e);
  return v === null || v === '' ? undefined : asString(v);
}

/** The join key of a row: its join fields' texts (one text for one field), or undefined when one is missing. */
function joinKey(fields: string[]): (e: SEvent) => string | undefined {
  const reads = fields.map(fieldReader);
  if (reads.length === 1) {
    const read = reads[0]!;
    return (e) => joinValue(e, read);
  }
  return (e) => {
    const vs: string[] = [];
    for (const read of reads) {
      const v = joinValue(e, read);
      if (v === undefined) return undefined;
      vs.push(v);
    }
    return JSON.stringify(vs);
  };
}

/**
 * Splunk's join: each main row joins with the subsearch rows whose values of every join field equal its own (as
 * text); at most `max` of them, in subsearch order; no match drops the row (type=inner). Only the subsearch's rows
 * that can join are kept, by key.
 */
export function joinStage(options: JoinOptions, fields: string[], subsearch: Plan, mentioned: Set<string>): Stage {
  for (const f of fields) mentioned.add(f);
  const index = new Map<string, SEvent[]>();
  const keyOf = joinKey(fields);
  // The subsearch fields that can matter after the join, when the search says so (keepFields): the others are
  // not kept in the index.
  let keep: ((row: SEvent) => SEvent) | undefined;
  return {
    kind: 'sink',
    keepFields(later) {
      keep = pickFields([...new Set([...fields, ...later])]);
    },
    async prepare() {
      for (const row of await runPlan(subsearch)) {
        const k = keyOf(row);
        if (k === undefined) continue;
        const r = keep ? keep(row) : row;
        const rows = index.get(k);
        if (!rows) index.set(k, [r]);
        else if (rows.length < options.max) rows.push(r);
      }
    },
    sink: (next) => ({
      push(e) {
        const k = keyOf(e);
        const matches = k === undefined ? undefined : index.get(k);
        if (!matches) return;
        for (const r of matches) next.push(options.overwrite ? merge(e, r) : merge(r, e));
      },
      end: () => next.end(),
    }),
  };
}

/** A row with the fields of `over` written over those of `base` (fields `over` lacks keep their values). */
function merge(base: SEvent, over: SEvent): SEvent {
  const out: SEvent = { ...base };
  for (const k in over) {
    const v = over[k];
    if (v !== undefined) fieldWriter(k)(out, v);
  }
  return out;
}

/** append: the main search's rows, then the subsearch's. */
export function appendStage(subsearch: Plan): Stage {
  let rows: SEvent[] = [];
  return {
    kind: 'sink',
    async prepare() {
      rows = await runPlan(subsearch);
    },
    sink: (next) => ({
      push: (e) => next.push(e),
      end() {
        for (const r of rows) next.push(r);
        next.end();
      },
    }),
  };
}
