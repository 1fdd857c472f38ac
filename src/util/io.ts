export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  cwd: string;
  /** Standard input, for `--events -` (process.stdin when left out). */
  stdin?: NodeJS.ReadableStream;
}

export const EXIT = { ok: 0, problems: 1, usage: 2, internal: 3 } as const;

export class UsageError extends Error {}
