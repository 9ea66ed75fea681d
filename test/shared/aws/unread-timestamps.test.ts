import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as detective from '@aws-sdk/client-detective';
import * as organizations from '@aws-sdk/client-organizations';
import * as securityhub from '@aws-sdk/client-securityhub';
import type { $SchemaRef, StaticOperationSchema } from '@smithy/types';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type RegionalClientClass,
  type RetryingClient,
  regionalClient,
} from '../../../functions/shared/aws/clients.ts';
import { UNREAD_TIMESTAMPS, withoutTimestamps } from '../../../functions/shared/aws/unread-timestamps.ts';
import { type Loopback, loopback } from '../../loopback.ts';

const credentials = async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' });
const NS = 'test';
const operation = (output: $SchemaRef, input: $SchemaRef = 'unit'): StaticOperationSchema => [
  9,
  NS,
  'Op',
  0,
  input,
  output,
];
const outputOf = (schema: StaticOperationSchema): unknown => {
  const output = schema[5];
  return typeof output === 'function' ? output() : output;
};

describe('withoutTimestamps', () => {
  it.each([
    [
      'drops timestamp members of every format (4 to 7), keeping the others in order',
      [3, NS, 'S', 0, ['a', 'b', 'c', 'd', 'e'], [0, 4, 5, 1, 7]],
      [3, NS, 'S', 0, ['a', 'd'], [0, 1]],
    ],
    [
      'drops a member whose schema is a timestamp with traits, or an alias of one',
      [3, NS, 'S', 0, ['a', 'b', 'c'], [[5, 0], [0, NS, 'Stamp', 0, 6], 0]],
      [3, NS, 'S', 0, ['c'], [0]],
    ],
    [
      'keeps the count of required members (the first ones) right',
      [3, NS, 'S', 0, ['a', 'b', 'c', 'd'], [5, 0, 0, 0], 3],
      [3, NS, 'S', 0, ['b', 'c', 'd'], [0, 0, 0], 2],
    ],
    [
      'reaches the structs of a list and the values of a map',
      [
        3,
        NS,
        'S',
        0,
        ['list', 'map'],
        [
          [1, NS, 'L', 0, () => [3, NS, 'M', 0, ['id', 'at'], [0, 5]]],
          [2, NS, 'Mp', 0, 0, [3, NS, 'V', 0, ['n', 'at'], [1, 7]]],
        ],
      ],
      [
        3,
        NS,
        'S',
        0,
        ['list', 'map'],
        [
          [1, NS, 'L', 0, [3, NS, 'M', 0, ['id'], [0]]],
          [2, NS, 'Mp', 0, 0, [3, NS, 'V', 0, ['n'], [1]]],
        ],
      ],
    ],
    [
      'drops a list of timestamps',
      [3, NS, 'S', 0, ['a', 'times'], [0, [1, NS, 'T', 0, 5]]],
      [3, NS, 'S', 0, ['a'], [0]],
    ],
  ] as [string, $SchemaRef, unknown][])('%s', (_title, output, expected) => {
    expect(outputOf(withoutTimestamps(operation(output)))).toEqual(expected);
  });

  it('leaves an answer without timestamps, and every request, as they are', () => {
    const input: $SchemaRef = [3, NS, 'In', 0, ['at'], [5]];
    const plain = operation([3, NS, 'S', 0, ['a', 'list'], [0, [1, NS, 'L', 0, 0]]], input);
    expect(withoutTimestamps(plain)).toBe(plain);
    const stamped = withoutTimestamps(operation([3, NS, 'S', 0, ['at'], [5]], input));
    expect(stamped[4]).toBe(input);
  });

  it('stops at a struct that holds itself', () => {
    const node: unknown[] = [3, NS, 'Node', 0, ['at', 'children'], [5]];
    (node[5] as unknown[]).push([1, NS, 'Nodes', 0, () => node]);
    const stripped = outputOf(withoutTimestamps(operation(node as $SchemaRef))) as unknown[];
    expect(stripped[4]).toEqual(['children']);
  });

  it('makes each lean schema once', () => {
    const original = operation([3, NS, 'S', 0, ['at'], [5]]);
    const lean = withoutTimestamps(original);
    expect(withoutTimestamps(original)).toBe(lean);
    expect(withoutTimestamps(lean)).toBe(lean);
  });
});

describe('regionalClient answers', () => {
  let server: Loopback | undefined;

  afterEach(async () => {
    vi.unstubAllEnvs();
    await server?.close();
    server = undefined;
  });

  const stamp = '2026-12-01T10:00:00.000Z';
  /** A member account's client of `Client`, as the member side makes it, against the loopback. */
  const clientOf = <C extends RetryingClient>(Client: RegionalClientClass<C>) =>
    regionalClient(Client, 'us-east-1', { maxAttempts: 1 }, { credentials });

  it('reads GetMembers without the timestamps muster never reads, and everything else as before', async () => {
    server = await loopback(() => ({
      status: 200,
      body: {
        Members: [{ AccountId: '111111111111', MemberStatus: 'Enabled', InvitedAt: stamp, UpdatedAt: stamp }],
        UnprocessedAccounts: [{ AccountId: '222222222222', ProcessingResult: 'not a member' }],
      },
    }));
    vi.stubEnv('AWS_ENDPOINT_URL_SECURITYHUB', server.url);
    const client = clientOf(securityhub.SecurityHubClient);

    const answer = await client.send(
      new securityhub.GetMembersCommand({ AccountIds: ['111111111111', '222222222222'] }),
    );

    expect(answer.Members).toEqual([{ AccountId: '111111111111', MemberStatus: 'Enabled' }]);
    expect(answer.UnprocessedAccounts).toEqual([
      { AccountId: '222222222222', ProcessingResult: 'not a member' },
    ]);
  });

  it('reads Detective GetMembers and Organizations ListAccounts without their timestamps too', async () => {
    const graph = 'arn:aws:detective:us-east-1:111111111111:graph:0123456789abcdef0123456789abcdef';
    server = await loopback((request) =>
      request.headers['x-amz-target'] === undefined
        ? {
            status: 200,
            body: {
              MemberDetails: [
                {
                  AccountId: '222222222222',
                  GraphArn: graph,
                  Status: 'ENABLED',
                  InvitedTime: stamp,
                  UpdatedTime: stamp,
                },
              ],
              UnprocessedAccounts: [],
            },
          }
        : {
            status: 200,
            body: {
              Accounts: [{ Id: '222222222222', Name: 'workload', State: 'ACTIVE', JoinedTimestamp: 1.7e9 }],
            },
            headers: { 'content-type': 'application/x-amz-json-1.1' },
          },
    );
    vi.stubEnv('AWS_ENDPOINT_URL_DETECTIVE', server.url);
    vi.stubEnv('AWS_ENDPOINT_URL_ORGANIZATIONS', server.url);
    const graphs = clientOf(detective.DetectiveClient);
    const organization = clientOf(organizations.OrganizationsClient);

    const members = await graphs.send(
      new detective.GetMembersCommand({ GraphArn: graph, AccountIds: ['222222222222'] }),
    );
    const accounts = await organization.send(new organizations.ListAccountsCommand({}));

    expect(members.MemberDetails).toEqual([
      { AccountId: '222222222222', GraphArn: graph, Status: 'ENABLED' },
    ]);
    expect(accounts.Accounts).toEqual([{ Id: '222222222222', Name: 'workload', State: 'ACTIVE' }]);
  });

  it('keeps the timestamps of an answer muster reads them from (ListInvitations, newest invitation first)', async () => {
    server = await loopback(() => ({
      status: 200,
      body: {
        Invitations: [
          { AccountId: '111111111111', InvitationId: 'i-1', InvitedAt: stamp, MemberStatus: 'Invited' },
        ],
      },
    }));
    vi.stubEnv('AWS_ENDPOINT_URL_SECURITYHUB', server.url);
    const client = clientOf(securityhub.SecurityHubClient);

    const answer = await client.send(new securityhub.ListInvitationsCommand({}));

    expect(answer.Invitations?.[0]?.InvitedAt).toEqual(new Date(stamp));
  });
});

/** Names of the timestamp members anywhere in `ref`'s answer. */
function timestampNames(ref: $SchemaRef, seen = new Set<unknown>()): string[] {
  const isTimestamp = (member: unknown): boolean => {
    const schema = typeof member === 'function' ? member() : member;
    if (typeof schema === 'number') return schema >= 4 && schema <= 7;
    if (!Array.isArray(schema)) return false;
    if (schema.length === 2) return isTimestamp(schema[0]);
    return schema[0] === 0 && isTimestamp(schema[4]);
  };
  const schema = typeof ref === 'function' ? ref() : ref;
  if (!Array.isArray(schema) || seen.has(schema)) return [];
  seen.add(schema);
  if (schema.length === 2) return timestampNames(schema[0], seen);
  if (schema[0] === 1 || schema[0] === 0) return timestampNames(schema[4], seen);
  if (schema[0] === 2) return timestampNames(schema[5], seen);
  if (schema[0] !== 3) return [];
  const [, , , , names, members] = schema as [3, string, string, unknown, string[], $SchemaRef[]];
  return members.flatMap((member, index) =>
    isTimestamp(member) ? [names[index] ?? ''] : timestampNames(member, seen),
  );
}

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('UNREAD_TIMESTAMPS', () => {
  const packages: Record<string, [string, Record<string, unknown>]> = {
    SecurityHubClient: ['@aws-sdk/client-securityhub', securityhub],
    DetectiveClient: ['@aws-sdk/client-detective', detective],
    OrganizationsClient: ['@aws-sdk/client-organizations', organizations],
  };
  const files = [...sources('functions'), ...sources('cli')].map((file) => ({
    file,
    text: readFileSync(file, 'utf8'),
  }));
  const listed = Object.entries(UNREAD_TIMESTAMPS).flatMap(([client, operations]) =>
    operations.map((name) => [client, name] as const),
  );

  it.each(listed)('%s %s: no file that sends it names a timestamp of its answer', (client, name) => {
    const [module, exports] = packages[client] ?? [];
    const Command = exports?.[`${name}Command`] as
      | (new (
          input: object,
        ) => { schema: StaticOperationSchema })
      | undefined;
    if (Command === undefined) throw new Error(`${client} has no ${name}Command`);
    const left = timestampNames(new Command({}).schema[5]);
    expect(left.length, `${name}'s answer has no timestamp: take it off the list`).toBeGreaterThan(0);
    const senders = files.filter(
      ({ text }) => text.includes(module ?? '') && text.includes(`${name}Command`),
    );
    expect(senders.length).toBeGreaterThan(0);
    for (const { file, text } of senders)
      for (const field of left)
        expect(
          new RegExp(`\\b${field}\\b`).test(text),
          `${file} names ${field}, which ${name}'s answer leaves out`,
        ).toBe(false);
  });
});
