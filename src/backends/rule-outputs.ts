// What a backend printed for one rule, remembered by content: a rule whose IR, mapping, settings, templates and
// detc's own code are all unchanged prints what it printed before, so a rebuild after one rule changed renders that
// rule alone (rendering every rule of a thousand through the templates was most of a warm build's time). Printing is
// a function of exactly these inputs (no clock, no file but the templates), and a rule or mapping that is not plain
// data (which JSON could not key faithfully) is printed afresh every time, so a cache never changes an output.
import { createHash } from 'node:crypto';
import type { Rule } from '../ir/types.js';
import { ruleInputs } from '../load/rule-inputs.js';
import { codeVersion } from '../util/code-version.js';
import { ContentCache, isPlainData } from '../util/content-cache.js';
import type { TemplateSet } from './render.js';
import type { BackendContext } from './types.js';

const fingerprints = new WeakMap<Rule, string | null>();

/**
 * A hash of what the rule's IR was made from (load/rule-inputs.ts) when it was loaded through the rule cache, else
 * of the IR itself (its shared lists included); undefined when the IR is not plain JSON data.
 */
export function ruleFingerprint(rule: Rule): string | undefined {
  let f = fingerprints.get(rule);
  if (f === undefined) {
    const inputs = ruleInputs(rule);
    f = inputs !== undefined ? `inputs:${inputs}` : isPlainData(rule) ? `ir:${createHash('sha256').update(JSON.stringify(rule)).digest('hex')}` : null;
    fingerprints.set(rule, f);
  }
  return f ?? undefined;
}

export class RuleOutputs<T> {
  private readonly cache: ContentCache<T>;

  /**
   * `kind`: the backend's folder in the cache; `templates`: what the printer reads besides the rule, the mapping and
   * the settings (a TemplateSet, or the TypeScript target's runtime), by its fingerprint; `valid` checks an entry's
   * shape.
   */
  constructor(ctx: BackendContext, kind: string, templates: Pick<TemplateSet, 'fingerprint'>, valid: (v: unknown) => v is T) {
    const usable = isPlainData(ctx.mapping) && isPlainData(ctx.settings ?? null);
    this.cache = new ContentCache(usable ? ctx.cacheDir : undefined, kind, () =>
      [codeVersion(), JSON.stringify(ctx.mapping), JSON.stringify(ctx.settings ?? null), templates.fingerprint()].join('\u0000'),
      valid);
  }

  /**
   * What `print` printed for this rule before, else what it prints now, remembered when JSON gives it back exactly
   * (not even a property that is undefined rather than absent, which a strict template tells apart), so that a hit
   * can differ from a fresh print in nothing.
   */
  of(rule: Rule, print: () => T): T {
    const key = this.cache.enabled ? ruleFingerprint(rule) : undefined;
    return key === undefined ? print() : this.cache.getOrMake([key], print, (v) => isPlainData(v, true));
  }
}
