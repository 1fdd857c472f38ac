// What a loaded rule was made from, as one hash: detc's code and load options, the rule file's name and text, and the
// content of each shared list it reads (rule-cache.ts keys its entries by the same). The IR is a function of exactly
// these, so a printer may key what it printed for a rule by this hash instead of hashing the whole IR again.
import { createHash } from 'node:crypto';
import type { Rule } from '../ir/types.js';

const hashes = new WeakMap<Rule, string>();

/** Records that `rule` was loaded from the inputs hashed as `key` with the lists hashed as `lists` (by name). */
export function recordRuleInputs(rule: Rule, key: string, lists: Record<string, string>): void {
  hashes.set(rule, createHash('sha256').update(key).update('\u0000').update(JSON.stringify(Object.entries(lists).sort())).digest('hex'));
}

/** The hash of what `rule` was loaded from, when it was loaded through the rule cache; else undefined. */
export function ruleInputs(rule: Rule): string | undefined {
  return hashes.get(rule);
}
