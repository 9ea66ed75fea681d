/**
 * Test files that vitest runs each in a process of its own; the rest share worker processes (see
 * vitest.config.ts). A path ending in `/` names every test file under it.
 *
 * - test/workflow/: the end-to-end runs, the longest files, which start first;
 * - files that replace modules with vi.mock, which a shared worker would keep for the files after;
 * - files about what a process reads once (clients and settings looked up at load).
 */
export const ISOLATED = [
  'test/workflow/',
  'test/shared/aws/',
  'test/shared/handler-config.test.ts',
  'test/shared/services/fourth-service.test.ts',
  'test/cli/run-data-limit.test.ts',
];

/** Whether the test file at `path` (relative to the repository) runs in a process of its own. */
export function isIsolated(path: string): boolean {
  return ISOLATED.some((entry) => (entry.endsWith('/') ? path.startsWith(entry) : path === entry));
}

/** ISOLATED as vitest include globs. */
export const ISOLATED_GLOBS = ISOLATED.map((entry) => (entry.endsWith('/') ? `${entry}**/*.test.ts` : entry));
