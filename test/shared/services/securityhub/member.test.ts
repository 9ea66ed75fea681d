import {
  AcceptAdministratorInvitationCommand,
  DescribeHubCommand,
  DisassociateFromAdministratorAccountCommand,
  EnableSecurityHubCommand,
  GetAdministratorAccountCommand,
  ListInvitationsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { securityHubMember } from '../../../../functions/shared/services/securityhub/member.ts';
import { awsError } from '../../../helpers.ts';

const securityHub = mockClient(SecurityHubClient);
const client = new SecurityHubClient({ region: 'eu-west-1' });
const ours = { administratorId: '999999999999', region: 'eu-west-1' };
const member = (allowTakeOver = false, enableDefaultStandards = true) =>
  securityHubMember(client, { allowTakeOver, enableDefaultStandards });

const commandNames = () => securityHub.calls().map((call) => (call.args[0] as object).constructor.name);

describe('securityHubMember', () => {
  beforeEach(() => {
    securityHub.reset();
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub.on(GetAdministratorAccountCommand).resolves({});
    securityHub.on(AcceptAdministratorInvitationCommand).resolves({});
  });

  it("returns ENABLED after accepting our invitation and ignores another administrator's", async () => {
    securityHub.on(ListInvitationsCommand).resolves({
      Invitations: [
        { AccountId: '888888888888', InvitationId: 'theirs-1', MemberStatus: 'Invited' },
        { AccountId: '999999999999', InvitationId: 'ours', MemberStatus: 'Invited' },
        { AccountId: '777777777777', InvitationId: 'theirs-2', MemberStatus: 'Invited' },
      ],
    });

    await expect(member().acceptMembership(ours)).resolves.toEqual({ outcome: 'ENABLED' });
    expect(securityHub).toHaveReceivedCommandTimes(AcceptAdministratorInvitationCommand, 1);
    expect(securityHub).toHaveReceivedCommandWith(AcceptAdministratorInvitationCommand, {
      AdministratorId: '999999999999',
      InvitationId: 'ours',
    });
  });

  it('returns SERVICE_NOT_ENABLED without calling EnableSecurityHub when the hub is off and central configuration decides', async () => {
    securityHub.on(DescribeHubCommand).rejects(awsError('InvalidAccessException', 401, 'not subscribed'));

    const status = await member().acceptMembership({ ...ours, centrallyConfigured: true });

    expect(status.outcome).toBe('SERVICE_NOT_ENABLED');
    expect(status.reason).toContain(
      'configuration policies decide whether Security Hub runs in organization accounts',
    );
    expect(commandNames()).toEqual(['DescribeHubCommand']);
  });

  it('accepts as usual under central configuration when the hub is already on', async () => {
    securityHub
      .on(ListInvitationsCommand)
      .resolves({ Invitations: [{ AccountId: '999999999999', InvitationId: 'ours' }] });

    await expect(member().acceptMembership({ ...ours, centrallyConfigured: true })).resolves.toEqual({
      outcome: 'ENABLED',
    });
    expect(securityHub).not.toHaveReceivedCommand(EnableSecurityHubCommand);
  });

  it('returns ENABLED after reading every page when our invitation is on the last one', async () => {
    securityHub
      .on(ListInvitationsCommand)
      .resolvesOnce({ Invitations: [{ AccountId: '888888888888', InvitationId: 'a' }], NextToken: 'page-2' })
      .resolvesOnce({ Invitations: [], NextToken: 'page-3' })
      .resolvesOnce({ Invitations: [{ AccountId: '999999999999', InvitationId: 'ours' }] });

    await expect(member().acceptMembership(ours)).resolves.toEqual({ outcome: 'ENABLED' });
    expect(securityHub).toHaveReceivedCommandTimes(ListInvitationsCommand, 3);
    expect(securityHub).toHaveReceivedNthCommandWith(ListInvitationsCommand, 2, { NextToken: 'page-2' });
    expect(securityHub).toHaveReceivedNthCommandWith(ListInvitationsCommand, 3, { NextToken: 'page-3' });
    expect(securityHub).toHaveReceivedCommandWith(AcceptAdministratorInvitationCommand, {
      InvitationId: 'ours',
    });
  });

  it('returns ENABLED with the newest of several invitations from our administrator', async () => {
    securityHub.on(ListInvitationsCommand).resolves({
      Invitations: [
        { AccountId: '999999999999', InvitationId: 'old', InvitedAt: new Date('2026-01-01T00:00:00Z') },
        { AccountId: '999999999999', InvitationId: 'new', InvitedAt: new Date('2026-03-01T00:00:00Z') },
        { AccountId: '999999999999', InvitationId: 'middle', InvitedAt: new Date('2026-02-01T00:00:00Z') },
      ],
    });

    await member().acceptMembership(ours);
    expect(securityHub).toHaveReceivedCommandWith(AcceptAdministratorInvitationCommand, {
      InvitationId: 'new',
    });
  });

  it('returns PENDING_INVITATION when only other administrators have invited the member', async () => {
    securityHub.on(ListInvitationsCommand).resolves({
      Invitations: [{ AccountId: '888888888888', InvitationId: 'theirs' }],
    });

    await expect(member().acceptMembership(ours)).resolves.toEqual({
      outcome: 'PENDING_INVITATION',
      reason: 'no invitation from 999999999999 yet',
    });
    expect(securityHub).not.toHaveReceivedCommand(AcceptAdministratorInvitationCommand);
  });

  it('returns ENABLED after enabling Security Hub with the configured default standards when it was off', async () => {
    securityHub.on(DescribeHubCommand).rejects(awsError('InvalidAccessException', 401, 'not subscribed'));
    securityHub.on(EnableSecurityHubCommand).resolves({});
    securityHub
      .on(ListInvitationsCommand)
      .resolves({ Invitations: [{ AccountId: '999999999999', InvitationId: 'ours' }] });

    await expect(member(false, false).acceptMembership(ours)).resolves.toEqual({
      outcome: 'ENABLED',
      reason: 'muster enabled Security Hub in this Region',
    });
    expect(securityHub).toHaveReceivedCommandWith(EnableSecurityHubCommand, {
      EnableDefaultStandards: false,
    });
    expect(commandNames().indexOf('EnableSecurityHubCommand')).toBeLessThan(
      commandNames().indexOf('AcceptAdministratorInvitationCommand'),
    );
  });

  it('returns ENABLED when EnableSecurityHub answers ResourceConflictException (enabled meanwhile)', async () => {
    securityHub.on(DescribeHubCommand).rejects(awsError('InvalidAccessException', 401));
    securityHub
      .on(EnableSecurityHubCommand)
      .rejects(awsError('ResourceConflictException', 409, 'already subscribed'));
    securityHub
      .on(ListInvitationsCommand)
      .resolves({ Invitations: [{ AccountId: '999999999999', InvitationId: 'ours' }] });

    await expect(member().acceptMembership(ours)).resolves.toEqual({ outcome: 'ENABLED' });
  });

  it('returns ENABLED without listing invitations when our administrator already has the member', async () => {
    securityHub
      .on(GetAdministratorAccountCommand)
      .resolves({ Administrator: { AccountId: '999999999999', MemberStatus: 'ASSOCIATED' } });

    await expect(member().acceptMembership(ours)).resolves.toEqual({ outcome: 'ENABLED' });
    expect(securityHub).not.toHaveReceivedCommand(ListInvitationsCommand);
  });

  it('returns CONFLICT naming the other administrator, and changes nothing, when take-over is off', async () => {
    securityHub
      .on(GetAdministratorAccountCommand)
      .resolves({ Administrator: { AccountId: '888888888888', MemberStatus: 'Enabled' } });

    const status = await member().acceptMembership(ours);

    expect(status.outcome).toBe('CONFLICT');
    expect(status.reason).toContain('888888888888');
    expect(securityHub).not.toHaveReceivedCommand(DisassociateFromAdministratorAccountCommand);
    expect(securityHub).not.toHaveReceivedCommand(AcceptAdministratorInvitationCommand);
  });

  it('returns ENABLED saying it took over when take-over is on: disassociates first, then accepts', async () => {
    securityHub
      .on(GetAdministratorAccountCommand)
      .resolves({ Administrator: { AccountId: '888888888888', MemberStatus: 'Enabled' } });
    securityHub
      .on(ListInvitationsCommand)
      .resolves({ Invitations: [{ AccountId: '999999999999', InvitationId: 'ours' }] });
    securityHub.on(DisassociateFromAdministratorAccountCommand).resolves({});

    const status = await member(true).acceptMembership(ours);

    expect(status.outcome).toBe('ENABLED');
    expect(status.reason).toContain('took over: disassociated from administrator 888888888888');
    expect(commandNames().slice(-2)).toEqual([
      'DisassociateFromAdministratorAccountCommand',
      'AcceptAdministratorInvitationCommand',
    ]);
  });

  it('returns PENDING_INVITATION and stays with the other administrator when take-over is on but ours has not invited yet', async () => {
    securityHub
      .on(GetAdministratorAccountCommand)
      .resolves({ Administrator: { AccountId: '888888888888', MemberStatus: 'Enabled' } });
    securityHub.on(ListInvitationsCommand).resolves({ Invitations: [] });

    const status = await member(true).acceptMembership(ours);

    expect(status.outcome).toBe('PENDING_INVITATION');
    expect(status.reason).toContain('still a member of 888888888888');
    expect(securityHub).not.toHaveReceivedCommand(DisassociateFromAdministratorAccountCommand);
  });

  it('returns ENABLED without a conflict when the member already left the other administrator', async () => {
    securityHub
      .on(GetAdministratorAccountCommand)
      .resolves({ Administrator: { AccountId: '888888888888', MemberStatus: 'Resigned' } });
    securityHub
      .on(ListInvitationsCommand)
      .resolves({ Invitations: [{ AccountId: '999999999999', InvitationId: 'ours' }] });

    await expect(member().acceptMembership(ours)).resolves.toEqual({ outcome: 'ENABLED' });
    expect(securityHub).not.toHaveReceivedCommand(DisassociateFromAdministratorAccountCommand);
  });

  it('throws the SDK error for anything it does not expect, for the caller to classify', async () => {
    securityHub.on(DescribeHubCommand).rejects(awsError('UnrecognizedClientException', 403));

    await expect(member().acceptMembership(ours)).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
    expect(securityHub).not.toHaveReceivedCommand(EnableSecurityHubCommand);
  });
});
