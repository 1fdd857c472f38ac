// summarize's per-row step, generated once per run of a summarize: the keys computed, the group found, and each
// channel's store updated, as straight-line code. Each store's `add` is then called from a call site of its own
// (one target each, which V8 can inline) instead of one loop site calling every channel's closure in turn.
import type { Store } from './group-columns.js';
import type { GroupIndex } from './group-index.js';
import type { Row } from './layout.js';
import type { KValue } from './values.js';

export function groupAdder(keyFs: readonly ((r: Row) => KValue)[], index: GroupIndex, stores: readonly Store[]): (r: Row) => void {
  // Only positions are written into the code: the functions, the index and the stores are its arguments.
  const keys = keyFs.map((_, i) => `keys[${i}] = k${i}(r);`).join(' ');
  const adds = stores.map((_, c) => `s${c}.add(g, r);`).join(' ');
  const names = [...keyFs.map((_, i) => `k${i}`), ...stores.map((_, c) => `s${c}`)];
  const make = new Function('index', 'keys', ...names, `'use strict';\nreturn function add(r) { ${keys} const g = index.get(keys); ${adds} };`);
  return make(index, new Array<KValue>(keyFs.length), ...keyFs, ...stores) as (r: Row) => void;
}
