import { readPeriodSeconds } from '../ir/analysis.js';
import type { Rule } from '../ir/types.js';

/** Parses an event time: ISO 8601 text, or a number of milliseconds since the epoch. */
export function toEpochMs(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v) {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  if (v instanceof Date) return v.getTime();
  return undefined;
}

/**
 * The SIEM scheduler's window for one run: events whose time is in [now - lookback, now). The returned function
 * gives an event time in ms, or undefined when the time is missing or outside the window.
 */
export function lookbackWindow(rule: Rule, now: number, periodSeconds = readPeriodSeconds(rule)): (time: unknown) => number | undefined {
  // A first-seen rule also reads its baseline before the lookback.
  const from = now - periodSeconds * 1000;
  return (time) => {
    const t = toEpochMs(time);
    return t === undefined || t < from || t >= now ? undefined : t;
  };
}
