const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `5m` → 300. Returns undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  const m = /^([1-9][0-9]*)([smhd])$/.exec(text);
  return m ? Number(m[1]) * UNIT[m[2]!]! : undefined;
}

/** 300 → `5m`: the largest unit that divides the duration exactly. */
export function formatDuration(seconds: number): string {
  for (const [u, n] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (seconds % n === 0) return `${seconds / n}${u}`;
  }
  return `${seconds}s`;
}
