import { afterEach, describe, expect, it, vi } from 'vitest';

describe('logger', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it('never writes an email address in full, wherever it appears in a log line', async () => {
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
    vi.stubEnv('POWERTOOLS_DEV', 'true');
    const lines: string[] = [];
    vi.spyOn(console, 'info').mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    const { logger } = await import('../../functions/shared/observability.ts');

    logger.info('resolved', { accounts: [{ accountId: '111111111111', email: 'alice@example.com' }] });

    expect(lines.join('\n')).toContain('a***@example.com');
    expect(lines.join('\n')).not.toContain('alice@example.com');
  });
});
