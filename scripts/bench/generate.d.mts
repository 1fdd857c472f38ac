// Types of generate.mjs for the TypeScript test that runs it (test/bench/anchor.test.ts).
export declare const NOW: string;
export declare function generateScanStream(file: string, options: { rows: number; seed?: number; cardinality?: 'high' | 'low'; scanners?: number; pool?: number }): number;
export declare function generateFollowedBy(file: string, options: { rows: number; seed?: number; scanners?: number }): number;
