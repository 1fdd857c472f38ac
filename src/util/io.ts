export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  cwd: string;
}

export const EXIT = { ok: 0, problems: 1, usage: 2, internal: 3 } as const;

export class UsageError extends Error {}
