import { defineConfig } from 'vitest/config';

/**
 * Files that must run in a process of their own: the end-to-end workflow runs (long, so they start
 * first and overlap the rest), files that replace modules with vi.mock, and files about what a
 * process reads once (clients and settings looked up at load).
 */
const ISOLATED = [
  'test/workflow/**/*.test.ts',
  'test/shared/aws/**/*.test.ts',
  'test/shared/handler-config.test.ts',
  'test/shared/services/fourth-service.test.ts',
  'test/cli/run-data-limit.test.ts',
];

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
        test: { name: 'isolated', include: ISOLATED, setupFiles: ['test/setup.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['test/**/*.test.ts'],
          exclude: ISOLATED,
          // One worker process runs many files: the AWS SDK is imported once per worker, not per file.
          isolate: false,
          setupFiles: ['test/setup.ts', 'test/setup-shared-worker.ts'],
        },
      },
    ],
  },
});
