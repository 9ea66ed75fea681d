import { AcceptInvitationCommand, DetectiveClient, ListInvitationsCommand } from '@aws-sdk/client-detective';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { detectiveMember } from '../../../../functions/shared/services/detective/member.ts';
import { awsError } from '../../../helpers.ts';

const detective = mockClient(DetectiveClient);
const member = detectiveMember(new DetectiveClient({ region: 'eu-west-1' }));
const GRAPH = 'arn:aws:detective:eu-west-1:999999999999:graph:0123456789abcdef0123456789abcdef';
const OTHER_GRAPH = 'arn:aws:detective:eu-west-1:888888888888:graph:fedcba9876543210fedcba9876543210';
const ours = { administratorId: '999999999999', region: 'eu-west-1', home: GRAPH };

describe('detectiveMember', () => {
  beforeEach(() => {
    detective.reset();
    detective.on(AcceptInvitationCommand).resolves({});
  });

  it("returns ENABLED after accepting the invitation to our graph, ignoring another graph's", async () => {
    detective.on(ListInvitationsCommand).resolves({
      Invitations: [
        { GraphArn: OTHER_GRAPH, Status: 'INVITED' },
        { GraphArn: GRAPH, Status: 'INVITED' },
      ],
    });

    await expect(member.acceptMembership(ours)).resolves.toEqual({ outcome: 'ENABLED' });
    expect(detective).toHaveReceivedCommandTimes(AcceptInvitationCommand, 1);
    expect(detective).toHaveReceivedCommandWith(AcceptInvitationCommand, { GraphArn: GRAPH });
    expect(detective).toHaveReceivedCommandWith(ListInvitationsCommand, { MaxResults: 200 });
  });

  it('returns ENABLED after reading every page when our invitation is on a later one', async () => {
    detective
      .on(ListInvitationsCommand)
      .resolvesOnce({ Invitations: [{ GraphArn: OTHER_GRAPH, Status: 'INVITED' }], NextToken: 'next' })
      .resolvesOnce({ Invitations: [{ GraphArn: GRAPH, Status: 'INVITED' }] });

    await expect(member.acceptMembership(ours)).resolves.toEqual({ outcome: 'ENABLED' });
    expect(detective).toHaveReceivedNthCommandWith(ListInvitationsCommand, 2, { NextToken: 'next' });
  });

  it('returns ENABLED without accepting again when the membership is already enabled', async () => {
    detective.on(ListInvitationsCommand).resolves({ Invitations: [{ GraphArn: GRAPH, Status: 'ENABLED' }] });

    await expect(member.acceptMembership(ours)).resolves.toEqual({ outcome: 'ENABLED' });
    expect(detective).not.toHaveReceivedCommand(AcceptInvitationCommand);
  });

  it('returns PENDING_INVITATION when no invitation to our graph exists yet', async () => {
    detective
      .on(ListInvitationsCommand)
      .resolves({ Invitations: [{ GraphArn: OTHER_GRAPH, Status: 'INVITED' }] });

    await expect(member.acceptMembership(ours)).resolves.toEqual({
      outcome: 'PENDING_INVITATION',
      reason: `no invitation to ${GRAPH} yet`,
    });
    expect(detective).not.toHaveReceivedCommand(AcceptInvitationCommand);
  });

  it.each([
    ['VERIFICATION_IN_PROGRESS', 'PENDING_VERIFICATION'],
    ['VERIFICATION_FAILED', 'VERIFICATION_FAILED'],
    ['ACCEPTED_BUT_DISABLED', 'ACCEPTED_BUT_DISABLED'],
  ] as const)('returns %s as %s without accepting', async (Status, outcome) => {
    detective.on(ListInvitationsCommand).resolves({ Invitations: [{ GraphArn: GRAPH, Status }] });

    await expect(member.acceptMembership(ours)).resolves.toMatchObject({ outcome });
    expect(detective).not.toHaveReceivedCommand(AcceptInvitationCommand);
  });

  it("returns CONFLICT with AWS's text when AcceptInvitation answers ConflictException", async () => {
    detective.on(ListInvitationsCommand).resolves({ Invitations: [{ GraphArn: GRAPH, Status: 'INVITED' }] });
    detective
      .on(AcceptInvitationCommand)
      .rejects(awsError('ConflictException', 409, 'member status is not INVITED'));

    await expect(member.acceptMembership(ours)).resolves.toEqual({
      outcome: 'CONFLICT',
      reason: 'ConflictException: member status is not INVITED',
    });
  });

  it('throws the SDK error for anything it does not expect, for the caller to classify', async () => {
    detective.on(ListInvitationsCommand).rejects(awsError('TooManyRequestsException', 429));

    await expect(member.acceptMembership(ours)).rejects.toMatchObject({ name: 'TooManyRequestsException' });
  });
});
