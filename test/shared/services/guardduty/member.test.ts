import {
  AcceptAdministratorInvitationCommand,
  CreateDetectorCommand,
  GetAdministratorAccountCommand,
  GuardDutyClient,
  ListDetectorsCommand,
  ListInvitationsCommand,
} from '@aws-sdk/client-guardduty';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { guardDutyMember } from '../../../../functions/shared/services/guardduty/member.ts';

const guardDuty = mockClient(GuardDutyClient);
const member = guardDutyMember(new GuardDutyClient({ region: 'eu-west-1' }));
const ours = { administratorId: '999999999999', region: 'eu-west-1' };

describe('guardDutyMember', () => {
  beforeEach(() => {
    guardDuty.reset();
    guardDuty.on(ListDetectorsCommand).resolves({ DetectorIds: ['d1'] });
    guardDuty.on(GetAdministratorAccountCommand).resolves({});
    guardDuty.on(ListInvitationsCommand).resolves({ Invitations: [] });
    guardDuty.on(AcceptAdministratorInvitationCommand).resolves({});
  });

  it('accepts with ListDetectors, ListInvitations and AcceptAdministratorInvitation only, asking nobody who the administrator is', async () => {
    guardDuty
      .on(ListInvitationsCommand)
      .resolves({ Invitations: [{ AccountId: '999999999999', InvitationId: 'i1' }] });

    await expect(member.acceptMembership(ours)).resolves.toEqual({ outcome: 'ENABLED' });
    expect(guardDuty.calls().map((call) => (call.args[0] as object).constructor.name)).toEqual([
      'ListDetectorsCommand',
      'ListInvitationsCommand',
      'AcceptAdministratorInvitationCommand',
    ]);
  });

  it('returns ENABLED when a duplicate execution accepted first: the refused accept is explained by GetAdministratorAccount', async () => {
    guardDuty
      .on(ListInvitationsCommand)
      .resolves({ Invitations: [{ AccountId: '999999999999', InvitationId: 'i1' }] });
    guardDuty
      .on(AcceptAdministratorInvitationCommand)
      .rejects(Object.assign(new Error('invitation not found'), { name: 'BadRequestException' }));
    guardDuty
      .on(GetAdministratorAccountCommand)
      .resolves({ Administrator: { AccountId: '999999999999', RelationshipStatus: 'Enabled' } });

    await expect(member.acceptMembership(ours)).resolves.toEqual({ outcome: 'ENABLED' });
  });

  it("returns ENABLED after accepting our administrator's invitation only, never another's", async () => {
    guardDuty.on(ListInvitationsCommand).resolves({
      Invitations: [
        { AccountId: '888888888888', InvitationId: 'theirs', RelationshipStatus: 'Invited' },
        { AccountId: '999999999999', InvitationId: 'old', InvitedAt: '2026-01-01T00:00:00Z' },
        { AccountId: '999999999999', InvitationId: 'new', InvitedAt: '2026-02-01T00:00:00Z' },
      ],
    });

    await expect(member.acceptMembership(ours)).resolves.toEqual({ outcome: 'ENABLED' });
    expect(guardDuty).toHaveReceivedCommandTimes(AcceptAdministratorInvitationCommand, 1);
    expect(guardDuty).toHaveReceivedCommandWith(AcceptAdministratorInvitationCommand, {
      DetectorId: 'd1',
      AdministratorId: '999999999999',
      InvitationId: 'new',
    });
    expect(guardDuty).not.toHaveReceivedCommand(CreateDetectorCommand);
  });

  it('creates a detector where there is none, then accepts, and says so', async () => {
    guardDuty.on(ListDetectorsCommand).resolves({ DetectorIds: [] });
    guardDuty.on(CreateDetectorCommand).resolves({ DetectorId: 'new-detector' });
    guardDuty
      .on(ListInvitationsCommand)
      .resolves({ Invitations: [{ AccountId: '999999999999', InvitationId: 'i1' }] });

    const status = await member.acceptMembership(ours);

    expect(status).toEqual({ outcome: 'ENABLED', reason: expect.stringContaining('created a detector') });
    expect(guardDuty).toHaveReceivedCommandWith(CreateDetectorCommand, { Enable: true });
    expect(guardDuty).toHaveReceivedCommandWith(AcceptAdministratorInvitationCommand, {
      DetectorId: 'new-detector',
    });
  });

  it('returns ENABLED for an organization account its administrator enabled, with no invitation to accept', async () => {
    guardDuty
      .on(GetAdministratorAccountCommand)
      .resolves({ Administrator: { AccountId: '999999999999', RelationshipStatus: 'Enabled' } });

    await expect(member.acceptMembership(ours)).resolves.toEqual({ outcome: 'ENABLED' });
    expect(guardDuty).not.toHaveReceivedCommand(AcceptAdministratorInvitationCommand);
  });

  it('returns CONFLICT for a member of another administrator and accepts nothing', async () => {
    guardDuty
      .on(GetAdministratorAccountCommand)
      .resolves({ Administrator: { AccountId: '888888888888', RelationshipStatus: 'ENABLED' } });

    const status = await member.acceptMembership(ours);

    expect(status).toEqual({ outcome: 'CONFLICT', reason: expect.stringContaining('888888888888') });
    expect(guardDuty).not.toHaveReceivedCommand(AcceptAdministratorInvitationCommand);
  });

  it('returns PENDING_INVITATION when only another administrator invited the account', async () => {
    guardDuty
      .on(ListInvitationsCommand)
      .resolves({ Invitations: [{ AccountId: '888888888888', InvitationId: 'theirs' }] });

    await expect(member.acceptMembership(ours)).resolves.toEqual({
      outcome: 'PENDING_INVITATION',
      reason: 'no invitation from 999999999999 yet',
    });
    expect(guardDuty).not.toHaveReceivedCommand(AcceptAdministratorInvitationCommand);
  });
});
