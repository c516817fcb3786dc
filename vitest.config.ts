import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Both cores: the heavy suites (load, chaos, npm start) keep one busy while the light files run on
    // the other (one worker, vitest's default on two cores, made CI's suite take ~21 minutes). Sharing
    // the cores slows each file down, so the guard against a hung test is generous: tests that start
    // `dunghan` processes run several, each starting its own store. Speed is measured in `npm run bench`.
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 60_000,
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
  },
});
