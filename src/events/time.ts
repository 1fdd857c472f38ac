import { readPeriodSeconds } from '../ir/analysis.js';
import type { Rule } from '../ir/types.js';
import { toEpochMs } from './model.js';

/**
 * The SIEM scheduler's window for one run: events whose time is in [now - lookback, now). The returned function
 * gives an event time in ms, or undefined when the time is missing or outside the window.
 */
export function lookbackWindow(rule: Rule, now: number, periodSeconds = readPeriodSeconds(rule)): (time: unknown) => number | undefined {
  const inWindow = lookbackTest(rule, now, periodSeconds);
  return (time) => {
    const t = toEpochMs(time);
    return t === undefined || !inWindow(t) ? undefined : t;
  };
}

/** The same window over times already read (ms; NaN, not a time, is outside). */
export function lookbackTest(rule: Rule, now: number, periodSeconds = readPeriodSeconds(rule)): (ms: number) => boolean {
  // A first-seen rule also reads its baseline before the lookback.
  const from = now - periodSeconds * 1000;
  return (t) => t >= from && t < now;
}
