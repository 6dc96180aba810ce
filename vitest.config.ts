import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/__tests__/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Workers and wasm engines are heavy; two cores on CI.
    pool: 'forks',
    maxWorkers: 2,
  },
});
