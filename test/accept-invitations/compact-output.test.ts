import { describe, expect, it } from 'vitest';
import { compactOutput } from '../../functions/accept-invitations/accept-invitations.ts';

describe('compactOutput', () => {
  it('counts every result and keeps, grouped, each membership that is not ENABLED (skipped Regions included)', () => {
    const step = compactOutput({
      results: [
        {
          accountId: '111111111111',
          region: 'us-east-1',
          service: 'securityhub',
          outcome: 'ENABLED',
          disposition: 'done',
        },
        {
          accountId: '111111111111',
          region: 'af-south-1',
          service: 'securityhub',
          outcome: 'SKIPPED_REGION_DISABLED',
          disposition: 'done',
          reason: 'UnrecognizedClientException: The security token included in the request is invalid',
        },
        {
          accountId: '222222222222',
          region: 'af-south-1',
          service: 'securityhub',
          outcome: 'SKIPPED_REGION_DISABLED',
          disposition: 'done',
          reason: 'UnrecognizedClientException: The security token included in the request is invalid',
        },
        {
          accountId: '222222222222',
          region: 'us-east-1',
          service: 'detective',
          outcome: 'PENDING_INVITATION',
          disposition: 'retry',
        },
      ],
      retryAccountIds: ['222222222222'],
    });
    expect(step).toEqual({
      counts: { ENABLED: 1, SKIPPED_REGION_DISABLED: 2, PENDING_INVITATION: 1 },
      unfinished: [
        {
          outcome: 'SKIPPED_REGION_DISABLED',
          reason: 'UnrecognizedClientException: The security token included in the request is invalid',
          pairs: [{ region: 'af-south-1', service: 'securityhub' }],
          accountIds: ['111111111111', '222222222222'],
        },
        {
          outcome: 'PENDING_INVITATION',
          pairs: [{ region: 'us-east-1', service: 'detective' }],
          accountIds: ['222222222222'],
        },
      ],
      retryAccountIds: ['222222222222'],
    });
  });

  it('leaves out the pairs of a group that is in every Region and service of the batch', () => {
    const pairs = [
      { region: 'us-east-1', service: 'securityhub' },
      { region: 'us-east-1', service: 'detective' },
      { region: 'eu-west-1', service: 'securityhub' },
      { region: 'eu-west-1', service: 'detective' },
    ] as const;
    const step = compactOutput({
      results: ['111111111111', '222222222222'].flatMap((accountId) =>
        pairs.map((pair) => ({
          accountId,
          ...pair,
          outcome: 'MEMBER_ROLE_MISSING' as const,
          disposition: 'retry' as const,
          reason: 'AccessDenied: arn:aws:iam::<account>:role/MusterMemberRole',
        })),
      ),
      retryAccountIds: ['111111111111', '222222222222'],
    });
    expect(step.unfinished).toEqual([
      {
        outcome: 'MEMBER_ROLE_MISSING',
        reason: 'AccessDenied: arn:aws:iam::<account>:role/MusterMemberRole',
        accountIds: ['111111111111', '222222222222'],
      },
    ]);
  });
});
