import { defineConfig } from 'vitest/config';

/**
 * Tests that judge real-time behaviour (audio heard in Chromium, RTP pacing, skip latency). CI runs them
 * after the rest, one file at a time, so a CPU-heavy neighbour cannot make them stutter; `npm test` alone
 * still runs everything.
 */
export const REALTIME_TESTS = ['test/browser/**/*.test.ts', 'src/gateways/discord/__tests__/discordEndToEnd.test.ts', 'src/gateways/discord/__tests__/discordFeatures.test.ts'];
const ALL_TESTS = ['src/**/__tests__/**/*.test.ts', 'test/**/*.test.ts'];
const group = process.env.CHORUS_TEST_GROUP;

export default defineConfig({
  test: {
    include: group === 'realtime' ? REALTIME_TESTS : ALL_TESTS,
    exclude: group === 'main' ? [...REALTIME_TESTS, '**/node_modules/**'] : ['**/node_modules/**'],
    fileParallelism: group !== 'realtime',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Workers and wasm engines are heavy; two cores on CI.
    pool: 'forks',
    maxWorkers: 2,
  },
});
