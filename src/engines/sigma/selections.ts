import type { SigmaDoc } from './select.js';
import { SigmaRuntimeError, compileSelection, type ItemMatcher } from './values.js';

// The selections of a rule's detection documents, each definition compiled once and, when several documents hold
// it, tested once per event.

/** A document's `detection` map, with its condition. */
export function detectionOf(d: SigmaDoc): Record<string, unknown> {
  const det = d.doc.detection;
  if (typeof det !== 'object' || det === null || Array.isArray(det) || !('condition' in det)) throw new SigmaRuntimeError(`${d.file}: detection without condition`);
  return det as Record<string, unknown>;
}

/** A selection's definition as a key: strings and numbers kept apart (`'1'` and `1`, `.nan` and `null` differ). */
const definitionKey = (sel: unknown) => JSON.stringify(sel, (_k, v: unknown) => (typeof v === 'string' ? `s${v}` : typeof v === 'number' ? `n${String(v)}` : v));

/** Counts the events a run has begun: a remembered result holds for the event it was computed on, whichever object carries it. */
export interface EventClock {
  n: number;
}

/**
 * Compiles the selections of several detection rules, each definition once: the base rules of a rule's
 * correlations repeat its filters (ip-block-scan's base rules differ only in the field they require), and a
 * definition several of them hold is tested once per event (`clock.n`, which the caller advances per event).
 */
export function selectionCompiler(detections: SigmaDoc[], clock: EventClock): (name: string, sel: unknown) => ItemMatcher {
  const uses = new Map<string, number>();
  for (const d of detections) {
    for (const [name, sel] of Object.entries(detectionOf(d))) {
      if (name === 'condition') continue;
      const key = definitionKey(sel);
      uses.set(key, (uses.get(key) ?? 0) + 1);
    }
  }
  const compiled = new Map<string, ItemMatcher>();
  return (name, sel) => {
    const key = definitionKey(sel);
    let m = compiled.get(key);
    if (!m) {
      m = compileSelection(name, sel);
      if (uses.get(key)! > 1) m = oncePerEvent(m, clock);
      compiled.set(key, m);
    }
    return m;
  };
}

/**
 * A matcher that keeps its result for the event the clock is at. Keyed by the clock rather than the event object,
 * so a caller that reuses one object for every event still gets each event tested.
 */
export function oncePerEvent(m: ItemMatcher, clock: EventClock): ItemMatcher {
  let at = -1;
  let result = false;
  return (e) => {
    if (clock.n !== at) {
      result = m(e);
      at = clock.n;
    }
    return result;
  };
}
