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

  private key(files: readonly { path: string; content: string }[]): string {
    return this.cache.key(...files.flatMap((f) => [f.path, f.content]));
  }

  /** True when exactly these files (in this order) were checked clean before. */
  has(files: readonly { path: string; content: string }[]): boolean {
    return files.length > 0 && this.cache.get(this.key(files)) === true;
  }

  add(files: readonly { path: string; content: string }[]): void {
    if (files.length) this.cache.put(this.key(files), true);
  }
}
