import {
  CreateMembersCommand as DetectiveCreateMembers,
  GetMembersCommand as DetectiveGetMembers,
  ListGraphsCommand,
} from '@aws-sdk/client-detective';
import {
  AcceptAdministratorInvitationCommand,
  BadRequestException,
  CreateDetectorCommand,
  CreateMembersCommand,
  DeleteMembersCommand,
  DescribeOrganizationConfigurationCommand,
  DisassociateMembersCommand,
  GetAdministratorAccountCommand,
  GetMembersCommand,
  type GuardDutyClient,
  InviteMembersCommand,
  ListDetectorsCommand,
  ListInvitationsCommand,
  ListMembersCommand,
} from '@aws-sdk/client-guardduty';
import { afterEach, describe, expect, it } from 'vitest';
import { GUARDDUTY_TEXTS, type StandIn, startStandIn } from '../../local/standin/index.ts';
import { guardDutyClient } from './guardduty-client.ts';
import { ADMIN, clientsFor, failure, memberCredentials, sleep, smallScenario } from './helpers.ts';

const OUTSIDE = '444444444444';
const CREATED = '000000000002';
let standIn: StandIn | undefined;

afterEach(async () => {
  await standIn?.stop();
  standIn = undefined;
});

async function start(overrides: Parameters<typeof smallScenario>[0] = {}, timeScale = 1): Promise<StandIn> {
  standIn = await startStandIn({ scenario: smallScenario(overrides), timeScale });
  return standIn;
}

async function detectorOf(client: GuardDutyClient): Promise<string> {
  const { DetectorIds } = await client.send(new ListDetectorsCommand({}));
  const id = DetectorIds?.[0];
  if (id === undefined) throw new Error('no detector');
  return id;
}

/** Makes the organization account CREATED a member of the administrator's behavior graph. */
async function detectiveMember(s: StandIn) {
  const { detective } = clientsFor(s);
  const graph = (await detective.send(new ListGraphsCommand({}))).GraphList?.[0]?.Arn;
  await detective.send(
    new DetectiveCreateMembers({
      GraphArn: graph,
      Accounts: [{ AccountId: CREATED, EmailAddress: 'a@example.com' }],
    }),
  );
  return { detective, graph };
}

/** Creates and invites the outside account; returns the administrator's client and detector. */
async function invitedOutside(s: StandIn, email = 'outside@example.net') {
  const guardDuty = guardDutyClient(s);
  const DetectorId = await detectorOf(guardDuty);
  await guardDuty.send(
    new CreateMembersCommand({ DetectorId, AccountDetails: [{ AccountId: OUTSIDE, Email: email }] }),
  );
  const invited = await guardDuty.send(new InviteMembersCommand({ DetectorId, AccountIds: [OUTSIDE] }));
  return { guardDuty, DetectorId, invited };
}

describe('stand-in GuardDuty', () => {
  it('lists no detector where the administrator has none, one after CreateDetector, and refuses a second', async () => {
    const s = await start({
      services: {
        securityhub: { enabledRegions: 'all' },
        detective: { enabledRegions: 'all' },
        guardduty: { enabledRegions: ['us-east-1'] },
      },
    });
    const guardDuty = guardDutyClient(s, 'eu-west-1');

    const before = await guardDuty.send(new ListDetectorsCommand({}));
    const { DetectorId } = await guardDuty.send(new CreateDetectorCommand({ Enable: true }));
    const after = await guardDuty.send(new ListDetectorsCommand({ MaxResults: 50 }));
    const again = await failure(guardDuty.send(new CreateDetectorCommand({ Enable: true })));

    expect(before.DetectorIds).toEqual([]);
    expect(DetectorId).toMatch(/^[0-9a-f]{32}$/);
    expect(after.DetectorIds).toEqual([DetectorId]);
    expect(again).toBeInstanceOf(BadRequestException);
  });

  it('answers BadRequestException 400 for a detector the caller does not own', async () => {
    const s = await start();
    const member = guardDutyClient(s, 'us-east-1', await memberCredentials(s, CREATED));
    const memberDetector = await detectorOf(member);

    const error = await failure(
      guardDutyClient(s).send(new GetMembersCommand({ DetectorId: memberDetector, AccountIds: [CREATED] })),
    );

    expect(error).toBeInstanceOf(BadRequestException);
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.message).toBe(
      'The request is rejected because the input detectorId is not owned by the current account.',
    );
  });

  it('refuses CreateMembers with more than 50 accounts before changing anything', async () => {
    const s = await start({ accounts: [], generate: { count: 51 } });
    const guardDuty = guardDutyClient(s);
    const DetectorId = await detectorOf(guardDuty);
    const AccountDetails = s.scenario.accounts.map((a) => ({ AccountId: a.accountId, Email: a.email }));

    const error = await failure(guardDuty.send(new CreateMembersCommand({ DetectorId, AccountDetails })));
    const listed = await guardDuty.send(new ListMembersCommand({ DetectorId, OnlyAssociated: 'false' }));

    expect(error).toBeInstanceOf(BadRequestException);
    expect(listed.Members).toEqual([]);
    expect(s.inspect().largestAccountList['guardduty:CreateMembers']).toBe(51);
  });

  it('enables organization accounts at CreateMembers without an invitation, and turns their GuardDuty on', async () => {
    const s = await start({
      accounts: [{ accountId: CREATED, email: 'a@example.com', joinedMethod: 'CREATED', guardDutyOff: true }],
    });
    const guardDuty = guardDutyClient(s);
    const DetectorId = await detectorOf(guardDuty);
    const member = guardDutyClient(s, 'us-east-1', await memberCredentials(s, CREATED));
    const before = await member.send(new ListDetectorsCommand({}));

    const created = await guardDuty.send(
      new CreateMembersCommand({
        DetectorId,
        AccountDetails: [{ AccountId: CREATED, Email: 'a@example.com' }],
      }),
    );
    const { Members } = await guardDuty.send(new GetMembersCommand({ DetectorId, AccountIds: [CREATED] }));
    const memberDetector = await detectorOf(member);
    const { Administrator } = await member.send(
      new GetAdministratorAccountCommand({ DetectorId: memberDetector }),
    );

    expect(before.DetectorIds).toEqual([]);
    expect(created.UnprocessedAccounts).toEqual([]);
    expect(Members).toEqual([
      expect.objectContaining({
        AccountId: CREATED,
        DetectorId: memberDetector,
        AdministratorId: ADMIN,
        RelationshipStatus: 'Enabled',
      }),
    ]);
    expect(Administrator).toMatchObject({ AccountId: ADMIN, RelationshipStatus: 'Enabled' });
    expect(s.inspect().invitations).toEqual([]);
  });

  it('takes an invited account from Created through Invited to Enabled when it accepts our invitation', async () => {
    const s = await start();
    const guardDuty = guardDutyClient(s);
    const DetectorId = await detectorOf(guardDuty);
    await guardDuty.send(
      new CreateMembersCommand({
        DetectorId,
        AccountDetails: [{ AccountId: OUTSIDE, Email: 'outside@example.net' }],
      }),
    );
    const created = await guardDuty.send(new GetMembersCommand({ DetectorId, AccountIds: [OUTSIDE] }));
    const invited = await guardDuty.send(
      new InviteMembersCommand({ DetectorId, AccountIds: [OUTSIDE], DisableEmailNotification: true }),
    );
    const member = guardDutyClient(s, 'us-east-1', await memberCredentials(s, OUTSIDE));
    const { Invitations } = await member.send(new ListInvitationsCommand({}));
    const memberDetector = await detectorOf(member);
    await member.send(
      new AcceptAdministratorInvitationCommand({
        DetectorId: memberDetector,
        AdministratorId: ADMIN,
        InvitationId: Invitations?.[0]?.InvitationId,
      }),
    );
    const after = await guardDuty.send(new GetMembersCommand({ DetectorId, AccountIds: [OUTSIDE] }));
    const associated = await guardDuty.send(new ListMembersCommand({ DetectorId }));

    expect(created.Members?.[0]?.RelationshipStatus).toBe('Created');
    expect(invited.UnprocessedAccounts).toEqual([]);
    expect(Invitations).toEqual([
      {
        AccountId: ADMIN,
        InvitationId: expect.any(String),
        RelationshipStatus: 'Invited',
        InvitedAt: expect.any(String),
      },
    ]);
    expect(after.Members?.[0]?.RelationshipStatus).toBe('Enabled');
    expect(associated.Members?.map((m) => m.AccountId)).toEqual([OUTSIDE]);
    expect(s.inspect().invitations).toEqual([
      expect.objectContaining({ service: 'guardduty', operation: 'InviteMembers', accountId: OUTSIDE }),
    ]);
  });

  it('ends in EmailVerificationFailed when the email is not the root email, sends no invitation, and refuses the accept', async () => {
    const s = await start({}, 0.01);
    const { guardDuty, DetectorId } = await invitedOutside(s, 'someone-else@example.net');
    const member = guardDutyClient(s, 'us-east-1', await memberCredentials(s, OUTSIDE));

    const { Invitations } = await member.send(new ListInvitationsCommand({}));
    const { Members } = await guardDuty.send(new GetMembersCommand({ DetectorId, AccountIds: [OUTSIDE] }));

    expect(Invitations).toEqual([]);
    expect(Members?.[0]?.RelationshipStatus).toBe('EmailVerificationFailed');
    expect(s.inspect().invitations).toEqual([]);
  });

  it('shows EmailVerificationInProgress until the verification delay ends', async () => {
    const s = await start({ faults: { verificationDelaySeconds: 20 } }, 0.01);
    const { guardDuty, DetectorId } = await invitedOutside(s);

    const during = await guardDuty.send(new GetMembersCommand({ DetectorId, AccountIds: [OUTSIDE] }));
    await sleep(250);
    const after = await guardDuty.send(new GetMembersCommand({ DetectorId, AccountIds: [OUTSIDE] }));

    expect(during.Members?.[0]?.RelationshipStatus).toBe('EmailVerificationInProgress');
    expect(after.Members?.[0]?.RelationshipStatus).toBe('Invited');
  });

  it("answers UnprocessedAccounts with AWS's texts for itself, an existing member and a second invitation", async () => {
    const s = await start();
    const { guardDuty, DetectorId } = await invitedOutside(s);

    const created = await guardDuty.send(
      new CreateMembersCommand({
        DetectorId,
        AccountDetails: [
          { AccountId: ADMIN, Email: 'admin@example.com' },
          { AccountId: OUTSIDE, Email: 'outside@example.net' },
        ],
      }),
    );
    const again = await guardDuty.send(
      new InviteMembersCommand({ DetectorId, AccountIds: [OUTSIDE, ADMIN] }),
    );

    expect(created.UnprocessedAccounts).toEqual([
      { AccountId: ADMIN, Result: GUARDDUTY_TEXTS.self },
      { AccountId: OUTSIDE, Result: GUARDDUTY_TEXTS.alreadyMember },
    ]);
    expect(again.UnprocessedAccounts).toEqual([
      { AccountId: OUTSIDE, Result: GUARDDUTY_TEXTS.alreadyInvited },
      { AccountId: ADMIN, Result: GUARDDUTY_TEXTS.inviteSelf },
    ]);
  });

  it('leaves an account past 1,000 invitation-based members unprocessed with the limit text', async () => {
    const s = await start({ accounts: [], generate: { count: 1001, joinedMethod: 'OUTSIDE' } });
    const guardDuty = guardDutyClient(s);
    const DetectorId = await detectorOf(guardDuty);
    const unprocessed = [];
    const accounts = s.scenario.accounts;
    for (let i = 0; i < accounts.length; i += 50) {
      const AccountDetails = accounts
        .slice(i, i + 50)
        .map((a) => ({ AccountId: a.accountId, Email: a.email }));
      const out = await guardDuty.send(new CreateMembersCommand({ DetectorId, AccountDetails }));
      unprocessed.push(...(out.UnprocessedAccounts ?? []));
    }

    expect(unprocessed).toEqual([
      { AccountId: accounts[1000]?.accountId, Result: GUARDDUTY_TEXTS.memberLimit },
    ]);
  });

  it('reports a member bound to another administrator to the member side, and refuses accepting ours', async () => {
    const other = '555555555555';
    const s = await start({
      accounts: [
        {
          accountId: OUTSIDE,
          email: 'outside@example.net',
          joinedMethod: 'OUTSIDE',
          otherAdministrator: { guardduty: other },
        },
      ],
    });
    await invitedOutside(s);
    const member = guardDutyClient(s, 'us-east-1', await memberCredentials(s, OUTSIDE));
    const memberDetector = await detectorOf(member);

    const { Administrator } = await member.send(
      new GetAdministratorAccountCommand({ DetectorId: memberDetector }),
    );
    const { Invitations } = await member.send(new ListInvitationsCommand({}));
    const accept = await failure(
      member.send(
        new AcceptAdministratorInvitationCommand({
          DetectorId: memberDetector,
          AdministratorId: ADMIN,
          InvitationId: Invitations?.find((i) => i.AccountId === ADMIN)?.InvitationId,
        }),
      ),
    );

    expect(Administrator).toMatchObject({ AccountId: other, RelationshipStatus: 'Enabled' });
    expect(accept).toBeInstanceOf(BadRequestException);
  });

  it('keeps a disassociated member as Removed (re-invitable without CreateMembers) and forgets a deleted one', async () => {
    const s = await start();
    const { guardDuty, DetectorId } = await invitedOutside(s);

    const disassociated = await guardDuty.send(
      new DisassociateMembersCommand({ DetectorId, AccountIds: [OUTSIDE] }),
    );
    const removed = await guardDuty.send(new GetMembersCommand({ DetectorId, AccountIds: [OUTSIDE] }));
    const reinvited = await guardDuty.send(new InviteMembersCommand({ DetectorId, AccountIds: [OUTSIDE] }));
    const deleted = await guardDuty.send(
      new DeleteMembersCommand({ DetectorId, AccountIds: [OUTSIDE, CREATED] }),
    );
    const gone = await guardDuty.send(new GetMembersCommand({ DetectorId, AccountIds: [OUTSIDE] }));

    expect(disassociated.UnprocessedAccounts).toEqual([]);
    expect(removed.Members?.[0]?.RelationshipStatus).toBe('Removed');
    expect(reinvited.UnprocessedAccounts).toEqual([]);
    expect(deleted.UnprocessedAccounts).toEqual([{ AccountId: CREATED, Result: GUARDDUTY_TEXTS.notMember }]);
    expect(gone.Members).toEqual([]);
    expect(gone.UnprocessedAccounts).toEqual([{ AccountId: OUTSIDE, Result: GUARDDUTY_TEXTS.notMember }]);
  });

  it('takes a disassociated organization account back at CreateMembers, which InviteMembers refuses, as AWS documents', async () => {
    const s = await start({
      accounts: [{ accountId: CREATED, email: 'a@example.com', joinedMethod: 'CREATED' }],
    });
    const guardDuty = guardDutyClient(s);
    const DetectorId = await detectorOf(guardDuty);
    const details = [{ AccountId: CREATED, Email: 'a@example.com' }];
    await guardDuty.send(new CreateMembersCommand({ DetectorId, AccountDetails: details }));
    await guardDuty.send(new DisassociateMembersCommand({ DetectorId, AccountIds: [CREATED] }));

    const invited = await guardDuty.send(new InviteMembersCommand({ DetectorId, AccountIds: [CREATED] }));
    const created = await guardDuty.send(new CreateMembersCommand({ DetectorId, AccountDetails: details }));
    const { Members } = await guardDuty.send(new GetMembersCommand({ DetectorId, AccountIds: [CREATED] }));
    const again = await guardDuty.send(new CreateMembersCommand({ DetectorId, AccountDetails: details }));

    expect(invited.UnprocessedAccounts).toEqual([
      { AccountId: CREATED, Result: GUARDDUTY_TEXTS.organizationManaged },
    ]);
    expect(created.UnprocessedAccounts).toEqual([]);
    expect(Members?.[0]?.RelationshipStatus).toBe('Enabled');
    expect(again.UnprocessedAccounts).toEqual([
      { AccountId: CREATED, Result: GUARDDUTY_TEXTS.alreadyMember },
    ]);
    expect(s.inspect().invitations).toEqual([]);
  });

  it('answers DescribeOrganizationConfiguration to the delegated administrator only', async () => {
    const delegated = await start();
    const answer = await guardDutyClient(delegated).send(
      new DescribeOrganizationConfigurationCommand({
        DetectorId: await detectorOf(guardDutyClient(delegated)),
      }),
    );
    await delegated.stop();
    const plain = await start({ delegatedAdministrator: false });
    const guardDuty = guardDutyClient(plain);
    const refused = await failure(
      guardDuty.send(
        new DescribeOrganizationConfigurationCommand({ DetectorId: await detectorOf(guardDuty) }),
      ),
    );

    expect(answer.MemberAccountLimitReached).toBe(false);
    expect(refused).toBeInstanceOf(BadRequestException);
  });

  it('makes Detective report a member whose GuardDuty is off ACCEPTED_BUT_DISABLED (VOLUME_UNKNOWN) until it is on', async () => {
    const s = await start({
      accounts: [{ accountId: CREATED, email: 'a@example.com', joinedMethod: 'CREATED', guardDutyOff: true }],
    });
    const guardDuty = guardDutyClient(s);
    const { detective, graph } = await detectiveMember(s);
    const off = await detective.send(new DetectiveGetMembers({ GraphArn: graph, AccountIds: [CREATED] }));
    await guardDuty.send(
      new CreateMembersCommand({
        DetectorId: await detectorOf(guardDuty),
        AccountDetails: [{ AccountId: CREATED, Email: 'a@example.com' }],
      }),
    );
    const on = await detective.send(new DetectiveGetMembers({ GraphArn: graph, AccountIds: [CREATED] }));

    expect(off.MemberDetails?.[0]).toMatchObject({
      Status: 'ACCEPTED_BUT_DISABLED',
      DisabledReason: 'VOLUME_UNKNOWN',
    });
    expect(on.MemberDetails?.[0]).toMatchObject({ Status: 'ENABLED' });
  });

  it("answers Detective about a member's GuardDuty without making the member a detector", async () => {
    const s = await start();
    const { detective, graph } = await detectiveMember(s);
    const read = await detective.send(new DetectiveGetMembers({ GraphArn: graph, AccountIds: [CREATED] }));

    // GuardDuty is on by default for a scenario member: Detective sees its data, and the member's
    // detector is made only when a GuardDuty call asks for it.
    expect(read.MemberDetails?.[0]).toMatchObject({ Status: 'ENABLED' });
    expect(Object.keys(s.inspect().membership.guardduty['us-east-1']?.detectors ?? {})).toEqual([ADMIN]);
  });
});
