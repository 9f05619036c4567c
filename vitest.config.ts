import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['*.test.ts', 'pipeline/**/*.test.ts', 'db/**/*.test.ts', 'services/**/*.test.ts', 'workers/**/*.test.ts', 'api/**/*.test.ts', 'cli/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
