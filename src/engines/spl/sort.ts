import { fieldReader } from './field-access.js';
import type { Stage } from './plan.js';
import { SplRuntimeError, splunkCompare, type SEvent, type SValue } from './values.js';

/** `sort [N] [+|-]field ...`: no N keeps 10,000 rows (Splunk's default), `sort 0` all; missing values sort last. */
export function sortStage(rest: string, fields: Set<string>): Stage {
  const toks = rest.trim().split(/\s+/).filter(Boolean);
  let limit = 10000; // Splunk's default when no count is given.
  if (toks[0] && /^\d+$/.test(toks[0])) limit = Number(toks.shift()) || Infinity;
  const keys: { read: (row: SEvent) => SValue; desc: boolean }[] = [];
  for (let i = 0; i < toks.length; i++) {
    let t = toks[i]!.replace(/,$/, '');
    let desc = false;
    if (t === '-' || t === '+') {
      desc = t === '-';
      t = toks[++i]!.replace(/,$/, '');
    } else if (t.startsWith('-') || t.startsWith('+')) {
      desc = t.startsWith('-');
      t = t.slice(1);
    }
    if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(t)) throw new SplRuntimeError(`sort by '${t}' is outside the supported subset`);
    keys.push({ read: fieldReader(t), desc });
    fields.add(t);
  }
  const order = (a: SEvent, b: SEvent): number => {
    for (const k of keys) {
      const x = k.read(a);
      const y = k.read(b);
      if (x === null || y === null) {
        if (x === y) continue;
        return x === null ? 1 : -1; // missing values sort last either way
      }
      const c = splunkCompare(x, y);
      if (c) return k.desc ? -c : c;
    }
    return 0;
  };
  const rows: SEvent[] = [];
  return {
    kind: 'sink',
    sink: (next) => ({
      push: (row) => void rows.push(row),
      end() {
        // Array.prototype.sort is stable: rows that compare equal keep their input order.
        rows.sort(order);
        const n = Math.min(limit, rows.length);
        for (let i = 0; i < n; i++) next.push(rows[i]!);
        next.end();
      },
    }),
  };
}
