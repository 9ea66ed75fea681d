import { GetMembersCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { regionalClient } from '../../../functions/shared/aws/clients.ts';
import { type Loopback, loopback } from '../../loopback.ts';

const member = (accessKeyId: string) => async () => ({ accessKeyId, secretAccessKey: 'secret' });
/** A member account's client, as the member side makes one: its own credentials, the shared connections. */
const memberClient = (accessKeyId: string, maxAttempts = 1) =>
  regionalClient(SecurityHubClient, 'us-east-1', { maxAttempts }, { credentials: member(accessKeyId) });
const getMembers = () => new GetMembersCommand({ AccountIds: ['111111111111'] });
const members = { status: 200, body: { Members: [], UnprocessedAccounts: [] } };

describe('regionalClient connections', () => {
  let server: Loopback | undefined;

  afterEach(async () => {
    vi.unstubAllEnvs();
    await server?.close();
    server = undefined;
  });

  async function serve(answer: Parameters<typeof loopback>[0]): Promise<Loopback> {
    server = await loopback(answer);
    vi.stubEnv('AWS_ENDPOINT_URL_SECURITYHUB', server.url);
    return server;
  }

  it("reuses one connection for two accounts' clients, each request signed with its own account's key", async () => {
    const stub = await serve(() => members);
    const first = memberClient('AKIDFIRST');
    const second = memberClient('AKIDSECOND');

    await first.send(getMembers());
    await second.send(getMembers());

    expect(stub.connections()).toBe(1);
    expect(stub.requests.map(({ authorization }) => /Credential=(\w+)\//.exec(authorization)?.[1])).toEqual([
      'AKIDFIRST',
      'AKIDSECOND',
    ]);
  });

  it("keeps the administrator's paced clients on connections of their own", async () => {
    const stub = await serve(() => members);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDADMIN');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    const first = regionalClient(SecurityHubClient, 'us-east-1', { maxAttempts: 1, callsPerSecond: 10 });
    const second = regionalClient(SecurityHubClient, 'us-east-1', { maxAttempts: 1, callsPerSecond: 10 });

    await first.send(getMembers());
    await second.send(getMembers());
    first.destroy();
    second.destroy();

    expect(stub.connections()).toBe(2);
  });

  it("does not cut another client's call when one client is destroyed", async () => {
    let arrived: () => void = () => {};
    const inFlight = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    await serve((_request, index) => {
      if (index === 1) arrived();
      return { ...members, delayMs: index === 1 ? 100 : 0 };
    });
    const closing = memberClient('AKIDCLOSING');
    const busy = memberClient('AKIDBUSY');
    await closing.send(getMembers());

    const call = busy.send(getMembers());
    await inFlight;
    closing.destroy();

    await expect(call).resolves.toMatchObject({ Members: [] });
  });

  it('still retries a server error up to maxAttempts on the shared connections', async () => {
    const stub = await serve((_request, index) =>
      index === 0
        ? { status: 500, body: { message: 'internal' }, headers: { 'x-amzn-errortype': 'InternalException' } }
        : members,
    );
    const client = memberClient('AKIDRETRY', 2);

    await expect(client.send(getMembers())).resolves.toMatchObject({ Members: [] });
    expect(stub.requests).toHaveLength(2);
  });
});
