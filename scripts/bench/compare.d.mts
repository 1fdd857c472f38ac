// Types of compare.mjs for the TypeScript test that runs it (test/bench/anchor.test.ts).
export declare function compareAlerts(
  engineRows: Record<string, unknown>[],
  duckRows: Record<string, unknown>[],
  columns: string[],
): { equal: boolean; missing: number; extra: number; example: { missing?: string; extra?: string } };
