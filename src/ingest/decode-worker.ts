// A decoding thread of `detc run --threads`: reads byte ranges of event files (each starting at a line) into
// canonical events with their times, and posts them back in batches. Errors carry the line within the range; the
// reading thread adds the lines before it.
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { readEventBatches } from '../events/formats.js';
import { EventFormatError, lineBatches } from '../events/lines.js';
import { nativeFormatsOf, type PortableNatives, type RangeMessage, type RangeTask } from './parallel-read.js';

// The reading thread's own mappings, so a target's export is mapped exactly as it would map it.
const natives = nativeFormatsOf(workerData as PortableNatives);
const port = parentPort!;

port.on('message', (task: RangeTask) => void decodeRange(task));

async function decodeRange(task: RangeTask): Promise<void> {
  const post = (m: RangeMessage) => port.postMessage(m);
  let lines = 0;
  try {
    const input = createReadStream(task.file, { start: task.start, end: task.end - 1, highWaterMark: 1 << 20 });
    const counted = (async function* () {
      for await (const b of lineBatches(input)) {
        lines += b.lines.length;
        yield b;
      }
    })();
    for await (const b of readEventBatches(counted, task.format, task.source, task.name, natives, task.fields && new Set(task.fields))) {
      if (b.rows.length) post({ id: task.id, kind: 'batch', rows: b.rows, times: b.times, bytes: b.bytes });
    }
    post({ id: task.id, kind: 'end', lines });
  } catch (e) {
    if (e instanceof EventFormatError) post({ id: task.id, kind: 'error', line: e.line, reason: e.reason });
    else post({ id: task.id, kind: 'fatal', message: (e as Error).stack ?? String(e) });
  }
}
