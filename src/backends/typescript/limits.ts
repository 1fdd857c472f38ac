// What a generated TypeScript module cannot express. Everything of the IR compiles; what it cannot do is read a
// field through a transform (the module reads the event as given, under the mapping's names) or an external list
// other than IP ranges (a live store is given to the detector as options; only IP-range lists are).

import type { Condition, Rule } from '../../ir/types.js';
import { fieldsRead } from '../../mapping/mapping.js';
import type { BackendMapping } from '../../mapping/types.js';

/** Why the TypeScript target cannot express the rule, or undefined. */
export function typescriptUnexpressible(rule: Rule, mapping: BackendMapping): { branch: string; message: string } | undefined {
  for (const b of rule.branches) {
    const sm = mapping.sources[b.source];
    for (const f of fieldsRead(b)) {
      const t = sm?.fields[f]?.transform;
      if (t) return { branch: b.name, message: `typescript: field ${f} is mapped with transform '${t}', which a generated module does not apply (it reads events under the mapping's names as they are); the rule is not emitted for TypeScript` };
    }
    const external = new Set(rule.sharedLists.filter((l) => l.external).map((l) => l.name));
    const bad = [b.where, b.followedBy?.where].flatMap((c) => externalNonCidr(c, external));
    if (bad.length) return { branch: b.name, message: `typescript: the external list ${bad[0]} is read as text values; a generated module takes only IP-range lists from a live store; the rule is not emitted for TypeScript` };
  }
  return undefined;
}

function externalNonCidr(c: Condition | undefined, external: Set<string>): string[] {
  if (!c) return [];
  if (c.kind === 'and' || c.kind === 'or') return c.exprs.flatMap((x) => externalNonCidr(x, external));
  if (c.kind === 'not') return externalNonCidr(c.expr, external);
  return c.kind === 'string' && c.list && external.has(c.list) ? [c.list] : [];
}

