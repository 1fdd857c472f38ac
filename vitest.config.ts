import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Many tests load Kusto.Language (about 1.5 s) and run whole builds and fixture suites in four engines;
    // CI machines can be slower than a laptop.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
