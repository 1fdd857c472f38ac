import { describe, expect, it } from 'vitest';
import { progressLine, terminalReadProgress } from '../../src/cli/read-progress.js';

describe('detc run progress', () => {
  it('shows bytes, events, events/s and the time left', () => {
    expect(progressLine({ bytes: 50e6, totalBytes: 200e6, events: 250_000 }, 2)).toBe('50.0 MB of 200.0 MB, 250,000 events, 125,000 events/s, 6.0 s left');
    // Standard input: no size, so no time left.
    expect(progressLine({ bytes: 1e6, totalBytes: undefined, events: 10 }, 1)).toBe('1.0 MB, 10 events, 10 events/s');
  });

  it('writes only to a terminal, and not in CI', () => {
    const written: string[] = [];
    const stream = (isTTY: boolean) => ({ isTTY, columns: 100, write: (s: string) => written.push(s) }) as unknown as NodeJS.WriteStream;
    expect(terminalReadProgress(stream(false), {})).toBeUndefined();
    expect(terminalReadProgress(stream(true), { CI: 'true' })).toBeUndefined();
    const p = terminalReadProgress(stream(true), {})!;
    p.update({ bytes: 1, totalBytes: 10, events: 1 });
    p.update({ bytes: 2, totalBytes: 10, events: 2 }); // within a quarter second: not redrawn
    p.done();
    expect(written).toHaveLength(2);
    expect(written[0]).toMatch(/^\r0\.0 MB of 0\.0 MB, 1 events/);
    expect(written[1]).toMatch(/^\r +\r$/);
  });
});
