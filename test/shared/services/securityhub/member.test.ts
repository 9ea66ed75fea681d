import {
  AcceptAdministratorInvitationCommand,
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
    // The hub is on unless a test says otherwise: EnableSecurityHub answers that it is.
    securityHub
      .on(EnableSecurityHubCommand)
      .rejects(awsError('ResourceConflictException', 409, 'Account is already subscribed to Security Hub'));
    securityHub.on(GetAdministratorAccountCommand).resolves({});
    securityHub.on(AcceptAdministratorInvitationCommand).resolves({});
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

  it('returns CONFLICT naming the other administrator, and changes nothing, when take-over is off', async () => {
    securityHub
      .on(GetAdministratorAccountCommand)
      .resolves({ Administrator: { AccountId: '888888888888', MemberStatus: 'Enabled' } });
    securityHub.on(ListInvitationsCommand).resolves({
      Invitations: [
        { AccountId: '888888888888', InvitationId: 'theirs' },
        { AccountId: '999999999999', InvitationId: 'ours' },
      ],
    });

    const status = await member().acceptMembership(ours);

    expect(status.outcome).toBe('CONFLICT');
    expect(status.reason).toContain('888888888888');
    expect(securityHub).not.toHaveReceivedCommand(DisassociateFromAdministratorAccountCommand);
    expect(securityHub).not.toHaveReceivedCommand(AcceptAdministratorInvitationCommand);
  });

  it('returns ENABLED saying it took over when take-over is on: disassociates after the refused accept, then accepts', async () => {
    securityHub
      .on(GetAdministratorAccountCommand)
      .resolves({ Administrator: { AccountId: '888888888888', MemberStatus: 'Enabled' } });
    securityHub
      .on(ListInvitationsCommand)
      .resolves({ Invitations: [{ AccountId: '999999999999', InvitationId: 'ours' }] });
    securityHub
      .on(AcceptAdministratorInvitationCommand)
      .rejectsOnce(awsError('InvalidInputException', 400, 'already associated'))
      .resolves({});
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

  it('returns ENABLED after exactly EnableSecurityHub, ListInvitations and AcceptAdministratorInvitation on a fresh member', async () => {
    securityHub.on(EnableSecurityHubCommand).resolves({});
    securityHub.on(ListInvitationsCommand).resolves({
      Invitations: [{ AccountId: '999999999999', InvitationId: 'ours', MemberStatus: 'Invited' }],
    });

    await expect(member(false, false).acceptMembership(ours)).resolves.toEqual({
      outcome: 'ENABLED',
      reason: 'muster enabled Security Hub in this Region',
    });
    expect(commandNames()).toEqual([
      'EnableSecurityHubCommand',
      'ListInvitationsCommand',
      'AcceptAdministratorInvitationCommand',
    ]);
    expect(securityHub).toHaveReceivedCommandWith(EnableSecurityHubCommand, {
      EnableDefaultStandards: false,
    });
    expect(securityHub).toHaveReceivedCommandWith(AcceptAdministratorInvitationCommand, {
      AdministratorId: '999999999999',
      InvitationId: 'ours',
    });
  });

  it('returns ENABLED with no DescribeHub and no GetAdministratorAccount when the hub was on already', async () => {
    securityHub
      .on(ListInvitationsCommand)
      .resolves({ Invitations: [{ AccountId: '999999999999', InvitationId: 'ours' }] });

    await expect(member().acceptMembership(ours)).resolves.toEqual({ outcome: 'ENABLED' });
    expect(commandNames()).toEqual([
      'EnableSecurityHubCommand',
      'ListInvitationsCommand',
      'AcceptAdministratorInvitationCommand',
    ]);
  });

  it("asks who the administrator is before accepting when another administrator's invitation is listed too, then accepts only ours", async () => {
    securityHub.on(ListInvitationsCommand).resolves({
      Invitations: [
        { AccountId: '888888888888', InvitationId: 'theirs-1', MemberStatus: 'Invited' },
        { AccountId: '999999999999', InvitationId: 'ours', MemberStatus: 'Invited' },
        { AccountId: '777777777777', InvitationId: 'theirs-2', MemberStatus: 'Invited' },
      ],
    });

    await expect(member().acceptMembership(ours)).resolves.toEqual({ outcome: 'ENABLED' });
    expect(commandNames().slice(-2)).toEqual([
      'GetAdministratorAccountCommand',
      'AcceptAdministratorInvitationCommand',
    ]);
    expect(securityHub).toHaveReceivedCommandTimes(AcceptAdministratorInvitationCommand, 1);
    expect(securityHub).toHaveReceivedCommandWith(AcceptAdministratorInvitationCommand, {
      AdministratorId: '999999999999',
      InvitationId: 'ours',
    });
  });

  it('returns SERVICE_NOT_ENABLED without calling EnableSecurityHub when the hub is off and central configuration decides', async () => {
    securityHub
      .on(ListInvitationsCommand)
      .rejects(
        awsError('InvalidAccessException', 401, 'Account 123456789012 is not subscribed to AWS Security Hub'),
      );

    const status = await member().acceptMembership({ ...ours, centrallyConfigured: true });

    expect(status.outcome).toBe('SERVICE_NOT_ENABLED');
    expect(status.reason).toContain(
      'configuration policies decide whether Security Hub runs in organization accounts',
    );
    expect(commandNames()).toEqual(['ListInvitationsCommand']);
  });

  it('returns PENDING_INVITATION when only other administrators have invited the member and none holds it', async () => {
    securityHub.on(ListInvitationsCommand).resolves({
      Invitations: [{ AccountId: '888888888888', InvitationId: 'theirs' }],
    });

    await expect(member().acceptMembership(ours)).resolves.toEqual({
      outcome: 'PENDING_INVITATION',
      reason: 'no invitation from 999999999999 yet',
    });
    expect(securityHub).not.toHaveReceivedCommand(AcceptAdministratorInvitationCommand);
  });

  it('returns ENABLED on a re-run after a crash that had accepted: no invitation left, GetAdministratorAccount names ours', async () => {
    securityHub.on(ListInvitationsCommand).resolves({ Invitations: [] });
    securityHub
      .on(GetAdministratorAccountCommand)
      .resolves({ Administrator: { AccountId: '999999999999', MemberStatus: 'ASSOCIATED' } });

    await expect(member().acceptMembership(ours)).resolves.toEqual({ outcome: 'ENABLED' });
    expect(securityHub).not.toHaveReceivedCommand(AcceptAdministratorInvitationCommand);
  });

  it('returns ENABLED when a duplicate execution accepted first: the accept is not found, GetAdministratorAccount names ours', async () => {
    securityHub
      .on(ListInvitationsCommand)
      .resolves({ Invitations: [{ AccountId: '999999999999', InvitationId: 'ours' }] });
    securityHub
      .on(AcceptAdministratorInvitationCommand)
      .rejects(awsError('ResourceNotFoundException', 404, 'Invitation ours was not found.'));
    securityHub
      .on(GetAdministratorAccountCommand)
      .resolves({ Administrator: { AccountId: '999999999999', MemberStatus: 'Enabled' } });

    await expect(member().acceptMembership(ours)).resolves.toEqual({ outcome: 'ENABLED' });
  });

  it("returns PENDING_INVITATION with AWS's text when the invitation vanished and no administrator holds the member", async () => {
    securityHub
      .on(ListInvitationsCommand)
      .resolves({ Invitations: [{ AccountId: '999999999999', InvitationId: 'ours' }] });
    securityHub
      .on(AcceptAdministratorInvitationCommand)
      .rejects(awsError('ResourceNotFoundException', 404, 'Invitation ours was not found.'));

    await expect(member().acceptMembership(ours)).resolves.toEqual({
      outcome: 'PENDING_INVITATION',
      reason: 'invitation no longer found: ResourceNotFoundException: Invitation ours was not found.',
    });
  });

  it('returns CONFLICT when AWS refuses the accept because another administrator holds the member', async () => {
    securityHub
      .on(ListInvitationsCommand)
      .resolves({ Invitations: [{ AccountId: '999999999999', InvitationId: 'ours' }] });
    securityHub
      .on(AcceptAdministratorInvitationCommand)
      .rejects(awsError('InvalidInputException', 400, 'already associated'));
    securityHub
      .on(GetAdministratorAccountCommand)
      .resolves({ Administrator: { AccountId: '888888888888', MemberStatus: 'Enabled' } });

    const status = await member().acceptMembership(ours);

    expect(status).toEqual({ outcome: 'CONFLICT', reason: expect.stringContaining('888888888888') });
    expect(securityHub).toHaveReceivedCommandTimes(AcceptAdministratorInvitationCommand, 1);
  });

  it("throws AWS's refusal when GetAdministratorAccount cannot explain it (an administrator account cannot accept)", async () => {
    securityHub
      .on(ListInvitationsCommand)
      .resolves({ Invitations: [{ AccountId: '999999999999', InvitationId: 'ours' }] });
    securityHub
      .on(AcceptAdministratorInvitationCommand)
      .rejects(
        awsError('InvalidInputException', 400, 'an administrator account cannot accept an invitation'),
      );

    await expect(member().acceptMembership(ours)).rejects.toMatchObject({ name: 'InvalidInputException' });
  });

  it('throws the SDK error for anything it does not expect, for the caller to classify', async () => {
    securityHub.on(EnableSecurityHubCommand).rejects(awsError('UnrecognizedClientException', 403));

    await expect(member().acceptMembership(ours)).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
    expect(securityHub).not.toHaveReceivedCommand(ListInvitationsCommand);
  });
});
