import { readFileSync } from 'node:fs';
import { CreateMembersCommand, DescribeHubCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/create-members/handler.ts';
import { InvalidInputError } from '../../functions/shared/errors.ts';
import { lambdaContext } from '../../local/runner/lambda-context.ts';

const securityHub = mockClient(SecurityHubClient);
const event = (name: string): unknown =>
  JSON.parse(readFileSync(`events/create-members/${name}.json`, 'utf8'));

describe('create-members handler', () => {
  beforeEach(() => {
    securityHub.reset();
  });

  it('returns one result per account for the sample event', async () => {
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub.on(CreateMembersCommand).resolves({ UnprocessedAccounts: [] });

    const output = await handler(event('securityhub'), lambdaContext('create-members', '999999999999'));

    expect(output).toEqual({
      region: 'us-east-1',
      service: 'securityhub',
      done: { CREATED: ['111111111111', '222222222222'] },
      retry: [],
      failed: [],
      attempt: 1,
      retryAfterSeconds: 0,
      // Created, not invited: the first check reads them.
      allInvited: false,
      // The plan lists no account outside the organization here.
      invitedListed: false,
      // The mocked SDK answers before the client's middleware, so no bucket was taken from.
      pacing: [],
    });
  });

  it("hands on its own pair's bucket only, of the plan's pairs it is given", async () => {
    securityHub.on(CreateMembersCommand).resolves({ UnprocessedAccounts: [] });
    const at = Date.now();
    const own = { service: 'securityhub', region: 'us-east-1', tokens: 12, at };
    const others = [
      { service: 'detective', region: 'us-east-1', tokens: 3, at },
      { service: 'securityhub', region: 'eu-west-1', tokens: 3, at },
    ];

    const output = await handler(
      { ...(event('securityhub') as object), pacing: [...others, own] },
      lambdaContext('create-members', '999999999999'),
    );

    expect(output.pacing).toEqual([{ ...own, tokens: expect.closeTo(12, 0), at: expect.any(Number) }]);
  });

  it('rejects a spreadsheet-mangled account id with its value and position before any AWS call', async () => {
    const run = handler(event('mangled-account-id'), lambdaContext('create-members', '999999999999'));
    await expect(run).rejects.toThrow(InvalidInputError);
    await expect(
      handler(event('mangled-account-id'), lambdaContext('create-members', '999999999999')),
    ).rejects.toThrow('input.accounts[1].accountId: "444455556666.0" is not an account id');
    expect(securityHub).not.toHaveReceivedAnyCommand();
  });

  it.each([
    [
      { region: 'us-east-9', service: 'securityhub', accounts: [] },
      'input.region: "us-east-9" is not a known AWS Region',
    ],
    [
      { region: 'us-east-1', service: 'macie', accounts: [] },
      'input.service: "macie" is not a service muster manages',
    ],
    [
      { region: 'us-east-1', service: 'securityhub', accounts: [{ accountId: 111111111111 }] },
      'input.accounts[0].accountId: the number 111111111111',
    ],
    [
      {
        region: 'us-east-1',
        service: 'detective',
        accounts: [{ accountId: '111111111111', email: 'root@example' }],
      },
      'input.accounts[0].email: account 111111111111: the email is not an address Detective accepts',
    ],
  ])('rejects %j with a clear message', async (input, message) => {
    await expect(handler(input, lambdaContext('create-members', '999999999999'))).rejects.toThrow(message);
    expect(securityHub).not.toHaveReceivedAnyCommand();
  });

  // A 1 MB value once hung this step for over ten minutes: the log masking backtracked on it.
  it.each([
    [
      'a 1 MB execution id',
      { region: 'us-east-1', service: 'securityhub', accounts: [], executionId: 'x'.repeat(1_048_576) },
      'input.executionId: 1048576 characters, more than the 256 an execution ARN may have',
    ],
    [
      'a 1 MB reason',
      {
        region: 'us-east-1',
        service: 'securityhub',
        accounts: [{ accountId: '111111111111' }],
        failed: [{ outcome: 'FAILED', reason: 'x'.repeat(1_048_576), count: 1 }],
      },
      'input.failed[0].reason: 1048576 characters, more than the 32768 a reason may have',
    ],
  ])('rejects %s by name and size before any AWS call', async (_, input, message) => {
    await expect(handler(input, lambdaContext('create-members', '999999999999'))).rejects.toThrow(message);
    expect(securityHub).not.toHaveReceivedAnyCommand();
  });
});
