import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { ISOLATED_GLOBS } from './test/isolated.ts';

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 20_000,
    pool: 'forks',
    // vitest's default is one worker fewer than the cores: one on a 2-core machine, which then sits
    // idle through the workflow runs' scaled waits. At least two keep both cores busy.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Quiet Powertools in tests: no log lines, no EMF metric blobs, no X-Ray segments.
    env: {
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    },
    // vitest queues projects by name: `isolated`, holding the longest files, starts first; `shared`
    // follows, its workers kept from file to file.
    projects: [
      {
        extends: true,
        test: { name: 'isolated', include: ISOLATED_GLOBS, setupFiles: ['test/setup.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['test/**/*.test.ts'],
          exclude: ISOLATED_GLOBS,
          // One worker process runs many files: the AWS SDK is imported once per worker, not per file.
          isolate: false,
          setupFiles: ['test/setup.ts', 'test/setup-shared-worker.ts'],
        },
      },
    ],
  },
});
