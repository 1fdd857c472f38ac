import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Many tests load Kusto.Language (about 1.5 s) and run whole builds and fixture suites in four engines.
    // CI shares its machine: on a busy 2-core runner one 'detc check' of every rule took 56 s, so a test gets
    // 5 minutes; the time a test needs on a quiet machine is no guide.
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
