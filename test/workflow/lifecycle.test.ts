import { readFileSync } from 'node:fs';
import { DisassociateFromAdministratorAccountCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { expandGroups } from '../../functions/shared/domain/report.ts';
import { type LocalRunResult, runLocalWorkflow } from '../../local/runner/run-workflow.ts';
import type { StandIn } from '../../local/standin/index.ts';
import { standInsPerTest } from '../local/helpers.ts';
import { ADMINISTRATOR, FAST, listing, organization, outsider } from './scenarios.ts';

const TIME_SCALE = 0.01;
const SWEEP = JSON.parse(readFileSync('events/triggers/scheduled-sweep.json', 'utf8'));
const trigger = (name: string): unknown => JSON.parse(readFileSync(`events/triggers/${name}.json`, 'utf8'));

/**
 * Calls that invite, accept, enable or end a membership: a converged run makes none. CreateMembers is
 * counted apart: create-members sends it without reading first, and for an existing member it answers
 * "already a member" and changes nothing (docs/aws-facts.md, Security Hub; Amazon Detective).
 */
const MEMBERSHIP_CHANGING =
  /:(InviteMembers|AcceptAdministratorInvitation|AcceptInvitation|EnableSecurityHub|DisassociateMembers|DeleteMembers|DisassociateFromAdministratorAccount|DisassociateMembership|RejectInvitation)$/;

/** The same, CreateMembers included: a sweep's plan reads every member, so one that finds nothing drifted sends none. */
const SWEEP_CHANGING = new RegExp(`${MEMBERSHIP_CHANGING.source.slice(0, -2)}|CreateMembers)$`);

const standIn = standInsPerTest(TIME_SCALE);

function run(s: StandIn, input: unknown, env: Record<string, string> = {}): Promise<LocalRunResult> {
  return runLocalWorkflow({ standIn: s, timeScale: TIME_SCALE, input, settings: FAST, env });
}

function membershipChangingCalls(
  result: LocalRunResult,
  changing = MEMBERSHIP_CHANGING,
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(result.standIn.calls.byOperation).filter(([operation]) => changing.test(operation)),
  );
}

/** Every membership of the report that is not ENABLED, as `account region service OUTCOME`. */
function notEnabled(result: LocalRunResult): string[] {
  return [...expandGroups(result.report?.notEnabled ?? [])].map(
    ({ accountId, region, service, outcome }) => `${accountId} ${region} ${service} ${outcome}`,
  );
}

/** What a member does on its own side: it leaves its Security Hub administrator in one Region. */
async function disassociateFromAdministrator(s: StandIn, accountId: string, region: string): Promise<void> {
  const endpoint = s.endpoint;
  const administrator = { accessKeyId: s.env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: 'x' };
  const sts = new STSClient({ region, endpoint, credentials: administrator });
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${accountId}:role/MusterMemberRole`,
      RoleSessionName: 'member-leaves',
    }),
  );
  const member = new SecurityHubClient({
    region,
    endpoint,
    credentials: {
      accessKeyId: Credentials?.AccessKeyId ?? '',
      secretAccessKey: Credentials?.SecretAccessKey ?? '',
      sessionToken: Credentials?.SessionToken ?? '',
    },
  });
  await member.send(new DisassociateFromAdministratorAccountCommand({}));
}

/** An organization account and an outsider on a fresh stand-in, and the stack's setting for all three services. */
async function oneOutsiderThreeServices() {
  const invited = outsider('200000000001');
  const s = await standIn(
    organization({
      accounts: [{ accountId: '333333333333', email: 'b@example.com', joinedMethod: 'CREATED' }, invited],
    }),
  );
  return { invited, s, threeServices: { DEFAULT_SERVICES: 'securityhub,detective,guardduty' } };
}

describe('the onboarding workflow started by AccountJoinedOrganization', () => {
  it('onboards the invited account the event names', async () => {
    const s = await standIn(
      organization({
        accounts: [{ accountId: '777788889999', email: 'joined@example.com', joinedMethod: 'INVITED' }],
      }),
    );

    const result = await run(s, trigger('account-joined-organization-invited'));

    expect(result.status).toBe('SUCCEEDED');
    expect(result.plan).toMatchObject({
      administratorId: ADMINISTRATOR,
      trigger: 'AccountJoinedOrganization',
      accountCount: 1,
    });
    expect(new Set(result.memberships?.map(({ accountId }) => accountId))).toEqual(new Set(['777788889999']));
    expect(result.report?.counts).toEqual({ ENABLED: 4 });
  });

  it('refuses an event for an account the organization does not have, changing nothing', async () => {
    const s = await standIn(organization({ accounts: [outsider('200000000001')] }));

    const result = await run(s, trigger('account-joined-organization-invited'));

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('InvalidInputError');
    expect(result.cause).toContain('777788889999, which is not in the organization');
    expect(membershipChangingCalls(result)).toEqual({});
  });
});

describe('a created account announced twice, by CreateAccountResult and AccountJoinedOrganization (CREATED)', () => {
  const created = () =>
    organization({
      accounts: [{ accountId: '444455556666', email: 'new@example.com', joinedMethod: 'CREATED' }],
    });

  it('leaves the second execution no membership-changing call when the events arrive one after the other', async () => {
    const s = await standIn(created());

    const first = await run(s, trigger('create-account-result-succeeded'));
    s.resetCounters();
    const second = await run(s, trigger('account-joined-organization-created'));

    expect(first.report?.counts).toEqual({ ENABLED: 4 });
    expect(second.status).toBe('SUCCEEDED');
    expect(second.report?.counts).toEqual({ ENABLED: 4 });
    expect(membershipChangingCalls(second)).toEqual({});
    // One CreateMembers per Region and service (2 × 2), each answered "already a member".
    expect(second.standIn.calls.byOperation['securityhub:CreateMembers']).toBe(2);
    expect(second.standIn.calls.byOperation['detective:CreateMembers']).toBe(2);
    expect(second.standIn.invitations).toEqual([]);
  });

  it('converges when both executions run at once: each membership created once per Region, no invitation', async () => {
    const s = await standIn(created());

    const runs = await Promise.all([
      run(s, trigger('create-account-result-succeeded')),
      run(s, trigger('account-joined-organization-created')),
    ]);

    for (const result of runs) {
      expect(result.status).toBe('SUCCEEDED');
      expect(result.report?.counts).toEqual({ ENABLED: 4 });
    }
    const last = runs[1] as LocalRunResult;
    // The delegated administrator adds an organization account without an invitation, whichever run is first.
    expect(last.standIn.invitations).toEqual([]);
    // One CreateMembers per Region and service from each execution; nothing else touches a membership.
    expect(membershipChangingCalls(last)).toEqual({});
    expect(last.standIn.calls.byOperation['securityhub:CreateMembers']).toBe(4);
    expect(last.standIn.calls.byOperation['detective:CreateMembers']).toBe(4);
  });
});

describe('the scheduled sweep', () => {
  it('repairs a disassociated member and a newly enabled Region, covers invited members it finds, and a second sweep changes nothing', async () => {
    const invited = outsider('200000000001');
    const s = await standIn(
      organization({
        accounts: [
          {
            accountId: '222222222222',
            email: 'a@example.com',
            joinedMethod: 'CREATED',
            disabledRegions: ['eu-west-1'],
          },
          { accountId: '333333333333', email: 'b@example.com', joinedMethod: 'CREATED' },
          invited,
        ],
      }),
    );
    // The invited account became a member by hand earlier; the sweep is told nothing about it.
    expect((await run(s, listing([invited]))).status).toBe('SUCCEEDED');

    const first = await run(s, SWEEP);
    expect(first.plan).toMatchObject({ trigger: 'sweep' });
    // The parent carries counts; the report file names every account the sweep planned.
    expect(first.plan).toMatchObject({ accountCount: 3 });
    expect(
      new Set(first.memberships?.map(({ accountId }) => accountId).filter((id) => id !== ADMINISTRATOR)),
    ).toEqual(new Set(['222222222222', '333333333333', '200000000001']));
    // Its opt-in Region is off for account 222222222222: the sweep needs attention.
    expect(first.status).toBe('FAILED');
    expect(first.error).toBe('OnboardingNeedsAttention');
    expect(notEnabled(first).filter((line) => !line.startsWith(ADMINISTRATOR))).toEqual([
      expect.stringMatching(/^222222222222 eu-west-1 (securityhub|detective) FAILED$/),
      expect.stringMatching(/^222222222222 eu-west-1 (securityhub|detective) FAILED$/),
    ]);

    // An organization account cannot leave a delegated administrator on its own; an invited member can.
    await disassociateFromAdministrator(s, '200000000001', 'eu-west-1');
    s.enableRegion('222222222222', 'eu-west-1');
    s.resetCounters();

    const second = await run(s, SWEEP);
    expect(second.status).toBe('SUCCEEDED');
    expect(second.report?.counts).toEqual({ ENABLED: 12, SKIPPED_ADMINISTRATOR: 4 });
    // The invited member that resigned is invited again in its Region and accepts.
    expect(
      second.standIn.invitations
        .slice(first.standIn.invitations.length)
        .map(({ operation, service, accountId, region }) => `${operation} ${service} ${accountId} ${region}`),
    ).toEqual(['InviteMembers securityhub 200000000001 eu-west-1']);

    s.resetCounters();
    const third = await run(s, SWEEP);
    expect(third.status).toBe('SUCCEEDED');
    expect(third.report?.counts).toEqual({ ENABLED: 12, SKIPPED_ADMINISTRATOR: 4 });
    // Not even CreateMembers: the plan's member lists showed every membership enabled.
    expect(membershipChangingCalls(third, SWEEP_CHANGING)).toEqual({});
    expect(Object.keys(third.standIn.calls.byOperation)).toContain('securityhub:ListMembers');
    // The stand-in's invitation log spans the runs: the third adds nothing to it.
    expect(third.standIn.invitations).toHaveLength(second.standIn.invitations.length);
  });

  it('invites a member of Security Hub only to Detective and GuardDuty with the email Security Hub lists for it', async () => {
    const { invited, s, threeServices } = await oneOutsiderThreeServices();
    // Invited by hand to Security Hub alone, with its root email: the sweep is told nothing about it.
    expect((await run(s, { ...listing([invited]), services: ['securityhub'] }, threeServices)).status).toBe(
      'SUCCEEDED',
    );
    const regions = s.scenario.regions;

    const swept = await run(s, SWEEP, threeServices);

    // Before, it had no email in the plan: FAILED for Detective and GuardDuty in every Region, at every sweep.
    expect(swept.status).toBe('SUCCEEDED');
    expect(swept.report?.counts).toEqual({
      ENABLED: 2 * regions.length * 3,
      SKIPPED_ADMINISTRATOR: regions.length * 3,
    });
    // The stand-in verifies the address against the account's root email, as Detective and GuardDuty do:
    // invitations went out, so it was Security Hub's (the right) one.
    expect(
      swept.standIn.invitations
        .filter(({ accountId, service }) => accountId === invited.accountId && service !== 'securityhub')
        .map(({ operation, service, region }) => `${operation} ${service} ${region}`)
        .sort(),
    ).toEqual(
      regions
        .flatMap((region) => [`CreateMembers detective ${region}`, `InviteMembers guardduty ${region}`])
        .sort(),
    );
  });

  it('sweeps all three services when the stack names them, and a second sweep changes nothing in any', async () => {
    const { invited, s, threeServices } = await oneOutsiderThreeServices();
    expect((await run(s, listing([invited]), threeServices)).status).toBe('SUCCEEDED');
    const regions = s.scenario.regions.length;

    const first = await run(s, SWEEP, threeServices);
    expect(first.status).toBe('SUCCEEDED');
    expect(first.report?.counts).toEqual({ ENABLED: 2 * regions * 3, SKIPPED_ADMINISTRATOR: regions * 3 });
    expect(new Set(first.memberships?.map(({ service }) => service))).toEqual(
      new Set(['securityhub', 'detective', 'guardduty']),
    );

    s.resetCounters();
    const second = await run(s, SWEEP, threeServices);
    expect(second.report?.counts).toEqual(first.report?.counts);
    expect(membershipChangingCalls(second, SWEEP_CHANGING)).toEqual({});
    expect(Object.keys(second.standIn.calls.byOperation)).toContain('guardduty:ListMembers');
  });
});
