// The groups of an aggregation (tstats, stats, eventstats), numbered in the order they first appeared: group g's
// values (its key values, then one state per function) held in fixed-size blocks of many groups each. A
// high-cardinality stream makes about one group per row: an object per group is that many small objects for the
// garbage collector to carry to the end of the input, and one array per column would be regrown (its old copies
// left for a full collection) as groups come. Blocks are made once at their full size.
import { sameKey } from '../tuple-index.js';

const SHIFT = 10;
/** Groups per block. */
const BLOCK = 1 << SHIFT;
const MASK = BLOCK - 1;

const RELEASED: unknown[] = [];

export class GroupTable {
  private blocks: unknown[][] = [];
  /** The blocks before this one are let go (releaseBelow). */
  private released = 0;
  /** The number of groups. */
  size = 0;

  /** `width`: the number of values per group. */
  constructor(readonly width: number) {}

  /** A new group's number; its values are undefined until set. */
  add(): number {
    const g = this.size++;
    if ((g & MASK) === 0) this.blocks.push(new Array<unknown>(BLOCK * this.width).fill(undefined));
    return g;
  }

  get(g: number, k: number): unknown {
    return this.blocks[g >>> SHIFT]![(g & MASK) * this.width + k];
  }

  /**
   * Whether group g's first values (its key values) are `keys`: equal as ===, and NaN equal to NaN (a number key is
   * equal as its text is). The test a TupleIndex asks of the tables that file their groups in it.
   */
  hasKeys(g: number, keys: readonly unknown[]): boolean {
    const block = this.blocks[g >>> SHIFT]!;
    const at = (g & MASK) * this.width;
    for (let i = 0; i < keys.length; i++) {
      if (!sameKey(block[at + i], keys[i])) return false;
    }
    return true;
  }

  set(g: number, k: number, v: unknown): void {
    this.blocks[g >>> SHIFT]![(g & MASK) * this.width + k] = v;
  }

  /**
   * Lets go of the blocks that hold only groups numbered below `g`, for a reader that emits groups in order and is
   * done with those: the garbage collector can take them while the rest are emitted (the next command is meanwhile
   * building its own groups). Their values must not be read again.
   */
  releaseBelow(g: number): void {
    const end = Math.min(g >>> SHIFT, this.blocks.length);
    for (; this.released < end; this.released++) this.blocks[this.released] = RELEASED;
  }
}
