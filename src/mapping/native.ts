import { DATA_SOURCES } from '../ir/sources.js';
import { isIsoString, isMissing, toEpochMs, type Row } from '../events/model.js';
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
export function toNativeConverter(source: string, mapping: BackendMapping, conv: NativeConventions, only?: ReadonlySet<string>): (e: Row) => Row {
  const sm = mapping.sources[source];
  if (!sm) throw new Error(`no mapping for source ${source} in ${mapping.file}`);
  const ds = DATA_SOURCES[source]!;
  // The mapped fields in the source's order and the basename fields, worked out once: the converter runs per event.
  // With `only`, the fields a rule reads: the others are never looked at, so they are not made.
  const kept = (field: string) => !only || only.has(field);
  const fields = Object.entries(ds.fields).flatMap(([field, def]) => (sm.fields[field] && kept(field) ? [{ field, def, f: sm.fields[field]! }] : []));
  const basenames = Object.entries(sm.fields).filter(([field, f]) => f.transform === 'basename' && kept(field));
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
        if (conv.time === 'iso' && isIsoString(v)) {
          out[f.name] = v;
          continue;
        }
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
export function fromNativeConverter(source: string, mapping: BackendMapping, conv: NativeConventions, only?: ReadonlySet<string>): (o: Row) => Row {
  const { hashes, plain } = fromNativePlan(source, mapping, only);
  const ds = DATA_SOURCES[source]!;
  return (o) => {
    const e: Row = {};
    for (const { canon, f } of hashes) {
      const list = o[f.name];
      if (typeof list !== 'string') continue;
      const entry = list.split(',').find((x) => x.slice(0, x.indexOf('=')).toUpperCase() === f.algorithm!.toUpperCase());
      if (entry !== undefined && entry.indexOf('=') > 0 && entry.slice(entry.indexOf('=') + 1) !== '') e[canon] = entry.slice(entry.indexOf('=') + 1);
    }
    // The plan's native names, not the row's keys: a row holds many fields the mapping does not name.
    for (const { name, own, canon, missing, type } of plain) {
      if (own && !Object.hasOwn(o, name)) continue;
      const v = o[name];
      if (v === null || v === undefined || (missing.length && missing.includes(String(v)))) continue;
      if (canon === ds.time) e[canon] = conv.time === 'epoch-seconds' && typeof v === 'number' ? v * 1000 : v;
      else if (type === 'int' && typeof v === 'string' && /^-?\d+$/.test(v)) e[canon] = Number(v);
      else e[canon] = v;
    }
    return e;
  };
}

function fromNativePlan(source: string, mapping: BackendMapping, only: ReadonlySet<string> | undefined) {
  const sm = mapping.sources[source];
  if (!sm) throw new Error(`no mapping for source ${source} in ${mapping.file}`);
  const ds = DATA_SOURCES[source]!;
  const kept = (canon: string) => !only || only.has(canon);
  // One canonical field per native name: where two share one, the last mapped reads it (as a Map keeps the last).
  const back = new Map(Object.entries(sm.fields).filter(([, f]) => f.transform !== 'hash').map(([canon, f]) => [f.name, { canon, missing: f.missing, type: ds.fields[canon]!.type }]));
  // A name Object.prototype also has (`constructor`) is read only as the row's own property.
  const plain = [...back].filter(([, b]) => kept(b.canon)).map(([name, b]) => ({ name, own: name in Object.prototype, ...b }));
  const hashes = Object.entries(sm.fields).filter(([canon, f]) => f.transform === 'hash' && kept(canon)).map(([canon, f]) => ({ canon, f }));
  return { hashes, plain };
}

/** A target's export read through its mapping (NativeFormat's converter). */
export function nativeFormatOf(mapping: BackendMapping, conv: NativeConventions) {
  return { converter: (source: string, fields?: ReadonlySet<string>) => fromNativeConverter(source, mapping, conv, fields) };
}
