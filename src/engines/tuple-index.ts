// Groups found by a hash of their whole tuple of key values, in an open-addressing table of two int32 per slot
// (the group's number plus one, 0 for an empty slot; the tuple's hash). A Map keyed by an event's fresh key text
// cost about a microsecond per event at a million groups (its chains reach into every entry's key and regrow as
// one table); here a miss reads one slot pair, and the stored keys are read only when the hashes are equal.
// Equal tuples must hash equally (hashTuple); equality itself is the caller's (`same`), which reads the tuple it
// stored for a group. The SPL engine's stats and tstats and the KQL engine's summarize find their groups here.

/** The hash of a string folded into `h`. */
function mixString(h: number, s: string): number {
  // Two UTF-16 units per step (half the multiplications); the length ends the text, so "ab","c" is not "a","bc".
  const n = s.length;
  let i = 0;
  for (; i + 1 < n; i += 2) h = Math.imul(h ^ (s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16)), 0x01000193);
  if (i < n) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return Math.imul(h ^ n ^ 0x5f000000, 0x01000193);
}

const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer);

function mixNumber(h: number, n: number): number {
  if ((n | 0) === n) return Math.imul(h ^ n, 0x01000193) ^ 0x5bd1e995;
  // Every NaN one value; -0 is 0 (taken by the line above); other numbers by their bits.
  if (n !== n) return Math.imul(h ^ 0x7ff80000, 0x01000193);
  bits[0] = n;
  return Math.imul(Math.imul(h ^ words[0]!, 0x01000193) ^ words[1]!, 0x01000193);
}

/** Any other value: null and undefined alike, true, false; an object (compared by identity) hashes as all others. */
function mixOther(h: number, k: unknown): number {
  return Math.imul(h ^ (k === true ? 0x3c6ef372 : k === false ? 0x3c6ef373 : k == null ? 0x3c6ef374 : 0x3c6ef375), 0x01000193);
}

/**
 * A tuple's hash: strings by their characters, numbers by their value (0 and -0 alike, every NaN alike), null,
 * undefined and booleans by a constant each.
 */
export function hashTuple(keys: readonly unknown[]): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    h = typeof k === 'string' ? mixString(h, k) : typeof k === 'number' ? mixNumber(h, k) : mixOther(h, k);
  }
  // A final mix (murmur3's): linear probing reads the low bits.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Whether two key values are one: ===, and every NaN alike (what hashTuple hashes alike, 0 and -0 included). */
export function sameKey(a: unknown, b: unknown): boolean {
  return a === b || (a !== a && b !== b);
}

export class TupleIndex<K> {
  private slots: Int32Array;
  private mask: number;
  private count = 0;
  /** The slot of the last miss: where `add` puts its group. */
  private free = -1;

  /**
   * `same(g, keys)`: whether group g's tuple equals `keys`. `capacity` (a power of two): the slots it starts with;
   * an index of its own per time window starts small, as most windows hold few groups.
   */
  constructor(private readonly same: (g: number, keys: K) => boolean, capacity = 1024) {
    this.slots = new Int32Array(2 * capacity);
    this.mask = capacity - 1;
  }

  /** The group whose tuple equals `keys` (of hash `h`), or -1; after a miss, `add(h, g)` files the new group. */
  find(h: number, keys: K): number {
    const { slots, mask } = this;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const g = slots[2 * i]!;
      if (g === 0) {
        this.free = i;
        return -1;
      }
      if (slots[2 * i + 1] === h && this.same(g - 1, keys)) return g - 1;
    }
  }

  /** Files group g (hash `h`) where the last `find` missed; nothing may be added between the two. */
  add(h: number, g: number): void {
    const i = this.free;
    this.slots[2 * i] = g + 1;
    this.slots[2 * i + 1] = h;
    this.free = -1;
    // At most half full: probes stay short.
    if (++this.count * 2 > this.mask + 1) this.grow();
  }

  private grow(): void {
    const old = this.slots;
    const mask = this.mask * 2 + 1;
    const slots = new Int32Array(2 * (mask + 1));
    for (let j = 0; j < old.length; j += 2) {
      const g = old[j]!;
      if (g === 0) continue;
      const h = old[j + 1]!;
      let i = h & mask;
      while (slots[2 * i] !== 0) i = (i + 1) & mask;
      slots[2 * i] = g;
      slots[2 * i + 1] = h;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
