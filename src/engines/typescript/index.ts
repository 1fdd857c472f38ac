// The TypeScript engine: runs dist-rules/typescript/<rule>.ts as it is on disk. The module is transpiled in memory
// (TypeScript's transpileModule: types erased, nothing else changed; the result cached by the file's exact text)
// and imported from a data: URL, then its `detector` is fed the events of the read period. No interpretation: the
// rule's logic is the module's code.
import type { Row } from '../../events/model.js';
import { toNativeConverter, type NativeConventions } from '../../mapping/native.js';
import { codeVersion } from '../../util/code-version.js';
import { ContentCache } from '../../util/content-cache.js';
import { typescriptCompiler } from '../../util/ts-morph.js';
import type { Engine, EngineRun } from '../types.js';

/** How a generated module reads events: canonical values under the mapping's names, times as ISO 8601 text. */
export const TYPESCRIPT_NATIVE: NativeConventions = { time: 'iso', missing: 'absent' };

/** What a generated module exports (docs/typescript.md). */
interface DetectionModule {
  detector(now: number, options?: { lists: Record<string, readonly string[]> }): { push(event: Row): void; alerts(): Row[] };
}

// Modules by their text: a file run again is imported once; an edited file is a new module.
const loaded = new Map<string, Promise<DetectionModule>>();

/**
 * The JavaScript of a module's text: from detc's content cache when this text (and this detc, whose code version
 * includes the TypeScript it bundles) was transpiled before, so such a run never loads the TypeScript compiler;
 * otherwise transpiled here and kept. The key is the exact text: an edited file is a new entry.
 */
export function transpiled(source: string, fileName: string, cacheDir: string | undefined): string {
  const cache = new ContentCache<string>(cacheDir, 'typescript-js', codeVersion, (v): v is string => typeof v === 'string');
  return cache.getOrMake([fileName, source], () => {
    // The compiler alone (not ts-morph around it): a quarter less to load for a run that meets a new module.
    const ts = typescriptCompiler();
    return ts.transpileModule(source, { fileName, reportDiagnostics: false, compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, isolatedModules: true } }).outputText;
  });
}

/** The module of `source` (TypeScript text), transpiled and imported. */
export function importModule(source: string, fileName: string, cacheDir?: string): Promise<DetectionModule> {
  let m = loaded.get(source);
  if (!m) {
    const js = transpiled(source, fileName, cacheDir);
    m = import(`data:text/javascript;base64,${Buffer.from(js, 'utf8').toString('base64')}`) as Promise<DetectionModule>;
    loaded.set(source, m);
  }
  return m;
}

/**
 * The part of a module a disagreement report shows: the rule's compiled code, from its first constant on (the API
 * and the runtime helpers before it are the same in every module), or the whole file if it has been reshaped.
 */
function ruleCode(source: string, rel: string): string {
  const lines = source.split('\n');
  const at = lines.findIndex((l) => l.startsWith('const READ_PERIOD_MS'));
  if (at < 0) return source;
  const from = lines[at - 1]?.trimStart().startsWith('/**') ? at - 1 : at;
  return [`// dist-rules/${rel}, from line ${from + 1}:`, ...lines.slice(from)].join('\n');
}

export const typescriptEngine: Engine = {
  name: 'typescript',
  async run(run: EngineRun) {
    const rel = `typescript/${run.rule.slug}.ts`;
    const query = run.readEmitted(rel);
    const mod = await importModule(query, rel, run.cacheDir);
    // A live list (threat intelligence) is given to the detector; detc runs it with the list's sample entries.
    const external = run.rule.sharedLists.filter((l) => l.external);
    const options = external.length ? { lists: Object.fromEntries(external.map((l) => [l.name, l.entries.map((e) => e.value)])) } : undefined;
    const detector = mod.detector(run.now, options);
    // Every branch reads the same events in one pass; a rule over two sources sees each event under both mappings.
    const [first, ...others] = [...new Set(run.rule.branches.map((b) => b.source))];
    const more = others.map((s) => toNativeConverter(s, run.mapping, TYPESCRIPT_NATIVE));
    // A batch at a time (one async step per chunk of the input, not per event), pushed in a plain loop.
    for await (const batch of run.batches(first!)) {
      if (more.length === 0) {
        for (let i = 0; i < batch.length; i++) detector.push(batch[i]!.native);
        continue;
      }
      for (let i = 0; i < batch.length; i++) {
        const e = batch[i]!;
        const merged: Row = {};
        for (const f of more) Object.assign(merged, f(e.event));
        detector.push(Object.assign(merged, e.native));
      }
    }
    return { rows: detector.alerts(), query: ruleCode(query, rel) };
  },
};
