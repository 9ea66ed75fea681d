import { readFileSync } from 'node:fs';
import {
  DetectiveClient,
  GetMembersCommand as GetGraphMembersCommand,
  ListGraphsCommand,
} from '@aws-sdk/client-detective';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeHubCommand,
  GetMembersCommand,
  InviteMembersCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../../local/runner/lambda-context.ts';

vi.hoisted(() => {
  process.env.REPORT_BUCKET = 'muster-reports-test';
});
const { handler: checkMembers } = await import('../../functions/check-members/handler.ts');
const { handler: inviteMembers } = await import('../../functions/invite-members/handler.ts');

const securityHub = mockClient(SecurityHubClient);
const detective = mockClient(DetectiveClient);
const s3 = mockClient(S3Client);
const event = (path: string): unknown => JSON.parse(readFileSync(`events/${path}.json`, 'utf8'));

describe('invite-members and check-members handlers', () => {
  beforeEach(() => {
    securityHub.reset();
    detective.reset();
    s3.reset();
    s3.on(PutObjectCommand).resolves({});
  });

  it('invites the sample accounts', async () => {
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub.on(GetMembersCommand).resolves({
      Members: [
        { AccountId: '111111111111', MemberStatus: 'Created' },
        { AccountId: '222222222222', MemberStatus: 'Enabled' },
      ],
    });
    securityHub.on(InviteMembersCommand).resolves({ UnprocessedAccounts: [] });
    const output = await inviteMembers(
      event('invite-members/securityhub'),
      lambdaContext('invite-members', '999999999999'),
    );
    expect(securityHub).toHaveReceivedCommandExactlyOnceWith(InviteMembersCommand, {
      AccountIds: ['111111111111'],
    });
    // The mocked SDK answers before the client's middleware, so no bucket was taken from.
    expect(output).toEqual({ unfinished: [], createdAgainKey: null, pacing: [] });
  });

  it('reports the sample: enabled, a member-side conflict, the administrator skipped', async () => {
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub.on(GetMembersCommand).resolves({
      Members: [
        { AccountId: '111111111111', MemberStatus: 'Enabled' },
        { AccountId: '222222222222', MemberStatus: 'Invited' },
      ],
    });
    detective.on(ListGraphsCommand).resolves({
      GraphList: [{ Arn: 'arn:aws:detective:us-east-1:999999999999:graph:0123456789abcdef0123456789abcdef' }],
    });
    detective.on(GetGraphMembersCommand).resolves({
      MemberDetails: [
        { AccountId: '111111111111', Status: 'ENABLED' },
        { AccountId: '222222222222', Status: 'ENABLED' },
      ],
    });

    const report = await checkMembers(
      event('check-members/after-member-side'),
      lambdaContext('check-members', '999999999999'),
    );

    expect(report.status).toBe('NEEDS_ATTENTION');
    expect(report.counts).toEqual({ ENABLED: 3, CONFLICT: 1, SKIPPED_ADMINISTRATOR: 2 });
    expect(report.total).toBe(6);
    expect(report.notEnabled).toContainEqual({
      pairs: [{ region: 'us-east-1', service: 'securityhub' }],
      outcome: 'CONFLICT',
      reason: 'the account already has another Security Hub administrator, 123456789012',
      accountIds: ['222222222222'],
    });
    expect(report.keepPolling).toBe(false);
    // The run ends: the report file (JSON Lines, for Merge Reports: no CSV nobody reads), and the
    // records for a next round, are in the report bucket.
    expect(report.files).toEqual({
      bucket: 'muster-reports-test',
      jsonl: 'executions/muster-onboarding/sam-local/report.jsonl',
    });
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 2);
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: 'muster-reports-test',
      Key: report.files?.jsonl,
      ContentType: 'application/x-ndjson',
    });
  });

  it.each([
    ['writes', undefined],
    ['still reports when it cannot write', new Error('AccessDenied')],
  ])(
    'after the last round, %s what it left of the buckets where the next child of its group reads it',
    async (_, failure) => {
      securityHub.on(GetMembersCommand).resolves({
        Members: [
          { AccountId: '111111111111', MemberStatus: 'Enabled' },
          { AccountId: '222222222222', MemberStatus: 'Enabled' },
        ],
      });
      detective.on(ListGraphsCommand).resolves({
        GraphList: [
          { Arn: 'arn:aws:detective:us-east-1:999999999999:graph:0123456789abcdef0123456789abcdef' },
        ],
      });
      detective.on(GetGraphMembersCommand).resolves({
        MemberDetails: [
          { AccountId: '111111111111', Status: 'ENABLED' },
          { AccountId: '222222222222', Status: 'ENABLED' },
        ],
      });
      const pacingKey = 'executions/muster-onboarding/run-1/pacing/0000.json';
      if (failure !== undefined) s3.on(PutObjectCommand, { Key: pacingKey }).rejects(failure);
      const left = { service: 'securityhub', region: 'us-east-1', tokens: 4, at: Date.now() };

      const report = await checkMembers(
        { ...(event('check-members/after-member-side') as object), pacingKey, pacing: [left] },
        lambdaContext('check-members', '999999999999'),
      );

      expect(report.keepPolling).toBe(false);
      expect(report).not.toHaveProperty('pacing');
      expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
        Key: pacingKey,
        ContentType: 'application/json',
      });
      // It was handed 4 tokens; the mocked SDK took none of them (it answers before the middleware).
      const written = s3.commandCalls(PutObjectCommand, { Key: pacingKey })[0]?.args[0].input.Body;
      expect(JSON.parse(String(written))).toEqual([
        { ...left, tokens: expect.closeTo(4, 0), at: expect.any(Number) },
      ]);
    },
  );
});
