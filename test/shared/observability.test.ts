import { afterEach, describe, expect, it, vi } from 'vitest';

/** Log lines as written, with the logger at INFO (in dev mode it writes through the global console). */
async function captureLines(): Promise<string[]> {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
  vi.stubEnv('POWERTOOLS_DEV', 'true');
  const lines: string[] = [];
  for (const method of ['info', 'warn', 'log'] as const) {
    vi.spyOn(console, method).mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
  }
  return lines;
}

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

  it("clips a 200 KB execution id to an execution ARN's 256 characters before it becomes the correlation id", async () => {
    const lines = await captureLines();
    const { logger } = await import('../../functions/shared/observability.ts');

    logger.setCorrelationId({ executionId: 'x'.repeat(204_800) }, 'executionId');
    logger.info('create members finished');

    const line = JSON.parse(lines[0] ?? '{}') as { correlation_id?: string };
    expect(line.correlation_id).toBe(`${'x'.repeat(256)}... (clipped, 204800 characters)`);
  });

  it.each([
    ['a top-level key', { executionId: 'arn:x' }, 'arn:x'],
    ['an absent key', { other: 'arn:x' }, undefined],
    ['a key inherited, not owned', Object.create({ executionId: 'arn:x' }), undefined],
    ['an input that is not an object', 'executionId', undefined],
    ['null', null, undefined],
  ])('reads the correlation id from %s without a JMESPath engine', async (_, data, expected) => {
    const { CORRELATION_ID_PATH, topLevelValue } = await import('../../functions/shared/observability.ts');

    // The path is one key: nothing a JMESPath expression would read differently.
    expect(CORRELATION_ID_PATH).toMatch(/^[A-Za-z_]\w*$/);
    expect(topLevelValue(CORRELATION_ID_PATH, data)).toBe(expected);
  });

  it('sets no correlation id from an execution id that is not a string', async () => {
    const lines = await captureLines();
    const { logger } = await import('../../functions/shared/observability.ts');

    logger.setCorrelationId({ executionId: { nested: 'x'.repeat(1_000) } }, 'executionId');
    logger.info('create members finished');

    expect(JSON.parse(lines[0] ?? '{}')).not.toHaveProperty('correlation_id');
  });

  it('clips every string of a log line to 4,096 characters, and masks what is kept', async () => {
    const lines = await captureLines();
    const { logger } = await import('../../functions/shared/observability.ts');

    logger.info('create members finished', { reason: `bob@example.com ${'a'.repeat(1_000_000)}` });

    const line = JSON.parse(lines[0] ?? '{}') as { reason?: string };
    expect(line.reason).toBe(`b***@example.com ${'a'.repeat(4_080)}... (clipped, 1000016 characters)`);
  });

  it('writes the AWS service of a step under awsService, which Powertools does not drop as it drops "service"', async () => {
    const lines = await captureLines();
    const { logStepOutput } = await import('../../functions/shared/wiring.ts');

    logStepOutput('create members', {
      region: 'eu-west-1',
      service: 'detective',
      done: { CREATED: ['111111111111'] },
      retry: [],
      failed: [],
      attempt: 1,
      retryAfterSeconds: 0,
    });

    const line = JSON.parse(lines.find((text) => text.includes('create members finished')) ?? '{}');
    expect(line).toMatchObject({ awsService: 'detective', region: 'eu-west-1', service: 'muster' });
  });
});
