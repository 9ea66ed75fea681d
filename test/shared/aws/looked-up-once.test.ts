import { DetectiveClient } from '@aws-sdk/client-detective';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { afterAll, describe, expect, it, vi } from 'vitest';

// Set before clients.ts is loaded: what it looks up, it looks up once, from the environment.
vi.hoisted(() => {
  vi.stubEnv('AWS_USE_FIPS_ENDPOINT', 'true');
  vi.stubEnv('AWS_SDK_UA_APP_ID', 'muster-test');
});
// No other test file's clients may see them.
afterAll(() => {
  vi.unstubAllEnvs();
});
const { regionalClient } = await import('../../../functions/shared/aws/clients.ts');

describe('settings each client would look up on its own', () => {
  it('are looked up once, from the environment as the SDK reads it, for every client of every service', async () => {
    const credentials = async () => ({ accessKeyId: 'AKIDMEMBER', secretAccessKey: 'secret' });
    const first = regionalClient(SecurityHubClient, 'us-east-1', { maxAttempts: 1 }, { credentials });
    const second = regionalClient(DetectiveClient, 'eu-west-1', { maxAttempts: 1, callsPerSecond: 10 });

    expect(await first.config.useFipsEndpoint()).toBe(true);
    expect(await second.config.useDualstackEndpoint()).toBe(false);
    expect(await second.config.userAgentAppId()).toBe('muster-test');
    // Looked up once for the process (a Lambda container's environment does not change): a client
    // made after the variable changed still has what the first lookup found.
    vi.stubEnv('AWS_USE_FIPS_ENDPOINT', 'false');
    const third = regionalClient(SecurityHubClient, 'ap-south-1', { maxAttempts: 1 }, { credentials });
    expect(await third.config.useFipsEndpoint()).toBe(true);
    third.destroy();
    // The FIPS endpoint is what the SDK then builds on.
    const endpoint = await first.config.endpointProvider({
      Region: 'us-east-1',
      UseFIPS: true,
      UseDualStack: false,
    });
    expect(endpoint.url.hostname).toBe('securityhub-fips.us-east-1.amazonaws.com');
    first.destroy();
    second.destroy();
  });
});
