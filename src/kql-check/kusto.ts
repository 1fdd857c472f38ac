import { createRequire } from 'node:module';

// Kusto.Language (npm @kusto/language-service-next) is a Bridge.NET build of Microsoft's C# parser and semantic
// analyzer. It expects a global `Bridge` and then defines a global `Kusto` namespace; loading takes about 1.5 s,
// so it happens once, on first use.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KustoNamespace = any;

let kusto: KustoNamespace | undefined;

/** Whether this thread has loaded Kusto.Language (a build that finds everything in its cache must not). */
export function kustoLoaded(): boolean {
  return kusto !== undefined;
}

export function loadKusto(): KustoNamespace {
  if (!kusto) {
    const require = createRequire(import.meta.url);
    const g = globalThis as Record<string, unknown>;
    g.Bridge ??= require('@kusto/language-service-next/bridge.js');
    require('@kusto/language-service-next/Kusto.Language.Bridge.js');
    kusto = (g.Kusto as KustoNamespace).Language;
  }
  return kusto;
}
