import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // examples/ are the API's examples: they run as a user's own suite would, importing 'faultline'.
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
