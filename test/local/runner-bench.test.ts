import { describe, expect, it } from 'vitest';
import { measureColdStarts, RECORDED_BEFORE, renderColdStarts } from '../../bench/cold-start.ts';
import {
  type BenchShape,
  lowerBoundSeconds,
  operationBounds,
  pacedLowerBoundSeconds,
  sweepBounds,
  sweepLowerBoundSeconds,
} from '../../bench/lower-bound.ts';
import { BENCH_REGIONS } from '../../bench/regions.ts';
import { KNOWN_REGIONS } from '../../functions/shared/domain/regions.ts';

const organization: BenchShape = {
  organizationAccounts: 1000,
  invitedAccounts: 0,
  regions: 17,
  latencySeconds: 0.02,
  allAccounts: true,
};

const bound = (shape: BenchShape, operation: string) => operationBounds(shape)[operation]?.lowerBound;

describe('operationBounds', () => {
  it('returns ceil(N/50) per Region for each batch operation and one organization listing of 20 a page', () => {
    expect(bound(organization, 'securityhub:CreateMembers')).toBe(17 * 20);
    expect(bound(organization, 'detective:GetMembers')).toBe(17 * 20);
    expect(bound(organization, 'securityhub:InviteMembers')).toBe(0);
    // 1,000 accounts and the administrator.
    expect(bound(organization, 'organizations:ListAccounts')).toBe(51);
    expect(bound(organization, 'member:securityhub:AcceptAdministratorInvitation')).toBe(0);
    // GuardDuty: its detector and the limit reads once per Region, then the batches.
    expect(bound(organization, 'guardduty:ListDetectors')).toBe(17);
    expect(bound(organization, 'guardduty:DescribeOrganizationConfiguration')).toBe(17);
    expect(bound(organization, 'guardduty:ListMembers')).toBe(17);
    expect(bound(organization, 'guardduty:CreateMembers')).toBe(17 * 20);
    expect(bound(organization, 'guardduty:GetMembers')).toBe(17 * 20);
  });

  it('returns one accept per invited member, Region and service, and one session per invited account', () => {
    const invited = { ...organization, organizationAccounts: 0, invitedAccounts: 120, allAccounts: false };

    expect(bound(invited, 'securityhub:InviteMembers')).toBe(17 * 3);
    expect(bound(invited, 'member:securityhub:AcceptAdministratorInvitation')).toBe(120 * 17);
    expect(bound(invited, 'member:detective:AcceptInvitation')).toBe(120 * 17);
    expect(bound(invited, 'sts:AssumeRole')).toBe(120);
    expect(bound(invited, 'guardduty:InviteMembers')).toBe(17 * 3);
    expect(bound(invited, 'member:guardduty:AcceptAdministratorInvitation')).toBe(120 * 17);
    expect(bound(invited, 'member:guardduty:ListDetectors')).toBe(120 * 17);
    expect(operationBounds(invited)['member:securityhub:AcceptAdministratorInvitation']?.side).toBe('member');
  });

  it('counts GetMembers as the organization accounts read first and the invited ones after they accept', () => {
    const mixed = {
      ...organization,
      organizationAccounts: 75,
      invitedAccounts: 25,
      regions: 1,
      allAccounts: false,
    };

    // ceil(75/50) + ceil(25/50): the two reads are in different rounds, so they share no call.
    expect(bound(mixed, 'securityhub:GetMembers')).toBe(3);
    expect(bound(mixed, 'detective:GetMembers')).toBe(3);
    expect(bound(mixed, 'guardduty:GetMembers')).toBe(3);
    expect(bound(mixed, 'securityhub:CreateMembers')).toBe(2);
  });

  it('returns one DescribeAccount per account instead of a listing for a short list of accounts', () => {
    const few = { ...organization, organizationAccounts: 5, allAccounts: false };

    expect(bound(few, 'organizations:DescribeAccount')).toBe(5);
    expect(bound(few, 'organizations:ListAccounts')).toBeUndefined();
  });
});

describe('lowerBoundSeconds', () => {
  it('returns the listing pages one after another, then the busiest bucket past its burst at 10 calls a second', () => {
    // Security Hub per Region: DescribeHub 1 and the limit reads 2 go beside the listing, and the
    // bucket is full again when it ends (1.02 s); CreateMembers 20 + GetMembers 20 = 40 calls, 10 past the burst.
    expect(lowerBoundSeconds(organization)).toBeCloseTo(51 * 0.02 + 10 / 10 + 0.02, 6);
  });

  it("counts only the services onboarded: Detective alone has no limit read of Security Hub's or GuardDuty's", () => {
    // Detective per Region: ListGraphs 1 + ListMembers 1 beside the listing, then CreateMembers 20 +
    // GetMembers 20: the same 10 past the burst as Security Hub's.
    expect(lowerBoundSeconds({ ...organization, services: ['detective'] })).toBeCloseTo(
      51 * 0.02 + 10 / 10 + 0.02,
      6,
    );
    // GuardDuty's administrator calls match Security Hub's one for one: three services cost no more than two.
    expect(lowerBoundSeconds({ ...organization, services: ['guardduty'] })).toBeCloseTo(
      lowerBoundSeconds(organization),
      6,
    );
  });

  it('returns the chain of dependent calls when no bucket throttles', () => {
    const small = { ...organization, organizationAccounts: 0, invitedAccounts: 3, allAccounts: false };

    // One DescribeAccount round beside locate and the limit reads (two answers), then create, invite,
    // list, accept, check.
    expect(lowerBoundSeconds(small)).toBeCloseTo(2 * 0.02 + 5 * 0.02, 6);
  });
});

describe('pacedLowerBoundSeconds', () => {
  it('returns the listing, then each administrator step through one bucket of 10 calls a second after a burst of 30', () => {
    // Per Region and service: locate 1 call and the limit reads 2 beside the listing, whose 1.02 s
    // refill the bucket to its 30; create 20 (10.2 one answer later), check 20: 9.8 calls wait for
    // tokens, 0.98 s, then one answer.
    expect(pacedLowerBoundSeconds(organization)).toBeCloseTo(51 * 0.02 + 0.02 + (0.98 + 0.02), 6);
  });

  it('adds 20 invitations to the create step and the member side for invited accounts', () => {
    const invited = { ...organization, organizationAccounts: 0, invitedAccounts: 1000, allAccounts: false };

    // One listing page (1,000 DescribeAccount calls would be more) beside locate and the limit reads,
    // which leave 27.4 tokens two answers later; create's 20 calls and their 20 invitations wait
    // 1.26 s; the member side's 3 answers refill 0.8 of the check's 20 tokens.
    expect(pacedLowerBoundSeconds(invited)).toBeCloseTo(
      0.02 + 0.02 + (1.26 + 0.02) + 3 * 0.02 + (1.92 + 0.02),
      6,
    );
  });

  it('meets the throttle-limited lower bound for the default shape: muster spends the burst AWS allows', () => {
    expect(pacedLowerBoundSeconds(organization)).toBeCloseTo(lowerBoundSeconds(organization), 6);
  });

  it('meets the lower bound for invited accounts too: no read comes before an invitation', () => {
    const invited = { ...organization, organizationAccounts: 0, invitedAccounts: 1000, allAccounts: false };
    expect(pacedLowerBoundSeconds(invited)).toBeCloseTo(lowerBoundSeconds(invited), 6);
  });
});

describe('sweepLowerBoundSeconds', () => {
  it('lists every member beside the organization listing, then creates what drifted and reads every membership', () => {
    const sweep = { ...organization, driftedByRegion: [1] };
    // Security Hub per Region: DescribeHub, the organization settings and 20 ListMembers pages (22 calls)
    // beside the 1.02 s listing leave 18.2 tokens; 1 CreateMembers (in the one Region that drifted,
    // 1/17 a Region) and 20 GetMembers wait for the rest, then one answer.
    expect(sweepLowerBoundSeconds(sweep)).toBeCloseTo(51 * 0.02 + (1 / 17 + 20 - 18.2) / 10 + 0.02, 6);
  });
});

describe('sweepBounds', () => {
  it('returns the reads of a whole sweep and CreateMembers only where memberships drifted, ceil(drifted/50) there', () => {
    const shape = { ...organization, driftedByRegion: [2, 1, 51] };
    expect(
      Object.fromEntries(
        Object.entries(sweepBounds(shape)).map(([name, { lowerBound }]) => [name, lowerBound]),
      ),
    ).toEqual({
      'organizations:ListAccounts': 51,
      'securityhub:DescribeHub': 17,
      'detective:ListGraphs': 17,
      'securityhub:DescribeOrganizationConfiguration': 17,
      'securityhub:ListMembers': 17 * 20,
      'detective:ListMembers': 17 * 5,
      'securityhub:CreateMembers': 1 + 1 + 2,
      'securityhub:GetMembers': 17 * 20,
      'detective:GetMembers': 17 * 20,
      'guardduty:ListDetectors': 17,
      'guardduty:ListMembers': 17 * 20,
      'guardduty:GetMembers': 17 * 20,
    });
  });
});

describe('the benchmark Regions', () => {
  it('returns 17 Regions muster knows', () => {
    expect(BENCH_REGIONS).toHaveLength(17);
    expect(BENCH_REGIONS.filter((region) => !KNOWN_REGIONS.has(region))).toEqual([]);
  });
});

describe('measureColdStarts', () => {
  it('names the missing bundles and how to make them, before starting anything', async () => {
    await expect(measureColdStarts('no-such-dist', 1)).rejects.toThrow(
      'no bundle for resolve-accounts, create-members, invite-members, accept-invitations, check-members, merge-reports, remove-members in no-such-dist: run npm run build first',
    );
  });
});

describe('renderColdStarts', () => {
  it('puts each function next to its figures from before, and says which bundles are over 400 KB', () => {
    const table = renderColdStarts('dist', 3, [
      { name: 'resolve-accounts', bundleBytes: 420 * 1024, importMs: 80, firstInvocationMs: 50 },
      { name: 'merge-reports', bundleBytes: 300 * 1024, importMs: 60 },
    ]);

    expect(table).toContain(
      '| resolve-accounts | 689.3 KB → 420.0 KB | no | 89 ms → 80 ms | 57 ms → 50 ms |',
    );
    expect(table).toContain('| merge-reports | 572.6 KB → 300.0 KB | yes | — → 60 ms | — → — |');
    expect(table).toContain(`before: ${RECORDED_BEFORE.when}`);
  });
});
