// ts-morph (and the TypeScript compiler it bundles, ~10 MB of JavaScript) is loaded on first use only: the
// TypeScript target's build, verifier and engine need it; `detc --help` or `detc run --engine kql` never load it.
// A synchronous require, because the build's backends and verifiers are synchronous; ts-morph is CommonJS.
import { createRequire } from 'node:module';

export type TsMorph = typeof import('ts-morph');

let loaded: TsMorph | undefined;

/** ts-morph, loaded the first time it is asked for. */
export function tsMorph(): TsMorph {
  loaded ??= createRequire(import.meta.url)('ts-morph') as TsMorph;
  return loaded;
}
