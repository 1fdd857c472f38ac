// Preloaded into every benchmarked child (`node --import`): at exit, writes the process's peak resident set size
// (KiB, from getrusage) to the file named by BENCH_RSS_FILE. The child itself runs unchanged, as a user runs it.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
