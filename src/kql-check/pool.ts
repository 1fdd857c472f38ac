// Kusto.Language analysis on several cores. Each worker thread loads Kusto.Language and builds its query grammar as
// soon as it starts (the slow part: seconds), then the global state of the schema it is sent, then analyses queries
// until none is left. A pool can be started ahead of its work (prestartPool), so that the workers load while the
// build's own thread loads and compiles the rules. The work is handed over whole: every worker is sent every query and
// takes the next one not yet taken from a shared counter, so the calling thread is free while they run (the build
// compiles its other targets meanwhile) and collects the replies when it wants them, blocking (Atomics.wait,
// receiveMessageOnPort) so the build stays synchronous. Results are returned in the order of the queries, whichever
// worker answered first, so the output is the same as one thread's.
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { makeAnalyser, type KqlProblem } from './analyser.js';
import type { FunctionSchema, TableSchema } from './table-schemas.js';

/** What a worker replies: the problems of query `i`, or why it could not analyse it (or load Kusto.Language). */
type Reply = { i: number; problems: KqlProblem[] } | { i: number; error: string };

// Runs as CommonJS in the worker (eval), so it needs no compiled file of its own: the same source text runs under
// the test runner (TypeScript sources) and from lib/.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { port, signal, bridge, kusto } = workerData;
const flag = new Int32Array(signal);
const reply = (message) => {
  port.postMessage(message);
  Atomics.add(flag, 0, 1);
  Atomics.notify(flag, 0);
};
// A failure outside an analysis (none is expected) is still an answer, so the calling thread does not wait for it.
process.on('uncaughtException', (e) => reply({ i: -1, error: String((e && e.stack) || e) }));
const makeAnalyser = ${makeAnalyser.toString()};
let K;
let failed;
try {
  globalThis.Bridge = globalThis.Bridge || require(bridge);
  require(kusto);
  K = globalThis.Kusto.Language;
  K.Parsing.QueryGrammar.From(K.GlobalState.Default);
} catch (e) {
  failed = e;
}
let analyse = () => { throw failed; };
port.on('message', (m) => {
  try {
    if (!failed) analyse = makeAnalyser(K, m.schema.tables, m.schema.functions);
  } catch (e) {
    analyse = () => { throw e; };
  }
  const taken = new Int32Array(m.next);
  for (let i = Atomics.add(taken, 0, 1); i < m.queries.length; i = Atomics.add(taken, 0, 1)) {
    try {
      reply({ i, problems: analyse(m.queries[i]) });
    } catch (e) {
      reply({ i, error: String((e && e.stack) || e) });
      return;
    }
  }
});
`;

/** No reply from any worker for this long means one died without a word (out of memory): a detc bug, not a wait. */
const STALL_MS = 300_000;

/** `size` worker threads that load Kusto.Language from the moment they are made; used once, then closed. */
export class KustoPool {
  private readonly signal = new SharedArrayBuffer(4);
  private readonly workers: { worker: Worker; port: MessagePort }[] = [];

  constructor(readonly size: number) {
    const require = createRequire(import.meta.url);
    for (let w = 0; w < size; w++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        // Not the parent's options: under --input-type=module the source would run as a module, without require.
        execArgv: [],
        // No resourceLimits: a larger young generation (maxYoungGenerationSizeMb 48 or 96 here, semi-spaces of 32 or
        // 64 MiB in one thread) shortened GC pauses but not the CPU of an analysis (scripts/bench-kql-analysis.mjs).
        // The unminified builds: the .min.js ones load 0.1 s sooner per thread but analysed no faster (measured).
        workerData: {
          port: port2, signal: this.signal,
          bridge: require.resolve('@kusto/language-service-next/bridge.js'),
          kusto: require.resolve('@kusto/language-service-next/Kusto.Language.Bridge.js'),
        },
        transferList: [port2],
      });
      worker.unref();
      this.workers.push({ worker, port: port1 });
    }
  }

  /**
   * Hands the workers `queries` to analyse against these tables and functions and returns at once; the returned
   * function waits for the problems of each query, in order. It throws if a worker cannot load Kusto.Language or an
   * analysis throws, as the in-thread analysis would. One batch per pool.
   */
  start(queries: string[], tables: TableSchema[], functions: FunctionSchema[]): () => KqlProblem[][] {
    const flag = new Int32Array(this.signal);
    const pool = this.workers;
    const next = new SharedArrayBuffer(4);
    for (const { port } of pool) port.postMessage({ schema: { tables, functions }, queries, next });
    return () => {
      const results: (KqlProblem[] | undefined)[] = new Array(queries.length);
      let done = 0;
      let seen = 0;
      while (done < queries.length) {
        if (Atomics.wait(flag, 0, seen, STALL_MS) === 'timed-out' && Atomics.load(flag, 0) === seen) {
          throw new Error(`Kusto.Language worker pool: no answer for ${STALL_MS / 1000} s (${done} of ${queries.length} queries analysed)`);
        }
        seen = Atomics.load(flag, 0);
        for (const { port } of pool) {
          for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
            const r = m.message as Reply;
            if ('error' in r) throw new Error(`Kusto.Language worker: ${r.error}`);
            results[r.i] = r.problems;
            done++;
          }
        }
      }
      return results as KqlProblem[][];
    };
  }

  close(): void {
    for (const { worker, port } of this.workers) {
      port.close();
      void worker.terminate();
    }
  }
}

/** A pool started ahead of its work, waiting to be taken by the next analysis that wants as many threads. */
let standby: KustoPool | undefined;

/** Starts `size` workers now for an analysis to come; the returned function closes them if none took them. */
export function prestartPool(size: number): () => void {
  standby?.close();
  const pool = (standby = new KustoPool(size));
  return () => {
    if (standby !== pool) return;
    standby = undefined;
    pool.close();
  };
}

/** How many workers are started ahead of their work and not taken yet (0: none). */
export function standbySize(): number {
  return standby?.size ?? 0;
}

/**
 * Starts the analysis of each query by `workers` threads (at most one per query): the prestarted pool when it has
 * that many, else a new one. Returns `wait`, which gives the problems of each query in order, and `cancel`, which
 * stops the workers when the result is no longer wanted (the build failed meanwhile); either closes the pool.
 */
export function startInPool(queries: string[], tables: TableSchema[], functions: FunctionSchema[], workers: number): { wait(): KqlProblem[][]; cancel(): void } {
  if (!queries.length) return { wait: () => [], cancel: () => undefined };
  const n = Math.max(1, Math.min(workers, queries.length));
  let pool = standby;
  standby = undefined;
  if (pool?.size !== n) {
    pool?.close();
    pool = new KustoPool(n);
  }
  const taken = pool;
  let wait: () => KqlProblem[][];
  try {
    wait = taken.start(queries, tables, functions);
  } catch (e) {
    taken.close();
    throw e;
  }
  return {
    wait: () => {
      try {
        return wait();
      } finally {
        taken.close();
      }
    },
    cancel: () => taken.close(),
  };
}

/** The problems of each query, analysed by `workers` threads (startInPool, waited for at once). */
export function analyseInPool(queries: string[], tables: TableSchema[], functions: FunctionSchema[], workers: number): KqlProblem[][] {
  return startInPool(queries, tables, functions, workers).wait();
}
