// Types of anchor-sql.mjs for the TypeScript test that runs it (test/bench/anchor.test.ts).
export declare function anchorSql(root: string, slug: string, file: string, nowMs: number, options?: { suppress?: boolean }): Promise<string>;
export declare function duckdbAlerts(sql: string): Promise<Record<string, unknown>[]>;
