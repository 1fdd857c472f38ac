import type { Condition } from './types.js';

/** True when `c` can only hold for events where `field` is present (an ANDed `exists: true`). */
export function impliesExists(c: Condition | undefined, field: string): boolean {
  if (!c) return false;
  if (c.kind === 'exists') return c.exists && c.field === field;
  if (c.kind === 'and') return c.exprs.some((e) => impliesExists(e, field));
  return false;
}
