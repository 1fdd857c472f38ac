// The Sigma documents of the emitted files for the identity check, each file parsed once per content: a file whose
// bytes (and detc's code) are unchanged takes its documents from the cache (util/content-cache.ts), as plain data.
// A file that does not parse is never stored, so it fails again on the next build.
import { parseSigmaFiles, type SigmaDoc, type SigmaText } from '../engines/sigma/select.js';
import { codeVersion } from '../util/code-version.js';
import { ContentCache, isPlainData } from '../util/content-cache.js';

type Docs = Record<string, unknown>[];
const isDocs = (v: unknown): v is Docs => Array.isArray(v) && v.every((d) => d !== null && typeof d === 'object' && !Array.isArray(d));

/** Every YAML document of every file, in file order, as parseSigmaFiles returns them. */
export function sigmaDocs(files: SigmaText[], cacheDir: string | undefined): SigmaDoc[] {
  const cache = new ContentCache<Docs>(cacheDir, 'sigma-docs', codeVersion(), isDocs);
  return files.flatMap((f) => {
    const key = cache.key(f.content);
    const hit = cache.get(key);
    if (hit) return hit.map((doc) => ({ file: f.path, doc }));
    const docs = parseSigmaFiles([f]);
    if (docs.every((d) => isPlainData(d.doc))) cache.put(key, docs.map((d) => d.doc));
    return docs;
  });
}
