import {
  CreateMembersCommand,
  GetMembersCommand,
  InviteMembersCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { inviteMembers } from '../../functions/invite-members/invite-members.ts';
import {
  type InviteOnboardingInput,
  inviteOnboardingInputSchema,
  parseInput,
} from '../../functions/shared/contracts.ts';
import { awsError, securityHubAdministrator, silentTelemetry } from '../helpers.ts';
import { memoryReportStore } from '../report-store.ts';

const securityHub = mockClient(SecurityHubClient);
const regionsCalled: string[] = [];
const store = memoryReportStore();
const deps = {
  adapters: (_service: string, region: string) => securityHubAdministrator(new SecurityHubClient({ region })),
  options: () => ({ disableEmailNotification: false }),
  telemetry: silentTelemetry,
  store,
  uniqueId: () => 'direct-id',
};
const pairs = ['us-east-1', 'eu-west-1'].map((region) => ({
  region,
  service: 'securityhub' as const,
  enabled: true,
}));
const group = (
  accountIds: string[],
  regions = ['us-east-1', 'eu-west-1'],
): InviteOnboardingInput['invitations'][number] => ({
  outcome: 'PENDING_INVITATION',
  pairs: regions.map((region) => ({ region, service: 'securityhub' as const })),
  accountIds,
});

/** Every account Created, except those listed with another status. */
function members(statuses: Record<string, string> = {}) {
  securityHub.on(GetMembersCommand).callsFake(async ({ AccountIds }: { AccountIds: string[] }, getClient) => {
    regionsCalled.push(await getClient().config.region());
    return {
      Members: AccountIds.map((id) => ({ AccountId: id, MemberStatus: statuses[id] ?? 'Created' })),
    };
  });
}

describe('inviteMembers', () => {
  beforeEach(() => {
    securityHub.reset();
    regionsCalled.length = 0;
    store.objects.clear();
  });

  it('invites the groups the check left in the report bucket as well as those it carried', async () => {
    members();
    securityHub.on(InviteMembersCommand).resolves({ UnprocessedAccounts: [] });
    await store.put(
      'executions/m/run/round-0/invitations.json',
      JSON.stringify([group(['444444444444'], ['us-east-1'])]),
      'application/json',
    );
    const input = inviteOnboardingInputSchema.parse({
      pairs,
      invitations: [group(['111111111111'], ['us-east-1'])],
      invitationsKey: 'executions/m/run/round-0/invitations.json',
    });

    expect(await inviteMembers(input, deps)).toEqual({ unfinished: [], createdAgainKey: null });
    expect(securityHub).toHaveReceivedCommandWith(InviteMembersCommand, {
      AccountIds: ['111111111111', '444444444444'],
    });
  });

  it('invites each pair of each group where the member still needs it, read right before, the plan locating the hub', async () => {
    members({ '222222222222': 'Invited' });
    securityHub.on(InviteMembersCommand).resolves({ UnprocessedAccounts: [] });
    const input = inviteOnboardingInputSchema.parse({
      pairs,
      invitations: [group(['111111111111', '222222222222']), group(['333333333333'], ['eu-west-1'])],
    });

    const output = await inviteMembers(input, deps);

    expect(output).toEqual({ unfinished: [], createdAgainKey: null });
    expect(regionsCalled.sort()).toEqual(['eu-west-1', 'us-east-1']);
    const invited = securityHub
      .commandCalls(InviteMembersCommand)
      .map((call) => call.args[0].input.AccountIds);
    // The account found Invited already gets no second invitation.
    expect(invited.sort()).toEqual([['111111111111'], ['111111111111', '333333333333']]);
    expect(securityHub.commandCalls(GetMembersCommand)).toHaveLength(2);
  });

  it('hands on the invitations it could not send: transient ones pending with why, the rest failed with AWS text', async () => {
    members();
    securityHub.on(InviteMembersCommand).resolves({
      UnprocessedAccounts: [
        { AccountId: '111111111111', ProcessingResult: 'Maximum number of results exceeded' },
        { AccountId: '222222222222', ProcessingResult: 'The account is suspended' },
      ],
    });
    const output = await inviteMembers(
      { pairs, invitations: [group(['111111111111', '222222222222', '333333333333'], ['us-east-1'])] },
      deps,
    );
    expect(output.unfinished).toEqual([
      {
        outcome: 'PENDING_INVITATION',
        reason: 'not invited yet: Maximum number of results exceeded',
        pairs: [{ region: 'us-east-1', service: 'securityhub' }],
        accountIds: ['111111111111'],
      },
      {
        outcome: 'FAILED',
        reason: 'The account is suspended',
        pairs: [{ region: 'us-east-1', service: 'securityhub' }],
        accountIds: ['222222222222'],
      },
    ]);
  });

  it('keeps a pair whose reads fail pending with the error, and invites in the other pairs', async () => {
    securityHub
      .on(GetMembersCommand)
      .callsFake(async ({ AccountIds }: { AccountIds: string[] }, getClient) => {
        if ((await getClient().config.region()) === 'eu-west-1')
          throw awsError('InternalException', 500, 'We encountered an internal error');
        return { Members: AccountIds.map((id) => ({ AccountId: id, MemberStatus: 'Removed' })) };
      });
    securityHub.on(InviteMembersCommand).resolves({ UnprocessedAccounts: [] });
    // An account outside the organization: a Removed one is invited again.
    const output = await inviteMembers(
      { pairs, invitations: [group(['111111111111'])], invitedAccountIds: ['111111111111'] },
      deps,
    );
    expect(securityHub).toHaveReceivedCommandExactlyOnceWith(InviteMembersCommand, {
      AccountIds: ['111111111111'],
    });
    expect(output.unfinished).toEqual([
      expect.objectContaining({
        outcome: 'PENDING_INVITATION',
        reason: 'not invited yet: InternalException: We encountered an internal error',
        pairs: [{ region: 'eu-west-1', service: 'securityhub' }],
      }),
    ]);
  });

  it('rejects a mangled account id in the invitations with its value and position', () => {
    expect(() =>
      parseInput(inviteOnboardingInputSchema, { pairs, invitations: [group(['11111111111'])] }, 'input'),
    ).toThrow(/input\.invitations\[0\]\.accountIds\[0\]: .*11111111111/);
  });

  it('creates again what it reads not a member and writes those memberships to the report bucket for the next check', async () => {
    securityHub.on(GetMembersCommand).callsFake(({ AccountIds }: { AccountIds: string[] }) => ({
      Members: AccountIds.filter((id) => id !== '111111111111').map((id) => ({
        AccountId: id,
        MemberStatus: 'Enabled',
      })),
    }));
    securityHub.on(CreateMembersCommand).resolves({ UnprocessedAccounts: [] });
    const input = inviteOnboardingInputSchema.parse({
      pairs,
      invitations: [{ ...group(['111111111111', '222222222222'], ['us-east-1']), outcome: 'NOT_A_MEMBER' }],
      executionId: 'arn:aws:states:us-east-1:999999999999:execution:muster-batch:run-1',
    });

    const output = await inviteMembers(input, deps);

    expect(securityHub).toHaveReceivedCommandExactlyOnceWith(CreateMembersCommand, {
      AccountDetails: [{ AccountId: '111111111111' }],
    });
    expect(securityHub).not.toHaveReceivedCommand(InviteMembersCommand);
    expect(output).toEqual({
      unfinished: [],
      createdAgainKey: 'executions/muster-batch/run-1/created-again/direct-id.json',
    });
    expect(JSON.parse(store.objects.get(output.createdAgainKey ?? '') ?? '[]')).toEqual([
      {
        outcome: 'NOT_A_MEMBER',
        reason:
          'not a member of the administrator after it was created again once in this run (CreateMembers took it) and read again; the next run tries again',
        pairs: [{ region: 'us-east-1', service: 'securityhub' }],
        accountIds: ['111111111111'],
      },
    ]);
  });
});
