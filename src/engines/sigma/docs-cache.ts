// The Sigma documents of emitted files, each file parsed once per content: a file whose bytes (and detc's code) are
// unchanged takes its documents from detc's content cache as plain data, so a run does not parse every rule's YAML
// again. The entries are those `detc build` writes for its identity check (kind `sigma-docs`, keyed by the file's
// text), so a build warms the engine's cache. A file that does not parse is never stored: it fails again.
import { codeVersion } from '../../util/code-version.js';
import { ContentCache, isPlainData } from '../../util/content-cache.js';
import { parseSigmaFiles, type SigmaDoc, type SigmaText } from './select.js';

type Docs = Record<string, unknown>[];
const isDocs = (v: unknown): v is Docs => Array.isArray(v) && v.every((d) => d !== null && typeof d === 'object' && !Array.isArray(d));

/** Every YAML document of every file, in file order, as parseSigmaFiles returns them; `cacheDir` undefined: no cache. */
export function cachedSigmaDocs(files: SigmaText[], cacheDir: string | undefined): SigmaDoc[] {
  const cache = new ContentCache<Docs>(cacheDir, 'sigma-docs', codeVersion, isDocs);
  return files.flatMap((f) => {
    const docs = cache.getOrMake([f.content], () => parseSigmaFiles([f]).map((d) => d.doc), (ds) => ds.every((d) => isPlainData(d)));
    return docs.map((doc) => ({ file: f.path, doc }));
  });
}
