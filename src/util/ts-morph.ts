// ts-morph (and the TypeScript compiler it bundles, ~10 MB of JavaScript) is loaded on first use only: the
// TypeScript target's build, verifier and engine need it; `detc --help` or `detc run --engine kql` never load it.
// A synchronous require, because the build's backends and verifiers are synchronous; ts-morph is CommonJS.
import { createRequire } from 'node:module';
import path from 'node:path';

export type TsMorph = typeof import('ts-morph');
export type TypeScript = TsMorph['ts'];

let loaded: TsMorph | undefined;
let compiler: TypeScript | undefined;

/** ts-morph, loaded the first time it is asked for. */
export function tsMorph(): TsMorph {
  loaded ??= createRequire(import.meta.url)('ts-morph') as TsMorph;
  return loaded;
}

/**
 * The TypeScript compiler ts-morph bundles (the module whose exports `tsMorph().ts` hands on), loaded without
 * ts-morph and its helper library: those add 3.4 MB of JavaScript, about a quarter of the load, to a build that only
 * prints a module with the compiler's factory and printer. Falls back to ts-morph when its package layout is not the
 * one known here.
 */
export function typescriptCompiler(): TypeScript {
  if (compiler) return compiler;
  if (loaded) return (compiler = loaded.ts);
  try {
    // @ts-morph/common is ts-morph's own dependency: resolved from ts-morph's folder, as ts-morph resolves it.
    const common = createRequire(createRequire(import.meta.url).resolve('ts-morph')).resolve('@ts-morph/common');
    compiler = createRequire(common)(path.join(path.dirname(common), 'typescript.js')) as TypeScript;
  } catch {
    compiler = tsMorph().ts;
  }
  return compiler;
}
