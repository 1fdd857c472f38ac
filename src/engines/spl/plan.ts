import { fieldWriter } from './field-access.js';
import type { SEvent } from './values.js';

// The executable form of a search: every command compiled once into a stage, then rows pushed through. Streaming
// commands (search, where, eval, lookup, bin, rename, fields, table) are steps, and a run of consecutive steps is
// fused into one function called once per row. Commands that need more than the row at hand (stats, eventstats,
// sort, join, append) are sinks: they hold what they must and pass rows on at the end or as they match.
//
// Rows belong to the search: its source hands each stage a copy of the event (or a row it made itself, in the
// search's shape), so steps change rows in place.
// A plan runs once: its stages hold that run's state (groups, held rows, a subsearch's index).

/** A streaming command: the row, changed in place, or undefined when the row is dropped. */
export type Step = (row: SEvent) => SEvent | undefined;

/** Where rows go: one row at a time, then the end of the input. */
export interface Sink {
  push(row: SEvent): void;
  end(): void;
}

export type Stage =
  | { kind: 'step'; step: Step; traits?: StepTraits }
  /**
   * A command that holds rows or emits several per row. `prepare` runs before the first row (a subsearch is read
   * fully first, as in Splunk).
   */
  | {
    kind: 'sink';
    sink: (next: Sink) => Sink;
    prepare?: () => Promise<void>;
    /** Told, when a later command keeps only named fields, which fields of the rows it adds can matter (join). */
    keepFields?: (fields: Set<string>) => void;
    /**
     * Given a filter that a later step applies to the rows this stage emits, before any step that could change what
     * the filter reads (see StepTraits): the stage may leave out the rows the filter drops without making them
     * (stats). The filter still runs in its place on the rows that are made.
     */
    filterEarly?: (filter: Step, reads: ReadonlySet<string>) => void;
  };

/** What the plan knows of a step, so that a filter may run before it (filterEarly). */
export interface StepTraits {
  /** The step only writes these fields: it keeps every row and never throws (eval of total functions). */
  writesOnly?: ReadonlySet<string>;
  /** The step is a filter whose verdict on a row depends only on these fields (where). */
  filterReads?: ReadonlySet<string>;
}

/**
 * The events a generating command reads: rows, or batches of items that carry one (`row` picks it out), so that a
 * caller's stream of wrapped events is read one await per batch, not per event.
 */
export type EventSource = AsyncIterable<SEvent> | { batches: AsyncIterable<readonly unknown[]>; row: (item: unknown) => SEvent };

/** Calls `f` with every row of a source, in order; within a batch without an async step. */
export async function eachRow(source: EventSource, f: (row: SEvent) => void): Promise<void> {
  if (Symbol.asyncIterator in source) {
    for await (const row of source) f(row);
    return;
  }
  const pick = source.row;
  for await (const batch of source.batches) for (let i = 0; i < batch.length; i++) f(pick(batch[i]));
}

/** A compiled search: where its rows come from, and its stages in order. */
export interface Plan {
  rows: () => EventSource;
  /** The search's own copy of an event; undefined when `rows` makes new rows, already in the search's shape. */
  row: ((event: SEvent) => SEvent) | undefined;
  stages: Stage[];
}

export function step(f: Step, traits?: StepTraits): Stage {
  return traits ? { kind: 'step', step: f, traits } : { kind: 'step', step: f };
}

/**
 * Hands each stage that can drop rows before making them (filterEarly) the filter found after it past steps that
 * only write other fields. What the search emits is unchanged: a row the filter would drop is only not made.
 */
export function filterEarly(stages: readonly Stage[]): void {
  stages.forEach((s, i) => {
    if (s.kind !== 'sink' || !s.filterEarly) return;
    const written = new Set<string>();
    for (let j = i + 1; j < stages.length; j++) {
      const t = stages[j]!;
      if (t.kind !== 'step' || !t.traits) return;
      const { writesOnly, filterReads } = t.traits;
      if (filterReads) {
        if ([...filterReads].some((f) => written.has(f))) return;
        s.filterEarly(t.step, filterReads);
        return;
      }
      if (!writesOnly) return;
      for (const f of writesOnly) written.add(f);
    }
  });
}

/** Runs a plan to its end; the rows that leave its last stage, in order. */
export async function runPlan(plan: Plan): Promise<SEvent[]> {
  for (const s of plan.stages) if (s.kind === 'sink' && s.prepare) await s.prepare();
  const out: SEvent[] = [];
  const head = connect(plan.stages, { push: (r) => void out.push(withoutAbsent(r)), end: () => undefined });
  const copy = plan.row;
  await eachRow(plan.rows(), copy ? (event) => head.push(copy(event)) : (row) => head.push(row));
  head.end();
  return out;
}

/** A result row without the fields it holds as undefined (absent); the fields kept are written as every field is. */
function withoutAbsent(row: SEvent): SEvent {
  for (const k in row) {
    if (row[k] !== undefined) continue;
    const out: SEvent = {};
    for (const f in row) if (row[f] !== undefined) fieldWriter(f)(out, row[f]);
    return out;
  }
  return row;
}

/** The stages as one sink, each feeding the next; consecutive steps fused into one. */
function connect(stages: Stage[], last: Sink): Sink {
  let next = last;
  let run: Step[] = [];
  const flush = () => {
    if (run.length) next = stepSink(fuse(run), next);
    run = [];
  };
  for (let i = stages.length - 1; i >= 0; i--) {
    const s = stages[i]!;
    if (s.kind === 'step') {
      run.unshift(s.step);
      continue;
    }
    flush();
    next = s.sink(next);
  }
  flush();
  return next;
}

function fuse(steps: Step[]): Step {
  if (steps.length === 1) return steps[0]!;
  const n = steps.length;
  return (row) => {
    let r: SEvent | undefined = row;
    for (let i = 0; i < n && r !== undefined; i++) r = steps[i]!(r);
    return r;
  };
}

function stepSink(f: Step, next: Sink): Sink {
  return {
    push(row) {
      const r = f(row);
      if (r !== undefined) next.push(r);
    },
    end: () => next.end(),
  };
}
