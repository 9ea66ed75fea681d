import { afterEach, describe, expect, it } from 'vitest';
import { administratorAccount, describeStack } from '../../cli/aws.ts';
import { type Loopback, loopback } from '../loopback.ts';

const xml = (body: string) => ({ status: 200, body, headers: { 'content-type': 'text/xml' } });

const STACK = xml(
  '<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>' +
    '<StackName>muster</StackName><StackStatus>CREATE_COMPLETE</StackStatus><CreationTime>2026-12-01T10:00:00Z</CreationTime>' +
    '<Outputs><member><OutputKey>StateMachineArn</OutputKey><OutputValue>arn:aws:states:us-east-1:123456789012:stateMachine:muster</OutputValue></member></Outputs>' +
    '</member></Stacks></DescribeStacksResult></DescribeStacksResponse>',
);
const CALLER = xml(
  '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
    '<Account>123456789012</Account><Arn>arn:aws:iam::123456789012:user/admin</Arn><UserId>AIDEXAMPLE</UserId>' +
    '</GetCallerIdentityResult></GetCallerIdentityResponse>',
);

describe('clientConfig', () => {
  let server: Loopback | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("lets the CLI's clients share one keep-alive connection, each request still signed", async () => {
    server = await loopback((_request, _index, body) =>
      body.includes('Action=DescribeStacks') ? STACK : CALLER,
    );
    const target = {
      endpoint: server.url,
      credentials: { accessKeyId: 'AKIDCLI', secretAccessKey: 'secret' },
    };

    const stack = await describeStack('muster', target, 'us-east-1');
    const account = await administratorAccount(undefined, target, 'us-east-1');

    expect(stack.outputs.StateMachineArn).toBe('arn:aws:states:us-east-1:123456789012:stateMachine:muster');
    expect(account).toBe('123456789012');
    expect(server.requests.map(({ authorization }) => /Credential=(\w+)\//.exec(authorization)?.[1])).toEqual(
      ['AKIDCLI', 'AKIDCLI'],
    );
    expect(server.connections()).toBe(1);
  });
});
