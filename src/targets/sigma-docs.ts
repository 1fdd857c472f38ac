// The Sigma documents of the emitted files for the build's identity check: the Sigma engine's own cached reading
// (engines/sigma/docs-cache.ts), so that a build warms the cache every later run reads.
export { cachedSigmaDocs as sigmaDocs } from '../engines/sigma/docs-cache.js';
