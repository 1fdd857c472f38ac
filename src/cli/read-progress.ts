// `detc run`'s progress line on a terminal: how much of the events has been read, how fast, and how long is left.
import type { ReadProgress } from '../events/event-files.js';

/** Redraws at most this often: a terminal redrawn per batch would cost more than the reading. */
const EVERY_MS = 250;

/**
 * A progress line on `stream` (standard error) when it is a terminal and not in CI; undefined otherwise, so a pipe
 * or a CI log gets nothing. Each read of the events (one per engine and per pass) shows its own progress.
 */
export function terminalReadProgress(stream: NodeJS.WriteStream = process.stderr, env = process.env): { update(p: ReadProgress): void; done(): void } | undefined {
  if (!stream.isTTY || env.CI) return undefined;
  let start = 0;
  // The first update always draws: performance.now() counts from the thread's start, which may be under a quarter second ago.
  let last = -Infinity;
  let shown = false;
  let seen = 0;
  const clear = () => shown && stream.write(`\r${' '.repeat(Math.max(20, (stream.columns ?? 80) - 1))}\r`);
  return {
    update(p) {
      const now = performance.now();
      // Fewer events than last time: a new read (another engine, another pass) starts over.
      if (!start || p.events < seen) start = now;
      seen = p.events;
      if (now - last < EVERY_MS) return;
      last = now;
      stream.write(`\r${progressLine(p, (now - start) / 1000).slice(0, Math.max(20, (stream.columns ?? 80) - 1))}`);
      shown = true;
    },
    done: () => void clear(),
  };
}

/** `412.0 MB of 1.2 GB, 1,830,000 events, 512,000 events/s, 2.6 s left` (what is unknown is left out). */
export function progressLine(p: ReadProgress, seconds: number): string {
  const parts = [p.totalBytes !== undefined ? `${megabytes(p.bytes)} of ${megabytes(p.totalBytes)}` : megabytes(p.bytes), `${p.events.toLocaleString('en-US')} events`];
  if (seconds > 0) parts.push(`${Math.round(p.events / seconds).toLocaleString('en-US')} events/s`);
  if (p.totalBytes !== undefined && p.bytes > 0 && seconds > 0) parts.push(`${(((p.totalBytes - p.bytes) * seconds) / p.bytes).toFixed(1)} s left`);
  return parts.join(', ');
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
