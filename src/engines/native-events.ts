import type { BackendMapping } from '../backends/types.js';
import { DATA_SOURCES } from '../ir/sources.js';
import { toEpochMs } from './reference/evaluate.js';
import { isMissing, type Row } from './reference/predicates.js';

/**
 * Canonical event → the event as a backend's data store would hold it, through that backend's own field mapping
 * (so a wrong mapping shows up as a disagreement):
 * - sentinel: table columns; the time column as an ISO 8601 string; absent strings as "" (KQL strings are never null).
 * - splunk: CIM fields; `_time` in epoch seconds; missing fields that CIM fills get the CIM placeholder
 *   (dest_port 0, user "unknown") exactly as the data model would present them.
 * - sigma: taxonomy fields; a `basename` field (process_name) comes from the full path (process_path → Image), or,
 *   when no canonical field carries that path (parent_process_name → ParentImage), is the file name itself.
 */
export function toNativeEvent(e: Row, source: string, backend: 'sentinel' | 'splunk' | 'sigma', mapping: BackendMapping): Row {
  const sm = mapping.sources[source];
  if (!sm) throw new Error(`${backend}: no mapping for source ${source}`);
  const ds = DATA_SOURCES[source]!;
  const out: Row = {};
  for (const [field, def] of Object.entries(ds.fields)) {
    const f = sm.fields[field];
    if (!f) continue;
    const v = e[field];
    if (f.transform === 'basename') continue;
    if (field === ds.time) {
      const ms = toEpochMs(v);
      if (ms === undefined) continue;
      out[f.name] = backend === 'splunk' ? ms / 1000 : new Date(ms).toISOString();
      continue;
    }
    if (isMissing(v)) {
      if (backend === 'splunk' && f.missing.length) out[f.name] = def.type === 'int' ? Number(f.missing[0]) : f.missing[0];
      else if (backend === 'sentinel' && (def.type === 'string' || def.type === 'ip')) out[f.name] = '';
      continue;
    }
    out[f.name] = def.type === 'int' && typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v;
  }
  // A file name whose full path no canonical field carries (the parent's image: there is no parent_process_path)
  // becomes a path without a folder, whose basename is that name, so the taxonomy field is not simply absent.
  for (const [field, f] of Object.entries(sm.fields)) {
    if (f.transform !== 'basename' || out[f.name] !== undefined || isMissing(e[field])) continue;
    out[f.name] = e[field];
  }
  return out;
}
