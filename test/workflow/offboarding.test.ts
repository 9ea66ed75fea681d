import { readFileSync } from 'node:fs';
import {
  DeleteMembersCommand,
  DetectiveClient,
  GetMembersCommand as GetGraphMembers,
  ListGraphsCommand,
} from '@aws-sdk/client-detective';
import {
  GetMembersCommand as GetGuardDutyMembers,
  GuardDutyClient,
  ListDetectorsCommand,
} from '@aws-sdk/client-guardduty';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetMembersCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import { runOffboardingLocally } from '../../cli/commands/remove-local.ts';
import { expandGroups } from '../../functions/shared/domain/report.ts';
import { parseJsonLines } from '../../functions/shared/report/files.ts';
import { runLocalWorkflow } from '../../local/runner/run-workflow.ts';
import type { ScenarioInput, StandIn } from '../../local/standin/index.ts';
import { standInsPerTest } from '../local/helpers.ts';
import { FAST, listing, organization, outsider } from './scenarios.ts';

const TIME_SCALE = 0.01;
const departure = (method: string): unknown =>
  JSON.parse(readFileSync(`events/triggers/account-departed-organization-${method}.json`, 'utf8'));

const REMOVING = /:(DisassociateMembers|DeleteMembers)$/;

const standIn = standInsPerTest(TIME_SCALE);

const ACCOUNTS = [
  { accountId: '777788889999', email: 'left@example.com', joinedMethod: 'INVITED' as const },
  { accountId: '222233334444', email: 'closed@example.com', joinedMethod: 'CREATED' as const },
  { accountId: '333344445555', email: 'stays@example.com', joinedMethod: 'CREATED' as const },
];

/** A stand-in whose accounts (and one outside account) are all onboarded by the real onboarding workflow. */
async function onboarded(faults: Record<string, unknown> = {}, services?: string[]): Promise<StandIn> {
  const s = await standIn(
    organization({ accounts: [...ACCOUNTS, outsider('555566667777')], faults } as Partial<ScenarioInput>),
  );
  const all = [...ACCOUNTS, { accountId: '555566667777', email: 'root+555566667777@example.net' }];
  const onboarding = await runLocalWorkflow({
    standIn: s,
    timeScale: TIME_SCALE,
    input: { ...listing(all), ...(services === undefined ? {} : { services }) },
    settings: FAST,
  });
  expect(onboarding.status).toBe('SUCCEEDED');
  return s;
}

/** Every membership the administrator still has for `accountId`, as `region service status`. */
async function memberships(s: StandIn, accountId: string): Promise<string[]> {
  const credentials = { accessKeyId: s.env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: 'x' };
  const found: string[] = [];
  for (const region of s.scenario.regions) {
    const securityHub = new SecurityHubClient({ region, endpoint: s.endpoint, credentials });
    const hub = await securityHub.send(new GetMembersCommand({ AccountIds: [accountId] }));
    for (const m of hub.Members ?? []) found.push(`${region} securityhub ${m.MemberStatus}`);
    const detective = new DetectiveClient({ region, endpoint: s.endpoint, credentials });
    const { GraphList } = await detective.send(new ListGraphsCommand({}));
    const graph = await detective.send(
      new GetGraphMembers({ GraphArn: GraphList?.[0]?.Arn, AccountIds: [accountId] }),
    );
    for (const m of graph.MemberDetails ?? []) found.push(`${region} detective ${m.Status}`);
  }
  return found;
}

/** The administrator's GuardDuty memberships of `accountId`, as `region guardduty status`. */
async function guardDutyMemberships(s: StandIn, accountId: string): Promise<string[]> {
  const credentials = { accessKeyId: s.env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: 'x' };
  const found: string[] = [];
  for (const region of s.scenario.regions) {
    const guardDuty = new GuardDutyClient({ region, endpoint: s.endpoint, credentials });
    const { DetectorIds } = await guardDuty.send(new ListDetectorsCommand({}));
    const members = await guardDuty.send(
      new GetGuardDutyMembers({ DetectorId: DetectorIds?.[0], AccountIds: [accountId] }),
    );
    for (const m of members.Members ?? []) found.push(`${region} guardduty ${m.RelationshipStatus}`);
  }
  return found;
}

/** The rows of the report file an offboarding named, read from the stand-in's S3. */
async function reportRows(s: StandIn, files: { bucket: string; jsonl: string } | undefined) {
  if (files === undefined) throw new Error('the offboarding named no report file');
  const client = new S3Client({
    region: 'us-east-1',
    endpoint: s.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s.env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: 'x' },
  });
  const answer = await client.send(new GetObjectCommand({ Bucket: files.bucket, Key: files.jsonl }));
  return parseJsonLines((await answer.Body?.transformToString('utf8')) ?? '');
}

function removingCalls(s: StandIn): number {
  return Object.entries(s.inspect().calls.byOperation)
    .filter(([operation]) => REMOVING.test(operation))
    .reduce((sum, [, count]) => sum + count, 0);
}

describe('the offboarding workflow started by AccountDepartedOrganization', () => {
  it('removes every membership of the departed account in every Region and service, and a second run changes nothing', async () => {
    const s = await onboarded();
    expect(await memberships(s, '777788889999')).toHaveLength(4);
    s.depart('777788889999');

    const first = await runOffboardingLocally({ standIn: s, input: departure('left') });

    expect(first.status).toBe('SUCCEEDED');
    expect(first.removal).toMatchObject({
      trigger: 'AccountDepartedOrganization',
      departure: 'LEFT',
      accountIds: ['777788889999'],
      counts: { REMOVED_FROM_ADMINISTRATOR: 4 },
    });
    expect(await memberships(s, '777788889999')).toEqual([]);
    // The other accounts keep theirs.
    expect(await memberships(s, '333344445555')).toHaveLength(4);

    s.resetCounters();
    const again = await runOffboardingLocally({ standIn: s, input: departure('left') });
    expect(again.removal?.counts).toEqual({ NOT_A_MEMBER_ALREADY: 4 });
    expect(removingCalls(s)).toBe(0);
  });

  it('offboards a closed account (CLEANED) that Detective already removed: NOT_A_MEMBER_ALREADY there, removed in Security Hub', async () => {
    const s = await onboarded();
    s.depart('222233334444');
    // Detective removes closed accounts on its own (docs/aws-facts.md, Amazon Detective): do as it does.
    const credentials = { accessKeyId: s.env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: 'x' };
    for (const region of s.scenario.regions) {
      const detective = new DetectiveClient({ region, endpoint: s.endpoint, credentials });
      const { GraphList } = await detective.send(new ListGraphsCommand({}));
      await detective.send(
        new DeleteMembersCommand({ GraphArn: GraphList?.[0]?.Arn, AccountIds: ['222233334444'] }),
      );
    }

    const result = await runOffboardingLocally({ standIn: s, input: departure('cleaned') });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.removal).toMatchObject({
      departure: 'CLEANED',
      counts: { REMOVED_FROM_ADMINISTRATOR: 2, NOT_A_MEMBER_ALREADY: 2 },
    });
    expect(await memberships(s, '222233334444')).toEqual([]);
  });

  it('refuses a departure event for an account the organization still has ACTIVE, and removes nothing', async () => {
    const s = await onboarded();
    s.resetCounters();

    const result = await runOffboardingLocally({ standIn: s, input: departure('left') });

    expect(result).toMatchObject({ status: 'FAILED', error: 'InvalidInputError' });
    expect(result.cause).toContain('777788889999');
    expect(removingCalls(s)).toBe(0);
    expect(await memberships(s, '777788889999')).toHaveLength(4);
  });

  it('counts an ACTIVE organization account (with the flag) removed when Security Hub disassociates it but keeps it listed', async () => {
    const s = await onboarded();

    const result = await runOffboardingLocally({
      standIn: s,
      input: {
        remove: {
          accounts: ['333344445555'],
          regions: ['us-east-1'],
          services: ['securityhub'],
          includeActiveOrganizationAccounts: true,
        },
      },
    });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.removal?.counts).toEqual({ REMOVED_FROM_ADMINISTRATOR: 1 });
    expect(await memberships(s, '333344445555')).toContain('us-east-1 securityhub Removed');
  });

  it("fails with OffboardingNeedsAttention, naming the membership and AWS's words, when a removal is denied", async () => {
    const s = await onboarded({ denied: [{ action: 'detective:DeleteMembers', regions: ['eu-west-1'] }] });
    s.depart('777788889999');

    const result = await runOffboardingLocally({ standIn: s, input: departure('left') });

    expect(result).toMatchObject({ status: 'FAILED', error: 'OffboardingNeedsAttention' });
    expect(result.removal?.counts).toEqual({ REMOVED_FROM_ADMINISTRATOR: 3, FAILED: 1 });
    expect(result.removal?.attention).toEqual([
      expect.objectContaining({
        accountId: '777788889999',
        region: 'eu-west-1',
        service: 'detective',
        reason: expect.stringContaining('AccessDeniedException'),
      }),
    ]);
  });

  it('removes an outside (invited) account by hand, without any flag', async () => {
    const s = await onboarded();

    const result = await runOffboardingLocally({
      standIn: s,
      input: { remove: { accounts: ['555566667777'] } },
    });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.removal?.counts).toEqual({ REMOVED_FROM_ADMINISTRATOR: 4 });
    expect(await memberships(s, '555566667777')).toEqual([]);
  });
});

describe('stale members: reported by the sweep, removed by the stale-member offboarding (RemoveStaleMembers=true)', () => {
  it('reports a suspended account that is still a member STALE_MEMBER, then the offboarding ends its memberships', async () => {
    const s = await onboarded();
    const suspended = s.scenario.accounts.find(({ accountId }) => accountId === '222233334444');
    if (suspended === undefined) throw new Error('the scenario lost its account');
    suspended.state = 'SUSPENDED';

    const sweep = await runLocalWorkflow({
      standIn: s,
      timeScale: TIME_SCALE,
      input: { sweep: true },
      settings: FAST,
    });

    expect(sweep).toMatchObject({ status: 'FAILED', error: 'OnboardingNeedsAttention' });
    const stale = [...expandGroups(sweep.report?.notEnabled ?? [])].filter(
      ({ outcome }) => outcome === 'STALE_MEMBER',
    );
    expect(stale.map(({ accountId }) => accountId)).toEqual(Array(4).fill('222233334444'));
    expect(stale[0]?.reason).toContain('still a member in us-east-1, eu-west-1');

    const removal = await runOffboardingLocally({ standIn: s, input: { staleMembers: true } });

    expect(removal.status).toBe('SUCCEEDED');
    expect(removal.removal).toMatchObject({
      trigger: 'staleMembers',
      accountIds: ['222233334444'],
      counts: { REMOVED_FROM_ADMINISTRATOR: 4 },
    });
    // Security Hub keeps an organization account listed, disassociated; Detective deletes it.
    expect(await memberships(s, '222233334444')).toEqual([
      'us-east-1 securityhub Removed',
      'eu-west-1 securityhub Removed',
    ]);

    // The next sweep finds it only listed as Removed: nothing needs attention, and it is not reported stale again.
    const next = await runLocalWorkflow({
      standIn: s,
      timeScale: TIME_SCALE,
      input: { sweep: true },
      settings: FAST,
    });
    expect(next.status).toBe('SUCCEEDED');
    expect(next.report?.counts.STALE_MEMBER).toBeUndefined();
    const skipped = [...expandGroups(next.report?.notEnabled ?? [])].filter(
      ({ accountId }) => accountId === '222233334444',
    );
    expect(skipped.map(({ outcome }) => outcome)).toEqual(Array(4).fill('SKIPPED_ACCOUNT_INACTIVE'));
    expect(skipped[0]?.reason).toContain('nothing left to remove');
  });
});

describe('the offboarding workflow with GuardDuty as the third service', () => {
  const ALL_THREE = ['securityhub', 'detective', 'guardduty'];

  it('disassociates, then deletes, the departed account in GuardDuty too, and writes one report row per membership', async () => {
    const s = await onboarded({}, ALL_THREE);
    expect(await guardDutyMemberships(s, '777788889999')).toEqual([
      'us-east-1 guardduty Enabled',
      'eu-west-1 guardduty Enabled',
    ]);
    s.depart('777788889999');
    s.resetCounters();

    const result = await runOffboardingLocally({
      standIn: s,
      input: departure('left'),
      services: ALL_THREE.join(','),
    });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.removal?.counts).toEqual({ REMOVED_FROM_ADMINISTRATOR: 6 });
    expect(await guardDutyMemberships(s, '777788889999')).toEqual([]);
    expect(await memberships(s, '777788889999')).toEqual([]);
    expect(s.inspect().calls.byOperation['guardduty:DisassociateMembers']).toBe(2);
    expect(s.inspect().calls.byOperation['guardduty:DeleteMembers']).toBe(2);
    const rows = await reportRows(s, result.removal?.files);
    expect(
      rows
        .map(({ accountId, region, service, outcome }) => `${accountId} ${region} ${service} ${outcome}`)
        .sort(),
    ).toEqual(
      ALL_THREE.flatMap((service) =>
        ['eu-west-1', 'us-east-1'].map(
          (region) => `777788889999 ${region} ${service} REMOVED_FROM_ADMINISTRATOR`,
        ),
      ).sort(),
    );
    // The other accounts keep their GuardDuty memberships.
    expect(await guardDutyMemberships(s, '333344445555')).toHaveLength(2);
  });
});

describe('a wrong root email (VERIFICATION_FAILED), as the README says to fix it', () => {
  it('stays VERIFICATION_FAILED when run again with the right email, and is ENABLED once removed and run again', async () => {
    const account = outsider('300000000001', { detectiveEmail: 'real-root@example.net' });
    const s = await standIn(organization({ accounts: [account] }));
    const right = { accounts: [{ accountId: account.accountId, email: 'real-root@example.net' }] };
    const run = (input: object) =>
      runLocalWorkflow({
        standIn: s,
        timeScale: TIME_SCALE,
        input: { ...input, services: ['guardduty'] },
        settings: FAST,
      });

    const wrong = await run(listing([account]));
    const corrected = await run(right);
    const removal = await runOffboardingLocally({
      standIn: s,
      input: { remove: { accounts: [account.accountId] } },
      services: 'guardduty',
    });
    const again = await run(right);

    expect(wrong.report?.counts).toEqual({ VERIFICATION_FAILED: 2 });
    // CreateMembers leaves the existing member, and the email it was created with, as it is.
    expect(corrected.report?.counts).toEqual({ VERIFICATION_FAILED: 2 });
    expect(removal.removal?.counts).toEqual({ REMOVED_FROM_ADMINISTRATOR: 2 });
    expect(again.status).toBe('SUCCEEDED');
    expect(again.report?.counts).toEqual({ ENABLED: 2 });
  });
});

describe('a departed account whose departure event was missed', () => {
  it('is reported STALE_MEMBER by the next sweep, not invited again, and removed by the stale-member offboarding', async () => {
    const s = await onboarded();
    const sweep = () =>
      runLocalWorkflow({ standIn: s, timeScale: TIME_SCALE, input: { sweep: true }, settings: FAST });
    // The first sweep keeps the organization's accounts in the report bucket.
    expect((await sweep()).status).toBe('SUCCEEDED');
    s.depart('777788889999');
    s.resetCounters();

    const second = await sweep();

    expect(second).toMatchObject({ status: 'FAILED', error: 'OnboardingNeedsAttention' });
    const departed = [...expandGroups(second.report?.notEnabled ?? [])].filter(
      ({ accountId }) => accountId === '777788889999',
    );
    expect(departed.map(({ outcome }) => outcome)).toEqual(Array(4).fill('STALE_MEMBER'));
    expect(departed[0]?.reason).toContain('it left the organization');
    expect(second.plan?.accountIds).not.toContain('777788889999');
    const calls = s.inspect().calls.byOperation;
    expect(calls['securityhub:CreateMembers'] ?? 0).toBe(0);
    expect(calls['securityhub:InviteMembers'] ?? 0).toBe(0);
    expect(calls['detective:CreateMembers'] ?? 0).toBe(0);

    const removal = await runOffboardingLocally({ standIn: s, input: { staleMembers: true } });

    expect(removal.status).toBe('SUCCEEDED');
    expect(removal.removal).toMatchObject({
      accountIds: ['777788889999'],
      counts: { REMOVED_FROM_ADMINISTRATOR: 4 },
    });
    expect(await memberships(s, '777788889999')).toEqual([]);
    const third = await sweep();
    expect(third.status).toBe('SUCCEEDED');
    expect(third.report?.counts.STALE_MEMBER).toBeUndefined();
  });
});
