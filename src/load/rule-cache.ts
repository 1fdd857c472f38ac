// Rules loaded before, remembered by content: a rule file whose text, name, load options and the shared lists it
// reads are unchanged (and detc itself too) is not parsed, validated and lowered again; its IR and warnings come
// from the cache. Only clean loads are stored (a rule with an error is loaded afresh every time), and an entry is
// used only where the shared lists it read still hash the same, so a cache can never hide a problem.
import { createHash } from 'node:crypto';
import type { Rule, SharedList } from '../ir/types.js';
import { codeVersion } from '../util/code-version.js';
import { ContentCache, isPlainData } from '../util/content-cache.js';
import type { Diagnostic } from './diagnostics.js';
import type { LoadOptions } from './options.js';
import { recordRuleInputs } from './rule-inputs.js';

interface Entry {
  rule: Rule;
  /** The rule's warnings. */
  diagnostics: Diagnostic[];
  /** The hash of each shared list the rule reads, by name. */
  lists: Record<string, string>;
}

const isEntry = (v: unknown): v is Entry => {
  const e = v as Entry;
  return !!e && typeof e === 'object' && !!e.rule && typeof e.rule.id === 'string' && typeof e.rule.file === 'string' && Array.isArray(e.rule.sharedLists) &&
    Array.isArray(e.diagnostics) && e.diagnostics.every((d) => d && d.severity === 'warning') && !!e.lists && typeof e.lists === 'object';
};

const listHash = (l: SharedList) => createHash('sha256').update(JSON.stringify(l)).digest('hex');

export interface LoadedRule {
  rule?: Rule;
  diagnostics: Diagnostic[];
}

export class RuleLoadCache {
  /** How many rules came from the cache. */
  reused = 0;
  private readonly cache: ContentCache<Entry>;
  private readonly lists: Map<string, SharedList>;
  private readonly hashes = new Map<string, string>();

  constructor(dir: string | undefined, opts: LoadOptions) {
    this.lists = opts.sharedLists ?? new Map();
    // Which lists exist (not their content) is part of every key: a new list may give a `$name` a meaning.
    const env = JSON.stringify({ code: codeVersion(), defaultSeverity: opts.defaultSeverity ?? null, lists: [...this.lists.keys()].sort() });
    this.cache = new ContentCache(dir, 'rules', env, isEntry);
  }

  private hashOf(name: string): string | undefined {
    const l = this.lists.get(name);
    if (!l) return undefined;
    let h = this.hashes.get(name);
    if (!h) this.hashes.set(name, (h = listHash(l)));
    return h;
  }

  /** The rule `file` with `text` as loaded before, or undefined. */
  get(file: string, text: string): LoadedRule | undefined {
    const key = this.cache.key(file, text);
    const e = this.cache.get(key);
    if (!e || e.rule.file !== file || !Object.entries(e.lists).every(([name, h]) => this.hashOf(name) === h)) return undefined;
    // The rule's shared lists are the loaded lists themselves (as lowering links them), not copies.
    if (!e.rule.sharedLists.every((l) => this.lists.has(l?.name))) return undefined;
    e.rule.sharedLists = e.rule.sharedLists.map((l) => this.lists.get(l.name)!);
    recordRuleInputs(e.rule, key, e.lists);
    this.reused++;
    return { rule: e.rule, diagnostics: e.diagnostics };
  }

  /** Remembers a clean load (no error; the IR is plain data). */
  put(file: string, text: string, loaded: LoadedRule): void {
    const { rule, diagnostics } = loaded;
    if (!this.cache.enabled || !rule || diagnostics.some((d) => d.severity !== 'warning') || !isPlainData(rule)) return;
    const lists = Object.fromEntries(rule.sharedLists.map((l) => [l.name, this.hashOf(l.name)!]));
    const key = this.cache.key(file, text);
    recordRuleInputs(rule, key, lists);
    // The lists are stored by name only: `get` links the loaded lists in (after checking their hashes), so an entry
    // does not carry a copy of every list its rule reads (an organisation's allowlists run to thousands of entries).
    const stored = { ...rule, sharedLists: rule.sharedLists.map((l) => ({ name: l.name }) as SharedList) };
    this.cache.put(key, { rule: stored, diagnostics, lists });
  }
}
