import {
  AcceptInvitationCommand,
  ConflictException,
  CreateGraphCommand,
  CreateMembersCommand,
  DeleteMembersCommand,
  DisassociateMembershipCommand,
  GetMembersCommand,
  ListGraphsCommand,
  ListInvitationsCommand,
  ListMembersCommand,
  ResourceNotFoundException,
  ValidationException,
} from '@aws-sdk/client-detective';
import { afterEach, describe, expect, it } from 'vitest';
import { DETECTIVE_TEXTS, type StandIn, startStandIn } from '../../local/standin/index.ts';
import { ADMIN, clientsFor, failure, memberClients, sleep, smallScenario } from './helpers.ts';

const OUTSIDE = '444444444444';
let standIn: StandIn | undefined;

afterEach(async () => {
  await standIn?.stop();
  standIn = undefined;
});

async function start(overrides: Parameters<typeof smallScenario>[0] = {}, timeScale = 1): Promise<StandIn> {
  standIn = await startStandIn({ scenario: smallScenario(overrides), timeScale });
  return standIn;
}

async function graphOf(s: StandIn, region = 'us-east-1'): Promise<string> {
  const { GraphList } = await clientsFor(s, region).detective.send(new ListGraphsCommand({}));
  const arn = GraphList?.[0]?.Arn;
  if (arn === undefined) throw new Error('no graph');
  return arn;
}

describe('stand-in Detective', () => {
  it('lists no graph where the administrator has not enabled Detective, and one after CreateGraph', async () => {
    const s = await start({
      services: { securityhub: { enabledRegions: 'all' }, detective: { enabledRegions: ['us-east-1'] } },
    });
    const detective = clientsFor(s, 'eu-west-1').detective;

    const before = await detective.send(new ListGraphsCommand({}));
    const { GraphArn } = await detective.send(new CreateGraphCommand({}));
    const after = await detective.send(new ListGraphsCommand({}));
    const again = await failure(detective.send(new CreateGraphCommand({})));

    expect(before.GraphList).toEqual([]);
    expect(GraphArn).toMatch(new RegExp(`^arn:aws:detective:eu-west-1:${ADMIN}:graph:[0-9a-f]{32}$`));
    expect(after.GraphList).toEqual([{ Arn: GraphArn, CreatedTime: expect.any(Date) }]);
    expect(again).toBeInstanceOf(ConflictException);
  });

  it('returns ResourceNotFoundException when CreateMembers names a graph that does not exist', async () => {
    const s = await start();
    const wrong = `arn:aws:detective:us-east-1:${ADMIN}:graph:${'0'.repeat(32)}`;

    const error = await failure(
      clientsFor(s).detective.send(
        new CreateMembersCommand({
          GraphArn: wrong,
          Accounts: [{ AccountId: '000000000002', EmailAddress: 'a@example.com' }],
        }),
      ),
    );

    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.$metadata?.httpStatusCode).toBe(404);
  });

  it('returns ValidationException when CreateMembers carries more than 50 accounts', async () => {
    const s = await start({ accounts: [], generate: { count: 51 } });
    const accounts = s.scenario.accounts.map((a) => ({ AccountId: a.accountId, EmailAddress: a.email }));

    const error = await failure(
      clientsFor(s).detective.send(
        new CreateMembersCommand({ GraphArn: await graphOf(s), Accounts: accounts }),
      ),
    );

    expect(error).toBeInstanceOf(ValidationException);
    expect(s.inspect().largestAccountList['detective:CreateMembers']).toBe(51);
    expect(s.inspect().membership.detective['us-east-1']?.graphs).toMatchObject({
      [await graphOf(s)]: { members: {} },
    });
  });

  it('enables organization accounts at once, without invitations', async () => {
    const s = await start();
    const GraphArn = await graphOf(s);

    const out = await clientsFor(s).detective.send(
      new CreateMembersCommand({
        GraphArn,
        Accounts: [{ AccountId: '000000000002', EmailAddress: 'a@example.com' }],
      }),
    );

    expect(out.Members).toEqual([
      expect.objectContaining({
        AccountId: '000000000002',
        Status: 'ENABLED',
        InvitationType: 'ORGANIZATION',
        AdministratorId: ADMIN,
      }),
    ]);
    expect(out.UnprocessedAccounts).toEqual([]);
    expect(s.inspect().invitations).toEqual([]);
  });

  it('verifies an invited account for the scenario delay, then invites it, and enables it when it accepts', async () => {
    // 0.1 s of real time per scenario second: a 4 s verification delay lasts 0.4 s.
    const s = await start({ faults: { verificationDelaySeconds: 4 } }, 0.1);
    const GraphArn = await graphOf(s);
    const admin = clientsFor(s).detective;

    const created = await admin.send(
      new CreateMembersCommand({
        GraphArn,
        Accounts: [{ AccountId: OUTSIDE, EmailAddress: 'OUTSIDE@example.net' }],
      }),
    );
    const member = (await memberClients(s, OUTSIDE)).detective;
    const early = await member.send(new ListInvitationsCommand({}));
    await sleep(450);
    const later = await admin.send(new GetMembersCommand({ GraphArn, AccountIds: [OUTSIDE] }));
    const { Invitations } = await member.send(new ListInvitationsCommand({}));
    await member.send(new AcceptInvitationCommand({ GraphArn }));
    const enabled = await admin.send(new GetMembersCommand({ GraphArn, AccountIds: [OUTSIDE] }));

    expect(created.Members?.[0]?.Status).toBe('VERIFICATION_IN_PROGRESS');
    expect(early.Invitations).toEqual([]);
    expect(later.MemberDetails?.[0]).toMatchObject({
      Status: 'INVITED',
      InvitationType: 'INVITATION',
      InvitedTime: expect.any(Date),
    });
    expect(Invitations?.map((i) => i.GraphArn)).toEqual([GraphArn]);
    expect(enabled.MemberDetails?.[0]?.Status).toBe('ENABLED');
    expect(s.inspect().invitations).toEqual([
      expect.objectContaining({
        service: 'detective',
        operation: 'CreateMembers',
        accountId: OUTSIDE,
        administratorId: ADMIN,
      }),
    ]);
  });

  it('fails verification for that account only when the email is not its root email', async () => {
    const s = await start({
      accounts: [
        { accountId: '000000000002', email: 'a@example.com', joinedMethod: 'CREATED' },
        { accountId: OUTSIDE, email: 'outside@example.net', joinedMethod: 'OUTSIDE' },
        {
          accountId: '555555555555',
          email: 'listed@example.net',
          joinedMethod: 'OUTSIDE',
          detectiveEmail: 'root@example.net',
        },
      ],
    });
    const GraphArn = await graphOf(s);

    const out = await clientsFor(s).detective.send(
      new CreateMembersCommand({
        GraphArn,
        Accounts: [
          { AccountId: OUTSIDE, EmailAddress: 'someone-else@example.net' },
          { AccountId: '555555555555', EmailAddress: 'listed@example.net' },
          { AccountId: '000000000002', EmailAddress: 'a@example.com' },
        ],
      }),
    );

    expect(out.Members?.map((m) => [m.AccountId, m.Status])).toEqual([
      [OUTSIDE, 'VERIFICATION_FAILED'],
      ['555555555555', 'VERIFICATION_FAILED'],
      ['000000000002', 'ENABLED'],
    ]);
    // No invitation is sent when verification fails (docs/aws-facts.md, Amazon Detective).
    expect(s.inspect().invitations).toEqual([]);
  });

  it('returns already-members unprocessed and ConflictException when a member accepts twice', async () => {
    const s = await start();
    const GraphArn = await graphOf(s);
    const admin = clientsFor(s).detective;
    const accounts = [{ AccountId: OUTSIDE, EmailAddress: 'outside@example.net' }];
    await admin.send(new CreateMembersCommand({ GraphArn, Accounts: accounts }));

    const again = await admin.send(new CreateMembersCommand({ GraphArn, Accounts: accounts }));
    const member = (await memberClients(s, OUTSIDE)).detective;
    await member.send(new AcceptInvitationCommand({ GraphArn }));
    const twice = await failure(member.send(new AcceptInvitationCommand({ GraphArn })));

    expect(again.UnprocessedAccounts).toEqual([
      { AccountId: OUTSIDE, Reason: DETECTIVE_TEXTS.alreadyMember },
    ]);
    expect(twice).toBeInstanceOf(ConflictException);
    expect(twice.$metadata?.httpStatusCode).toBe(409);
  });

  it('removes members on DeleteMembers and on DisassociateMembership', async () => {
    const s = await start();
    const GraphArn = await graphOf(s);
    const admin = clientsFor(s).detective;
    await admin.send(
      new CreateMembersCommand({
        GraphArn,
        Accounts: [
          { AccountId: OUTSIDE, EmailAddress: 'outside@example.net' },
          { AccountId: '000000000002', EmailAddress: 'a@example.com' },
        ],
      }),
    );
    const member = (await memberClients(s, OUTSIDE)).detective;
    await member.send(new AcceptInvitationCommand({ GraphArn }));

    await member.send(new DisassociateMembershipCommand({ GraphArn }));
    const deleted = await admin.send(
      new DeleteMembersCommand({ GraphArn, AccountIds: ['000000000002', OUTSIDE] }),
    );
    const left = await admin.send(new ListMembersCommand({ GraphArn }));

    expect(deleted.AccountIds).toEqual(['000000000002']);
    expect(deleted.UnprocessedAccounts).toEqual([{ AccountId: OUTSIDE, Reason: DETECTIVE_TEXTS.notMember }]);
    expect(left.MemberDetails).toEqual([]);
  });

  it('keeps the other administrator of a member: organization accounts unprocessed, invited ones see both graphs', async () => {
    const s = await start({
      accounts: [
        {
          accountId: '555555555555',
          email: 'o@example.com',
          joinedMethod: 'CREATED',
          otherAdministrator: { detective: '999999999999' },
        },
        {
          accountId: '555555555556',
          email: 'i@example.net',
          joinedMethod: 'OUTSIDE',
          otherAdministrator: { detective: '999999999999' },
        },
      ],
    });
    const GraphArn = await graphOf(s);

    const out = await clientsFor(s).detective.send(
      new CreateMembersCommand({
        GraphArn,
        Accounts: [
          { AccountId: '555555555555', EmailAddress: 'o@example.com' },
          { AccountId: '555555555556', EmailAddress: 'i@example.net' },
        ],
      }),
    );
    const { Invitations } = await (await memberClients(s, '555555555556')).detective.send(
      new ListInvitationsCommand({}),
    );

    expect(out.UnprocessedAccounts).toEqual([
      { AccountId: '555555555555', Reason: DETECTIVE_TEXTS.otherAdministrator },
    ]);
    expect(Invitations?.map((i) => [i.AdministratorId, i.Status])).toEqual([
      ['999999999999', 'ENABLED'],
      [ADMIN, 'INVITED'],
    ]);
  });

  it('returns ValidationException when GetMembers carries more than 50 ids or a malformed graph ARN', async () => {
    const s = await start({ accounts: [], generate: { count: 51 } });
    const detective = clientsFor(s).detective;
    const ids = s.scenario.accounts.map((a) => a.accountId);

    const tooMany = await failure(
      detective.send(new GetMembersCommand({ GraphArn: await graphOf(s), AccountIds: ids })),
    );
    const badArn = await failure(
      detective.send(
        new GetMembersCommand({ GraphArn: 'arn:aws:detective:nope', AccountIds: [ids[0] ?? ''] }),
      ),
    );

    expect(tooMany).toBeInstanceOf(ValidationException);
    expect(badArn).toBeInstanceOf(ValidationException);
  });
});
