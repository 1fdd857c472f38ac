import type { Events } from './model.js';

/**
 * True when each iteration of `events` starts a new read: an array, or an object whose iterator method returns a
 * fresh iterator (a file read again). Generators and other iterators return themselves: they can be read once.
 */
export function isReiterable(events: Events): boolean {
  if (Array.isArray(events)) return true;
  const e = events as Partial<AsyncIterable<unknown> & Iterable<unknown>>;
  const it = e[Symbol.asyncIterator]?.() ?? e[Symbol.iterator]?.();
  return (it as unknown) !== events;
}

/**
 * The reads a query makes of the events (a join reads its table again; several branches read it once each). A
 * one-shot stream allows one read: a second one throws instead of silently reading nothing.
 */
export function eventReads(events: Events, engine: string): () => Events {
  const once = !isReiterable(events);
  let read = false;
  return () => {
    if (once && read) {
      throw new Error(`${engine}: the rule's query reads its events more than once (a join, first_seen or several branches), and a one-shot stream can be read once: pass an array or a re-iterable stream (whose iterator method starts a new read)`);
    }
    read = true;
    return events;
  };
}
