// A content-addressed store: one JSON file per key, `<dir>/<kind>/<key>.json`, holding the key it was written for.
// A key is the hash of everything the value depends on. An entry that is absent, does not parse, names another key
// or fails the reader's shape check is a miss (and is rewritten), so a corrupt or foreign file can never stand in
// for a result. Writes go beside the entry and are renamed into place: a reader never sees half an entry.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';

const FORMAT = 1;

export class ContentCache<T> {
  private readonly folder: string | undefined;

  /**
   * `dir` undefined: no cache (every get misses, put writes nothing). `env`: what every entry of this kind depends
   * on besides its own parts (detc's code, schemas, ...), or a function computing it at the first key (so a
   * disabled cache never computes it). `valid` checks a parsed value's shape.
   */
  constructor(dir: string | undefined, kind: string, private env: string | (() => string), private readonly valid: (v: unknown) => v is T) {
    this.folder = dir === undefined ? undefined : path.join(dir, kind);
  }

  get enabled(): boolean {
    return this.folder !== undefined;
  }

  /** The key of an entry made of these parts (each part delimited, so ['ab', 'c'] and ['a', 'bc'] differ). */
  key(...parts: string[]): string {
    if (typeof this.env === 'function') this.env = this.env();
    const h = createHash('sha256').update(this.env);
    for (const p of parts) h.update(`\u0000${p.length}\u0000`).update(p);
    return h.digest('hex');
  }

  /** The value stored for these parts, else `make()`'s, stored when `keep` accepts it (a disabled cache only makes). */
  getOrMake(parts: string[], make: () => T, keep: (v: T) => boolean = () => true): T {
    if (!this.folder) return make();
    const key = this.key(...parts);
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const v = make();
    if (keep(v)) this.put(key, v);
    return v;
  }

  get(key: string): T | undefined {
    if (!this.folder) return undefined;
    let entry: { format?: unknown; key?: unknown; value?: unknown };
    try {
      entry = JSON.parse(readFileSync(path.join(this.folder, `${key}.json`), 'utf8')) as typeof entry;
    } catch {
      return undefined; // absent or not JSON: a miss
    }
    if (entry?.format !== FORMAT || entry.key !== key || !this.valid(entry.value)) return undefined;
    return entry.value;
  }

  put(key: string, value: T): void {
    if (!this.folder) return;
    try {
      mkdirSync(this.folder, { recursive: true });
      const file = path.join(this.folder, `${key}.json`);
      // Per process and thread: the worker threads of one process must not write one temporary file together.
      const tmp = `${file}.${process.pid}-${threadId}.tmp`;
      writeFileSync(tmp, JSON.stringify({ format: FORMAT, key, value }));
      renameSync(tmp, file);
    } catch {
      // A read-only or full disk: the result is still used; the next run computes it again.
    }
  }
}

/**
 * True when `v` is plain JSON data that survives JSON.stringify → JSON.parse unchanged (no Map, Date, NaN, -0, hole).
 * An undefined property is left out by JSON: by default that counts as surviving (readers of the IR treat absent and
 * undefined alike); `exact` refuses it, for values whose readers may tell the two apart (a strict template does).
 */
export function isPlainData(v: unknown, exact = false): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0);
    case 'object': {
      if (v === null) return true;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) if (!(i in v) || v[i] === undefined || !isPlainData(v[i], exact)) return false;
        return true;
      }
      if (Object.getPrototypeOf(v) !== Object.prototype) return false;
      for (const x of Object.values(v)) if (x === undefined ? exact : !isPlainData(x, exact)) return false;
      return true;
    }
    default:
      return false;
  }
}
