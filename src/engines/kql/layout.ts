// Rows as the compiled plan holds them: an array of values whose positions (slots) are fixed when the query is
// compiled. A column name is resolved to its slot once; no row is looked up by name. Slots are handed out on
// demand, so a table column that no operator reads is never decoded, and a join copies only the columns read
// after it.
import type { KValue, StaticType } from './values.js';

export type Row = KValue[];

/**
 * The slots shared by the rows of one stretch of a pipeline (from a table, or from a summarize or join that makes
 * new rows, to the next such operator): extend and project add slots to the frame instead of building new rows.
 */
export class Frame {
  width = 0;
  /**
   * Whether a consumer keeps rows after they were pushed (sort, a join's index, the query's result). When none
   * does, the source fills one row array again and again instead of allocating one per event.
   */
  retains = false;

  next(): number {
    return this.width++;
  }
}

/** A column of a layout: its name, its static type, and its slot (assigned on first use). */
export interface Col {
  readonly name: string;
  readonly type: StaticType;
  slot(): number;
}

/** A column computed by an operator: its slot exists from the start. */
export function computedCol(frame: Frame, name: string, type: StaticType): Col {
  const s = frame.next();
  return { name, type, slot: () => s };
}

/** A column whose slot is assigned when something first reads it; `onUse` is told (a source decodes it then). */
export function lazyCol(frame: Frame, name: string, type: StaticType, onUse?: (slot: number) => void): Col & { assigned(): number | undefined } {
  let s: number | undefined;
  return {
    name,
    type,
    slot() {
      if (s === undefined) {
        s = frame.next();
        onUse?.(s);
      }
      return s;
    },
    assigned: () => s,
  };
}

/** The named columns a row of a frame has at one point of the pipeline, in output order. */
export class Layout {
  constructor(readonly frame: Frame, readonly cols: readonly Col[]) {}

  find(name: string): Col | undefined {
    for (const c of this.cols) if (c.name === name) return c;
    return undefined;
  }

  /** The same frame with these columns added, or replacing same-named ones where they stood (extend). */
  extended(added: readonly Col[]): Layout {
    const cols = [...this.cols];
    for (const a of added) {
      const i = cols.findIndex((c) => c.name === a.name);
      if (i >= 0) cols[i] = a;
      else cols.push(a);
    }
    return new Layout(this.frame, cols);
  }
}
