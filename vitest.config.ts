import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

// The suite runs outside UTC (and set here, not in CI only, so `npm test` does the same on every machine): a time
// read in the machine's local zone passes on a UTC machine and fails for a user in Berlin. Europe/Berlin has a
// daylight-saving change, so an offset assumed constant fails too. Workers inherit the variable.
process.env.TZ = 'Europe/Berlin';
// Every build of the suite (most in temporary projects) shares one Kusto.Language result cache, so a query analysed
// once is not analysed again by the next test. A cache never changes a result (test/cli/kql-cache.test.ts).
process.env.DETC_CACHE_DIR ??= fileURLToPath(new URL('./node_modules/.cache/detc-tests', import.meta.url));

// Test files that need a worker of their own (a fresh thread, with its own modules): module mocks (vi.mock) and
// assertions on what their thread has loaded.
const ISOLATED = ['test/compile/write-output.test.ts', 'test/compile/warm-build.test.ts'];

export default defineConfig({
  test: {
    projects: [
      // The others share each worker's modules (isolate: false): Kusto.Language, the handlebars templates and the
      // compiled JSON schemas load once per worker, not once per file, which was most of the suite's time. A test
      // that changes process state (an environment variable, a registered target) puts it back itself.
      { extends: true, test: { name: 'shared', pool: 'forks', exclude: [...configDefaults.exclude, ...ISOLATED] } },
      { extends: true, test: { name: 'isolated', pool: 'threads', include: ISOLATED } },
    ],
    // Whether a pool reuses its workers from file to file is read from these root options, not from a project's
    // `isolate` (vitest 3 builds one pool per kind for all projects): with `isolate: false` on the 'shared' project
    // alone, every file still started a process of its own and loaded Kusto.Language again. So the two projects use
    // two pools: forks that are reused (a process per worker) and threads that are not (a fresh thread, with its own modules, per isolated file).
    poolOptions: { forks: { isolate: false }, threads: { isolate: true } },
    // vitest's default is one worker fewer than the cores: one worker on a 2-core CI runner, and the suite ran serially.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Many tests load Kusto.Language (about 1.5 s) and run whole builds and fixture suites in four engines.
    // CI shares its machine: on a busy 2-core runner one 'detc check' of every rule took 56 s, so a test gets
    // 5 minutes; the time a test needs on a quiet machine is no guide.
    testTimeout: 300_000,
    globalSetup: ['test/global-setup.ts'],
    hookTimeout: 300_000,
  },
});
