// The events of several inputs as one stream that can be read again: each read opens the files anew, so memory
// holds a batch, never the whole input.
import { readEventBatches, type NativeFormat } from './formats.js';
import type { EventInput } from './inputs.js';
import { lineBatches } from './lines.js';
import type { BatchedEvents, EventBatch, Row } from './model.js';
import { DATA_SOURCES } from '../ir/sources.js';

/** How far one read has come: bytes of the inputs (on disk) and events read so far. */
export interface ReadProgress {
  bytes: number;
  totalBytes: number | undefined;
  events: number;
}

export interface EventFilesOptions {
  format: string;
  /** The data source of the events (its time field is read once per event). */
  source: string;
  natives: Record<string, NativeFormat>;
  /** The canonical fields the rule reads (see eventDecoder): the events hold only these. Default: every field. */
  fields?: ReadonlySet<string>;
  /** Splits a large plain input's decoding into byte ranges read by other threads (see parallel-read.ts). */
  split?: (input: EventInput, format: string, source: string, fields?: ReadonlySet<string>) => AsyncIterable<EventBatch & { bytes: number }> | undefined;
  /** Called after each batch of a read. */
  progress?: (p: ReadProgress) => void;
}

/** The events of `inputs`, in order, as one re-iterable stream of canonical events (errors name file and line). */
export class EventFiles implements BatchedEvents {
  readonly timeField: string;
  /** Events in the last complete read. */
  count = 0;

  constructor(readonly inputs: EventInput[], private readonly opts: EventFilesOptions) {
    this.timeField = DATA_SOURCES[opts.source]?.time ?? 'time';
  }

  async *batches(): AsyncGenerator<EventBatch> {
    const { format, source, natives, fields, progress } = this.opts;
    const sizes = this.inputs.map((i) => i.size);
    const totalBytes = sizes.every((s) => s !== undefined) ? sizes.reduce((a, b) => a! + b!, 0) : undefined;
    let before = 0;
    let events = 0;
    for (const input of this.inputs) {
      const batches = this.opts.split?.(input, format, source, fields) ?? readEventBatches(lineBatches(input.open()), format, source, input.name, natives, fields);
      let bytes = 0;
      for await (const b of batches) {
        events += b.rows.length;
        bytes = b.bytes;
        progress?.({ bytes: before + bytes, totalBytes, events });
        yield b;
      }
      before += input.size ?? bytes;
    }
    this.count = events;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Row> {
    for await (const b of this.batches()) yield* b.rows;
  }
}
