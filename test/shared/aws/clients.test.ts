import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetMembersCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { regionalClient } from '../../../functions/shared/aws/clients.ts';

const credentials = async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' });

/** A loopback Security Hub that answers every request with LimitExceededException and `message`. */
async function limitExceededServer(
  message: string,
): Promise<{ server: Server; url: string; requests: () => number }> {
  let requests = 0;
  const server = createServer((request, response) => {
    requests += 1;
    request.resume();
    request.on('end', () => {
      response.writeHead(429, {
        'content-type': 'application/json',
        'x-amzn-errortype': 'LimitExceededException',
      });
      response.end(JSON.stringify({ Message: message }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, requests: () => requests };
}

describe('regionalClient', () => {
  let server: Server | undefined;

  beforeEach(() => {
    server = undefined;
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  });

  // The SDK counts every LimitExceededException as throttling; Security Hub also means a spent quota by it.
  it.each([
    [
      'does not retry a spent quota',
      'The request is rejected because the current account cannot create more members.',
      1,
    ],
    ['retries throttling up to maxAttempts', 'Rate exceeded', 2],
  ])('%s', async (_title, message, attempts) => {
    const stub = await limitExceededServer(message);
    server = stub.server;
    vi.stubEnv('AWS_ENDPOINT_URL_SECURITYHUB', stub.url);
    const client = regionalClient(SecurityHubClient, 'us-east-1', { maxAttempts: 2 }, { credentials });

    await expect(client.send(new GetMembersCommand({ AccountIds: ['111111111111'] }))).rejects.toMatchObject({
      name: 'LimitExceededException',
      message,
    });
    expect(stub.requests()).toBe(attempts);
  });
});
