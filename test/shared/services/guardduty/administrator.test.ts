import {
  CreateMembersCommand,
  GetMembersCommand,
  GuardDutyClient,
  InviteMembersCommand,
  ListDetectorsCommand,
} from '@aws-sdk/client-guardduty';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createMembers } from '../../../../functions/create-members/create-members.ts';
import { invitePair } from '../../../../functions/invite-members/invite-members.ts';
import { outcomeOfStatus } from '../../../../functions/shared/domain/outcomes.ts';
import { accounts, guardDutyAdministrator, silentTelemetry } from '../../../helpers.ts';

const guardDuty = mockClient(GuardDutyClient);
const adapter = () => guardDutyAdministrator(new GuardDutyClient({ region: 'us-east-1' }));
const withEmails = (count: number) =>
  accounts(count).map(({ accountId }) => ({ accountId, email: `root+${accountId}@example.com` }));

describe('GuardDuty through the engine', () => {
  beforeEach(() => {
    guardDuty.reset();
    guardDuty.on(ListDetectorsCommand).resolves({ DetectorIds: ['admin-detector'] });
  });

  it.each([
    ['Created', 'PENDING_INVITATION'],
    ['INVITED', 'PENDING_ACCEPTANCE'],
    ['Enabled', 'ENABLED'],
    ['Disabled', 'ACCEPTED_BUT_DISABLED'],
    ['Removed', 'REMOVED'],
    ['Resigned', 'RESIGNED'],
    ['EmailVerificationInProgress', 'PENDING_VERIFICATION'],
    ['EMAIL_VERIFICATION_FAILED', 'VERIFICATION_FAILED'],
  ])('maps RelationshipStatus %s to %s, ignoring case and separators', (status, outcome) => {
    expect(outcomeOfStatus('guardduty', status).outcome).toBe(outcome);
  });

  it('creates members on the located detector in calls of at most 50, each with its email', async () => {
    guardDuty.on(CreateMembersCommand).resolves({ UnprocessedAccounts: [] });

    const output = await createMembers(
      { region: 'us-east-1', service: 'guardduty', accounts: withEmails(51) },
      { adapter: adapter(), options: { disableEmailNotification: false }, telemetry: silentTelemetry },
    );

    const calls = guardDuty.commandCalls(CreateMembersCommand).map((call) => call.args[0].input);
    expect(calls.map(({ AccountDetails }) => AccountDetails?.length)).toEqual([50, 1]);
    expect(calls[0]?.DetectorId).toBe('admin-detector');
    expect(calls[0]?.AccountDetails?.[0]?.Email).toMatch(/^root\+\d{12}@example\.com$/);
    expect(output.done.CREATED).toHaveLength(51);
    expect(output.home).toBe('admin-detector');
  });

  it('fails an account without an email before any CreateMembers call', async () => {
    const output = await createMembers(
      { region: 'us-east-1', service: 'guardduty', accounts: [{ accountId: '100000000000' }] },
      { adapter: adapter(), options: { disableEmailNotification: false }, telemetry: silentTelemetry },
    );

    expect(output.failed).toEqual([
      expect.objectContaining({ outcome: 'FAILED', reason: expect.stringContaining('root email') }),
    ]);
    expect(guardDuty).not.toHaveReceivedCommand(CreateMembersCommand);
  });

  it('invites Created members with the configured DisableEmailNotification, and reports EmailVerificationFailed once without inviting it', async () => {
    const [created, failed] = withEmails(2);
    guardDuty.on(GetMembersCommand).resolves({
      Members: [
        {
          AccountId: created?.accountId,
          RelationshipStatus: 'Created',
          MasterId: '',
          Email: '',
          UpdatedAt: '',
        },
        {
          AccountId: failed?.accountId,
          RelationshipStatus: 'EmailVerificationFailed',
          MasterId: '',
          Email: '',
          UpdatedAt: '',
        },
      ],
    });
    guardDuty.on(InviteMembersCommand).resolves({ UnprocessedAccounts: [] });

    const output = await invitePair(
      { region: 'us-east-1', service: 'guardduty' },
      withEmails(2).map(({ accountId }) => accountId),
      { adapter: adapter(), options: { disableEmailNotification: true }, telemetry: silentTelemetry },
    );

    expect(guardDuty).toHaveReceivedCommandTimes(InviteMembersCommand, 1);
    expect(guardDuty).toHaveReceivedCommandWith(InviteMembersCommand, {
      DetectorId: 'admin-detector',
      AccountIds: [created?.accountId ?? ''],
      DisableEmailNotification: true,
    });
    // The one invited is not unfinished; the one whose email failed verification is reported once.
    expect(output).toEqual({
      unfinished: [expect.objectContaining({ accountId: failed?.accountId, outcome: 'VERIFICATION_FAILED' })],
      createdAgain: [],
    });
  });

  it('settles every account SERVICE_NOT_ENABLED where the administrator has no detector', async () => {
    guardDuty.on(ListDetectorsCommand).resolves({ DetectorIds: [] });

    const output = await createMembers(
      { region: 'us-east-1', service: 'guardduty', accounts: withEmails(2) },
      { adapter: adapter(), options: { disableEmailNotification: false }, telemetry: silentTelemetry },
    );

    expect(output.failed.map(({ outcome, reason }) => [outcome, reason])).toEqual([
      [
        'SERVICE_NOT_ENABLED',
        'the administrator has no GuardDuty detector in this Region: enable GuardDuty there first',
      ],
      [
        'SERVICE_NOT_ENABLED',
        'the administrator has no GuardDuty detector in this Region: enable GuardDuty there first',
      ],
    ]);
    expect(guardDuty).not.toHaveReceivedCommand(CreateMembersCommand);
  });
});
