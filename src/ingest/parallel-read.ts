// `detc run --threads N`: a large file of line-by-line events is cut into byte ranges at line breaks, decoded by a
// pool of worker threads, and handed on range after range in file order, so the events, their order and every error
// (file and line) are those of a single-threaded read by construction.
import { closeSync, openSync, readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { NativeFormat } from '../events/formats.js';
import type { EventInput } from '../events/inputs.js';
import { EventFormatError } from '../events/lines.js';
import type { EventBatch } from '../events/model.js';
import { nativeFormatOf, type NativeConventions } from '../mapping/native.js';
import type { BackendMapping } from '../mapping/types.js';
import type { Project } from '../project.js';

/** One byte range of a file for a worker: `[start, end)`, starting at the beginning of a line. */
export interface RangeTask {
  id: number;
  file: string;
  /** The file's name in errors. */
  name: string;
  start: number;
  end: number;
  format: string;
  source: string;
  /** The canonical fields to decode (all when absent). */
  fields?: string[];
}

/** What a worker posts for a range: its events batch by batch, then its line count, or the error that ended it. */
export type RangeMessage =
  | { id: number; kind: 'batch'; rows: EventBatch['rows']; times: number[]; bytes: number }
  | { id: number; kind: 'end'; lines: number }
  | { id: number; kind: 'error'; line: number; reason: string }
  | { id: number; kind: 'fatal'; message: string };

/** Below this size a file is read by the calling thread: starting workers costs more than it saves. */
export const PARALLEL_MIN_BYTES = 8 << 20;
/** Bytes per range: small enough that the ranges decoded ahead of the reader stay a few megabytes each. */
const RANGE_BYTES = 4 << 20;

/** The export formats of a project's targets as plain data, which a worker thread can be given. */
export type PortableNatives = Record<string, { layout: NativeFormat['layout']; mapping: BackendMapping; native: NativeConventions }>;

export function portableNatives(project: Project): PortableNatives {
  return Object.fromEntries(project.available.flatMap(({ target, mapping }) => (target.exportLayout ? [[target.name, { layout: target.exportLayout, mapping, native: target.native }]] : [])));
}

/** The export formats again, as project.ts's nativeFormats makes them: each target's mapping read backwards. */
export function nativeFormatsOf(natives: PortableNatives): Record<string, NativeFormat> {
  return Object.fromEntries(Object.entries(natives).map(([name, n]) => [name, { layout: n.layout, ...nativeFormatOf(n.mapping, n.native) }]));
}

export interface ParallelOptions {
  threads: number;
  natives: PortableNatives;
  /** The worker script (default: decode-worker.js beside this module). */
  workerUrl?: URL;
  minBytes?: number;
  rangeBytes?: number;
}

type Batches = AsyncIterable<EventBatch & { bytes: number }>;

/**
 * EventFiles' `split`: the parallel read of an input when it is worth it and safe (a plain file of at least
 * `minBytes` in a format whose lines are independent: JSON lines, CEF, a target's JSON export), else undefined.
 * CSV (a quoted field may span lines) and Zeek TSV (its header sets the columns) are read by one thread.
 */
export function parallelReader(opts: ParallelOptions): (input: EventInput, format: string, source: string, fields?: ReadonlySet<string>) => Batches | undefined {
  return (input, format, source, fields) => {
    if (opts.threads < 2 || !input.plain || !input.path || (input.size ?? 0) < (opts.minBytes ?? PARALLEL_MIN_BYTES)) return undefined;
    if (!linesAreIndependent(input.path, format, opts.natives)) return undefined;
    return readRanges(input, format, source, fields && [...fields], opts);
  };
}

function linesAreIndependent(file: string, format: string, natives: PortableNatives): boolean {
  const native = Object.hasOwn(natives, format) ? natives[format] : undefined;
  if (native) return native.layout === 'json-lines' || firstByte(file) === 0x7b; // `{`: JSON, not CSV
  return format === 'canonical' || format === 'cef';
}

/** The first byte of the file that is not a blank, or -1. */
function firstByte(file: string): number {
  const buf = Buffer.alloc(4096);
  const fd = openSync(file, 'r');
  try {
    const n = readSync(fd, buf, 0, buf.length, 0);
    // A byte order mark or blank lines before the first record.
    const text = buf.subarray(0, n).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    return text.length ? text.charCodeAt(0) : -1;
  } finally {
    closeSync(fd);
  }
}

/** Range boundaries of `file`: each after a line break at or past the nominal cut. */
export function lineRanges(file: string, size: number, rangeBytes: number): [number, number][] {
  const cuts = [0];
  const buf = Buffer.alloc(64 << 10);
  const fd = openSync(file, 'r');
  try {
    for (let at = rangeBytes; at < size; ) {
      const n = readSync(fd, buf, 0, buf.length, at);
      if (n <= 0) break;
      const nl = buf.subarray(0, n).indexOf(0x0a);
      if (nl < 0) {
        at += n; // a line longer than the buffer: look further
        continue;
      }
      const cut = at + nl + 1;
      if (cut < size) cuts.push(cut);
      at = cut + rangeBytes;
    }
  } finally {
    closeSync(fd);
  }
  return cuts.map((c, i) => [c, cuts[i + 1] ?? size]);
}

/** A range's results as they arrive: batches queued until the reader gets to the range. */
interface RangeState {
  batches: (EventBatch & { bytes: number })[];
  end?: RangeMessage;
  wake?: () => void;
}

async function* readRanges(input: EventInput, format: string, source: string, fields: string[] | undefined, opts: ParallelOptions): Batches {
  const file = input.path!;
  const ranges = lineRanges(file, input.size!, opts.rangeBytes ?? RANGE_BYTES);
  const url = opts.workerUrl ?? new URL('./decode-worker.js', import.meta.url);
  const workers = Array.from({ length: Math.min(opts.threads, ranges.length) }, () => new Worker(url, { workerData: opts.natives }));
  const states = ranges.map((): RangeState => ({ batches: [] }));
  let failure: Error | undefined;
  const idle: Worker[] = [];
  let next = 0;
  // Ranges handed out but not yet read: at most two per worker, so memory holds a few ranges, not the file.
  let consumed = 0;
  const dispatch = () => {
    while (idle.length && next < ranges.length && next < consumed + 2 * workers.length) {
      const [start, end] = ranges[next]!;
      idle.pop()!.postMessage({ id: next, file, name: input.name, start, end, format, source, fields } satisfies RangeTask);
      next++;
    }
  };
  for (const w of workers) {
    w.on('message', (m: RangeMessage) => {
      const s = states[m.id]!;
      if (m.kind === 'batch') s.batches.push({ rows: m.rows, times: m.times, bytes: m.bytes });
      else {
        s.end = m;
        idle.push(w);
        dispatch();
      }
      s.wake?.();
    });
    w.on('error', (e) => {
      failure ??= e;
      for (const s of states) s.wake?.();
    });
    idle.push(w);
  }
  try {
    dispatch();
    let lineBase = 0;
    for (let i = 0; i < ranges.length; i++) {
      const s = states[i]!;
      for (;;) {
        if (failure) throw failure;
        const b = s.batches.shift();
        if (b) {
          yield { rows: b.rows, times: b.times, bytes: ranges[i]![0] + b.bytes };
          continue;
        }
        if (s.end) break;
        await new Promise<void>((r) => (s.wake = r));
        s.wake = undefined;
      }
      const end = s.end!;
      if (end.kind === 'error') throw new EventFormatError(input.name, lineBase + end.line, end.reason);
      if (end.kind === 'fatal') throw new Error(`a decoding thread failed: ${end.message}`);
      if (end.kind === 'end') lineBase += end.lines;
      states[i] = { batches: [] };
      consumed = i + 1;
      dispatch();
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
