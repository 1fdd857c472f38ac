import { DATA_SOURCES } from '../ir/sources.js';
import { isIsoShaped, isIsoString, isMissing, toEpochMs, type Row } from '../events/model.js';
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
 * ParentImage), is the file name itself. `t`, when given, is the event's time already read (ms): its time field is
 * then not parsed again.
 */
export function toNativeConverter(source: string, mapping: BackendMapping, conv: NativeConventions, only?: ReadonlySet<string>): (e: Row, t?: number) => Row {
  const sm = mapping.sources[source];
  if (!sm) throw new Error(`no mapping for source ${source} in ${mapping.file}`);
  const ds = DATA_SOURCES[source]!;
  // The mapped fields in the source's order and the basename fields, worked out once: the converter runs per event.
  // With `only`, the fields a rule reads: the others are never looked at, so they are not made.
  const kept = (field: string) => !only || only.has(field);
  const fields = Object.entries(ds.fields).flatMap(([field, def]) => (sm.fields[field] && kept(field) ? [{ field, def, f: sm.fields[field]! }] : []));
  const basenames = Object.entries(sm.fields).filter(([field, f]) => f.transform === 'basename' && kept(field));
  // One statement per field, compiled once into a function: its reads and writes name their fields, so each is a
  // property access of one known shape rather than a lookup by a name held in a variable (a third of the time).
  const constants: unknown[] = [];
  const constant = (v: unknown) => `c[${constants.push(v) - 1}]`;
  const body: string[] = [];
  for (const { field, def, f } of fields) {
    const get = `e[${JSON.stringify(field)}]`;
    const set = `out[${JSON.stringify(f.name)}]`;
    if (f.transform === 'basename') continue;
    if (f.transform === 'hash') {
      // One `ALG=value` entry of the list, as Sysmon writes Hashes.
      body.push(`v = ${get}; if (!h.isMissing(v)) ${set} = h.hashEntry(${set}, ${constant(f.algorithm)}, v);`);
      continue;
    }
    if (field === ds.time) {
      body.push(`v = h.time(${get}, t); if (v !== undefined) ${set} = v;`);
      continue;
    }
    let absent = '';
    if (conv.missing === 'placeholder' && f.missing.length) absent = `${set} = ${constant(def.type === 'int' ? Number(f.missing[0]) : f.missing[0])};`;
    else if (conv.missing === 'empty-string' && (def.type === 'string' || def.type === 'ip')) absent = `${set} = '';`;
    const present = def.type === 'int' ? `typeof v === 'string' ? h.intText(v) : v` : 'v';
    body.push(`v = ${get}; if (h.isMissing(v)) { ${absent} } else ${set} = ${present};`);
  }
  const helpers = { isMissing, hashEntry, intText, time: nativeTime(conv) };
  const convert = new Function('h', 'c', `return function toNative(e, t) { const out = {}; let v; ${body.join(' ')} return out; };`)(helpers, constants) as (e: Row, t?: number) => Row;
  if (!basenames.length) return convert;
  return (e, t) => {
    const out = convert(e, t);
    // A file name whose full path no canonical field carries (the parent's image: there is no parent_process_path)
    // becomes a path without a folder, whose basename is that name, so the taxonomy field is not simply absent.
    for (const [field, f] of basenames) {
      if (out[f.name] !== undefined || isMissing(e[field])) continue;
      out[f.name] = e[field];
    }
    return out;
  };
}

/** A hash list with one more `ALG=value` entry. */
function hashEntry(list: unknown, algorithm: string, v: unknown): string {
  return [list, `${algorithm}=${String(v)}`].filter((x) => x !== undefined).join(',');
}

/** An integer field's text as a number, when it is one. */
function intText(v: string): unknown {
  return v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v;
}

/**
 * An event time as the store holds it (undefined when it is no time). `t` is the time already read from `v`, if
 * any: a text shaped as toISOString writes it then is that time's text, and nothing is parsed.
 */
function nativeTime(conv: NativeConventions): (v: unknown, t: number | undefined) => unknown {
  if (conv.time === 'epoch-seconds') {
    return (v, t) => {
      const ms = t ?? toEpochMs(v);
      return ms === undefined ? undefined : ms / 1000;
    };
  }
  return (v, t) => {
    if (t === undefined ? isIsoString(v) : isIsoShaped(v)) return v;
    const ms = t ?? toEpochMs(v);
    return ms === undefined ? undefined : new Date(ms).toISOString();
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
  // Compiled once, as toNativeConverter is: each read and write names its field.
  const constants: unknown[] = [];
  const constant = (v: unknown) => `c[${constants.push(v) - 1}]`;
  const body: string[] = [];
  // The plan's native names, not the row's keys: a row holds many fields the mapping does not name.
  for (const { name, own, canon, missing, type } of plain) {
    const key = JSON.stringify(name);
    body.push(own ? `v = Object.hasOwn(o, ${key}) ? o[${key}] : undefined;` : `v = o[${key}];`);
    const placeholder = missing.length ? ` && !${constant(missing)}.includes(String(v))` : '';
    const set = `e[${JSON.stringify(canon)}]`;
    let value = 'v';
    if (canon === ds.time) value = conv.time === 'epoch-seconds' ? `typeof v === 'number' ? v * 1000 : v` : 'v';
    else if (type === 'int') value = `typeof v === 'string' && /^-?\\d+$/.test(v) ? Number(v) : v`;
    body.push(`if (v !== null && v !== undefined${placeholder}) ${set} = ${value};`);
  }
  const plainPart = new Function('c', `return function fromNative(o, e) { let v; ${body.join(' ')} return e; };`)(constants) as (o: Row, e: Row) => Row;
  if (!hashes.length) return (o) => plainPart(o, {});
  return (o) => {
    const e: Row = {};
    for (const { canon, f } of hashes) {
      const list = o[f.name];
      if (typeof list !== 'string') continue;
      const entry = list.split(',').find((x) => x.slice(0, x.indexOf('=')).toUpperCase() === f.algorithm!.toUpperCase());
      if (entry !== undefined && entry.indexOf('=') > 0 && entry.slice(entry.indexOf('=') + 1) !== '') e[canon] = entry.slice(entry.indexOf('=') + 1);
    }
    return plainPart(o, e);
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
