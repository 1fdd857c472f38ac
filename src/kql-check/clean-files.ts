// Files checked clean before: a rule's emitted files whose paths and bytes, the KQL environment (Kusto.Language
// version, tables, functions) and detc's own code are all unchanged need no second parse or analysis. Only a clean
// result is stored (a file with a finding is checked again every time), so a cache can never hide a finding.
import { codeVersion } from '../util/code-version.js';
import { ContentCache } from '../util/content-cache.js';

export class CleanFiles {
  private readonly cache: ContentCache<true>;

  /** `env`: what the check depends on besides the files (kqlEnvironment). */
  constructor(dir: string | undefined, kind: string, env: string) {
    this.cache = new ContentCache(dir, kind, `${codeVersion()}\u0000${env}`, (v): v is true => v === true);
  }

  /** Keys by the list they were computed for: a build asks `has` and then `add` of one list (hashing its bytes twice). */
  private readonly keys = new WeakMap<readonly object[], string>();

  private key(files: readonly { path: string; content: string }[]): string {
    let k = this.keys.get(files);
    if (k === undefined) this.keys.set(files, (k = this.cache.key(...files.flatMap((f) => [f.path, f.content]))));
    return k;
  }

  /** True when exactly these files (in this order) were checked clean before. */
  has(files: readonly { path: string; content: string }[]): boolean {
    // Without a cache nothing is known clean, and nothing needs hashing.
    return this.cache.enabled && files.length > 0 && this.cache.get(this.key(files)) === true;
  }

  add(files: readonly { path: string; content: string }[]): void {
    if (this.cache.enabled && files.length) this.cache.put(this.key(files), true);
  }
}
