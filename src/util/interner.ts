// Interning of the texts aggregation state keeps: the reference evaluator's groups and the SPL engine's stats and
// tstats groups. (The KQL engine's channels share one table among them and try each channel first: aggregates.ts.)

/**
 * Equal strings are kept once: group state holds the same few vendor names and hosts a million times (each event
 * brings its own copy). Interning never changes a value, only which copy of equal texts is kept. The table starts
 * over when it holds `limit` strings, so that a stream of unique values (a million source addresses) costs a small
 * table, not a second copy of them all; a value that recurs is back in the table at its next sighting. When a full
 * table saw fewer than one repeat in eight lookups, the texts are taken to be unique and are no longer looked up:
 * each is held by its own group anyway, and the lookups were pure cost.
 */
export function interner(limit = 1 << 16): (s: string) => string {
  let seen = new Map<string, string>();
  let hits = 0;
  let off = false;
  return (s) => {
    if (off) return s;
    const known = seen.get(s);
    if (known !== undefined) {
      hits++;
      return known;
    }
    if (seen.size >= limit) {
      if (hits * 8 < limit) {
        off = true;
        seen = new Map();
        return s;
      }
      seen = new Map();
      hits = 0;
    }
    seen.set(s, s);
    return s;
  };
}
