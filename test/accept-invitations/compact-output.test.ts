import { describe, expect, it } from 'vitest';
import {
  carriedOutput,
  compactOutput,
  MEMBER_INLINE_BYTES,
} from '../../functions/accept-invitations/accept-invitations.ts';
import { expandGroups } from '../../functions/shared/domain/report.ts';
import { memoryReportStore } from '../report-store.ts';

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
      unfinishedKey: null,
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

describe('carriedOutput', () => {
  const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'eu-central-1'];
  /** A batch whose every membership fails for a reason of its own: the groups grow with the failures. */
  const scattered = (accounts: number) => {
    const accountIds = Array.from({ length: accounts }, (_, index) => String(100000000000 + index));
    return {
      results: accountIds.flatMap((accountId) =>
        regions.map((region) => ({
          accountId,
          region,
          service: 'securityhub' as const,
          outcome: 'FAILED' as const,
          disposition: 'failed' as const,
          reason: `AccessDeniedException: denied by policy ${accountId}-${region}`,
        })),
      ),
      retryAccountIds: [],
    };
  };

  it('keeps small groups in the state and writes nothing', async () => {
    const store = memoryReportStore();
    const step = await carriedOutput(scattered(1), store, 'executions/m/run/member/a.json');
    expect(step.unfinished).toHaveLength(4);
    expect(step.unfinishedKey).toBeNull();
    expect(store.objects.size).toBe(0);
  });

  it('moves groups past MEMBER_INLINE_BYTES to the report bucket, every membership kept', async () => {
    const store = memoryReportStore();
    const output = scattered(150);
    const step = await carriedOutput(output, store, 'executions/m/run/member/a.json');
    expect(step).toMatchObject({ unfinished: [], unfinishedKey: 'executions/m/run/member/a.json' });
    expect(Buffer.byteLength(JSON.stringify(step))).toBeLessThan(MEMBER_INLINE_BYTES);
    const stored = [...expandGroups(JSON.parse(await store.get('executions/m/run/member/a.json')))];
    expect(stored).toHaveLength(600);
    expect(new Set(stored.map(({ accountId, region }) => `${accountId} ${region}`)).size).toBe(600);
  });
});
