// A join's index: the rows of one side by their key values, looked up column by column (one Map per key column,
// nested), so a row's key is never built as a text: followed_by joins on two columns for every session row.
import type { Row } from './layout.js';
import { KqlRuntimeError, valueKey, type KValue } from './values.js';

/**
 * The key columns of one side of a join, as slots of its rows. A scalar value is its own Map key (a column holds
 * one type, so 1 and "1" never meet); dynamic content is keyed by its text. detc filters null keys before every
 * join it emits, so how Kusto pairs them never matters: a null key is refused.
 */
export interface JoinKey {
  slots: readonly number[];
  dynamic: readonly boolean[];
  names: readonly string[];
  side: 'left' | 'right';
}

export class JoinIndex<T> {
  private readonly root = new Map<unknown, unknown>();

  /** `T`s by the key of their row; `add` appends to the key's bucket in row order. */
  add(key: JoinKey, row: Row, item: T): void {
    const n = key.slots.length;
    let m = this.root;
    for (let i = 0; i < n - 1; i++) {
      const k = keyValue(key, row, i);
      let next = m.get(k) as Map<unknown, unknown> | undefined;
      if (!next) m.set(k, (next = new Map()));
      m = next;
    }
    const k = keyValue(key, row, n - 1);
    const bucket = m.get(k) as T[] | undefined;
    if (bucket) bucket.push(item);
    else m.set(k, [item]);
  }

  /** The bucket of the row's key, or undefined. */
  get(key: JoinKey, row: Row): readonly T[] | undefined {
    const n = key.slots.length;
    let m: Map<unknown, unknown> | undefined = this.root;
    for (let i = 0; i < n - 1; i++) {
      m = m.get(keyValue(key, row, i)) as Map<unknown, unknown> | undefined;
      if (!m) {
        // The remaining key values are still checked for null, as a full key would be.
        for (let j = i + 1; j < n; j++) keyValue(key, row, j);
        return undefined;
      }
    }
    return m.get(keyValue(key, row, n - 1)) as T[] | undefined;
  }
}

function keyValue(key: JoinKey, row: Row, i: number): unknown {
  const v: KValue | undefined = row[key.slots[i]!];
  if (v === null || v === undefined) {
    throw new KqlRuntimeError(`join: the ${key.side} side has a null '${key.names[i]}'; null join keys are outside the supported subset (filter them first)`);
  }
  return key.dynamic[i] ? valueKey(v) : v;
}
