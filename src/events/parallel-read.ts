import type { NativeFormat } from './formats.js';
import type { EventInput } from './inputs.js';
import type { EventBatch } from './model.js';

export function parallelReader(threads: number, natives: Record<string, NativeFormat>): (input: EventInput, format: string, source: string) => AsyncIterable<EventBatch & { bytes: number }> | undefined {
  void threads, natives;
  return () => undefined;
}
