import { DATA_SOURCES } from '../ir/sources.js';
import { isMissing, toEpochMs, type Row } from '../events/model.js';
import type { BackendMapping } from './types.js';

/**
 * How a target's data store holds a canonical event, beyond the field names of its mapping. Each target declares
 * its conventions once (targets/<name>.ts); both directions of the mapping below read them, so an event exported
 * from the store and an event shown to the store's query go through the same rules.
 */
export interface NativeConventions {
  /** Event times: ISO 8601 text (Log Analytics, Sigma taxonomies) or epoch seconds (Splunk's `_time`). */
  time: 'iso' | 'epoch-seconds';
  /**
   * A canonical missing value: left out; the empty string in string and IP columns (KQL strings are never null);
   * or the mapping's placeholder (`missing:` in mapping.yml, CIM's "unknown" and 0) where it declares one.
   */
  missing: 'absent' | 'empty-string' | 'placeholder';
}

/**
 * Canonical event → the event as the target's store would hold it, through the target's own field mapping (so a
 * wrong mapping shows up as a disagreement between engines). A `basename` field (the taxonomy has only the full
 * path) comes from the canonical full path, or, when no canonical field carries that path (parent_process_name →
 * ParentImage), is the file name itself.
 */
export function toNativeConverter(source: string, mapping: BackendMapping, conv: NativeConventions): (e: Row) => Row {
  const sm = mapping.sources[source];
  if (!sm) throw new Error(`no mapping for source ${source} in ${mapping.file}`);
  const ds = DATA_SOURCES[source]!;
  // The mapped fields in the source's order and the basename fields, worked out once: the converter runs per event.
  const fields = Object.entries(ds.fields).flatMap(([field, def]) => (sm.fields[field] ? [{ field, def, f: sm.fields[field]! }] : []));
  const basenames = Object.entries(sm.fields).filter(([, f]) => f.transform === 'basename');
  return (e) => {
    const out: Row = {};
    for (const { field, def, f } of fields) {
      const v = e[field];
      if (f.transform === 'basename') continue;
      if (f.transform === 'hash') {
        // One `ALG=value` entry of the list, as Sysmon writes Hashes.
        if (!isMissing(v)) out[f.name] = [out[f.name], `${f.algorithm}=${String(v)}`].filter((x) => x !== undefined).join(',');
        continue;
      }
      if (field === ds.time) {
        const ms = toEpochMs(v);
        if (ms === undefined) continue;
        out[f.name] = conv.time === 'epoch-seconds' ? ms / 1000 : new Date(ms).toISOString();
        continue;
      }
      if (isMissing(v)) {
        if (conv.missing === 'placeholder' && f.missing.length) out[f.name] = def.type === 'int' ? Number(f.missing[0]) : f.missing[0];
        else if (conv.missing === 'empty-string' && (def.type === 'string' || def.type === 'ip')) out[f.name] = '';
        continue;
      }
      out[f.name] = def.type === 'int' && typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v;
    }
    // A file name whose full path no canonical field carries (the parent's image: there is no parent_process_path)
    // becomes a path without a folder, whose basename is that name, so the taxonomy field is not simply absent.
    for (const [field, f] of basenames) {
      if (out[f.name] !== undefined || isMissing(e[field])) continue;
      out[f.name] = e[field];
    }
    return out;
  };
}

/**
 * The other direction, for events exported from the store (a Log Analytics export, Splunk JSON): native field →
 * canonical field through the same mapping. Null values and the mapping's placeholders are missing; integer fields
 * given as text (CSV cells) become numbers; epoch-second times become milliseconds.
 */
export function fromNativeConverter(source: string, mapping: BackendMapping, conv: NativeConventions): (o: Row) => Row {
  const sm = mapping.sources[source];
  if (!sm) throw new Error(`no mapping for source ${source} in ${mapping.file}`);
  const ds = DATA_SOURCES[source]!;
  const plain = Object.entries(sm.fields).filter(([, f]) => f.transform !== 'hash');
  const back = new Map(plain.map(([canon, f]) => [f.name, { canon, missing: f.missing, type: ds.fields[canon]!.type }]));
  const hashes = Object.entries(sm.fields).filter(([, f]) => f.transform === 'hash');
  return (o) => {
    const e: Row = {};
    for (const [canon, f] of hashes) {
      const list = o[f.name];
      if (typeof list !== 'string') continue;
      const entry = list.split(',').find((x) => x.slice(0, x.indexOf('=')).toUpperCase() === f.algorithm!.toUpperCase());
      if (entry !== undefined && entry.indexOf('=') > 0 && entry.slice(entry.indexOf('=') + 1) !== '') e[canon] = entry.slice(entry.indexOf('=') + 1);
    }
    for (const [k, v] of Object.entries(o)) {
      const f = back.get(k);
      if (!f) continue;
      if (v === null || v === undefined || f.missing.includes(String(v))) continue;
      if (f.canon === ds.time) e[f.canon] = conv.time === 'epoch-seconds' && typeof v === 'number' ? v * 1000 : v;
      else if (f.type === 'int' && typeof v === 'string' && /^-?\d+$/.test(v)) e[f.canon] = Number(v);
      else e[f.canon] = v;
    }
    return e;
  };
}
