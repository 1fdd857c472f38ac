// A mapping variant's rows read from the main mapping's native events: ASIM's SrcIpAddr is the event's SourceIP
// under another name. The main read's events then serve the variant's query too (one decoding of the events for
// both), each variant column read from the main native field that holds the same canonical field.
import { DATA_SOURCES } from '../../ir/sources.js';
import type { BackendMapping, MappedField } from '../../mapping/types.js';

/**
 * Variant native name → main native name, for every canonical field of `source` the variant maps; undefined when
 * the main native event does not determine the variant's (then the variant reads the events mapped on its own).
 *
 * The canonical → native conversion (mapping/native.ts) writes a field's value from the canonical value, the
 * field's type, the target's conventions and the mapped field's transform and placeholders: never from its name. So a
 * field that both map, neither with a transform and both with the same placeholders, has the same value in both
 * native events, and only its name differs. A field only the variant maps has no main value to read, and a native
 * name two canonical fields share holds one of them only: both refuse the translation.
 */
export function variantFields(source: string, main: BackendMapping, variant: BackendMapping): Map<string, string> | undefined {
  const m = main.sources[source];
  const v = variant.sources[source];
  const ds = DATA_SOURCES[source];
  if (!m || !v || !ds) return undefined;
  const out = new Map<string, string>();
  const mainNames = new Set<string>();
  for (const field of Object.keys(ds.fields)) {
    const mf = m.fields[field];
    const vf = v.fields[field];
    if (mf) {
      if (mainNames.has(mf.name)) return undefined;
      mainNames.add(mf.name);
    }
    if (!vf) continue;
    if (!mf || !sameValues(mf, vf) || out.has(vf.name)) return undefined;
    out.set(vf.name, mf.name);
  }
  return out;
}

function sameValues(a: MappedField, b: MappedField): boolean {
  return a.transform === undefined && b.transform === undefined && a.missing.length === b.missing.length && a.missing.every((x, i) => x === b.missing[i]);
}
