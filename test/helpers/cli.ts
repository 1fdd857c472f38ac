import { main } from '../../src/cli/main.js';
import { nextTurn } from './next-turn.js';

/**
 * Runs the detc CLI in-process in `cwd`, capturing what it prints. A build runs synchronously; afterwards the test
 * thread yields to its event loop once, so that several builds in a row do not hold off the test runner's own
 * messages (vitest reports a timeout for a worker that does not answer for a minute).
 */
export async function run(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { cwd, out: (s) => out.push(s), err: (s) => err.push(s) });
  await nextTurn();
  return { code, out: out.join('\n'), err: err.join('\n') };
}
