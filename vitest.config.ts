import { defineConfig } from 'vitest/config';
import { ISOLATED_GLOBS } from './test/isolated.ts';

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 20_000,
    pool: 'forks',
    // vitest's default is one worker fewer than the cores: one on a 2-core machine. Much of a
    // workflow run waits on the stand-in, so two keep both cores busy.
    maxWorkers: 2,
    // Quiet Powertools in tests: no log lines, no EMF metric blobs, no X-Ray segments.
    env: {
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    },
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
