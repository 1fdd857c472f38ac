// Run by test/compile/write-output.test.ts in two processes at once: rewrites one output folder N times, with the
// compiled lib/ (the test waits for it to be current: test/helpers/lib.ts).
import { writeOutput } from '../../lib/compile/write-output.js';

const [out, tag, times] = process.argv.slice(2);
for (let i = 0; i < Number(times); i++) {
  writeOutput(out, Array.from({ length: 40 }, (_, k) => ({ path: `d${k % 4}/f${k}.txt`, content: `${tag} ${k}\n` })), { lockWaitMs: 120_000 });
}
