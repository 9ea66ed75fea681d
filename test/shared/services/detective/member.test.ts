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

  it('returns ENABLED after one AcceptInvitation by the known graph ARN, listing nothing', async () => {
    await expect(member.acceptMembership(ours)).resolves.toEqual({ outcome: 'ENABLED' });
    expect(detective).toHaveReceivedCommandTimes(AcceptInvitationCommand, 1);
    expect(detective).toHaveReceivedCommandWith(AcceptInvitationCommand, { GraphArn: GRAPH });
    expect(detective).not.toHaveReceivedCommand(ListInvitationsCommand);
  });

  it('returns PENDING_INVITATION without listing when AcceptInvitation answers ResourceNotFoundException', async () => {
    detective
      .on(AcceptInvitationCommand)
      .rejects(awsError('ResourceNotFoundException', 404, 'The request refers to a nonexistent resource.'));

    await expect(member.acceptMembership(ours)).resolves.toEqual({
      outcome: 'PENDING_INVITATION',
      reason: `no invitation to ${GRAPH} yet`,
    });
    expect(detective).not.toHaveReceivedCommand(ListInvitationsCommand);
  });

  it('returns ENABLED on a re-run after a crash that had accepted: the conflict is explained by one listing', async () => {
    detective
      .on(AcceptInvitationCommand)
      .rejects(awsError('ConflictException', 409, 'The request attempted an invalid action.'));
    detective.on(ListInvitationsCommand).resolves({
      Invitations: [
        { GraphArn: OTHER_GRAPH, Status: 'INVITED' },
        { GraphArn: GRAPH, Status: 'ENABLED' },
      ],
    });

    await expect(member.acceptMembership(ours)).resolves.toEqual({ outcome: 'ENABLED' });
    expect(detective).toHaveReceivedCommandWith(ListInvitationsCommand, { MaxResults: 200 });
  });

  it('reads every page of the listing when our graph is on a later one', async () => {
    detective.on(AcceptInvitationCommand).rejects(awsError('ConflictException', 409));
    detective
      .on(ListInvitationsCommand)
      .resolvesOnce({ Invitations: [{ GraphArn: OTHER_GRAPH, Status: 'INVITED' }], NextToken: 'next' })
      .resolvesOnce({ Invitations: [{ GraphArn: GRAPH, Status: 'ENABLED' }] });

    await expect(member.acceptMembership(ours)).resolves.toEqual({ outcome: 'ENABLED' });
    expect(detective).toHaveReceivedNthCommandWith(ListInvitationsCommand, 2, { NextToken: 'next' });
  });

  it.each([
    ['ACCEPTED_BUT_DISABLED', 'ACCEPTED_BUT_DISABLED'],
    ['VERIFICATION_FAILED', 'VERIFICATION_FAILED'],
  ] as const)('returns a conflict whose listing shows %s as %s', async (Status, outcome) => {
    detective.on(AcceptInvitationCommand).rejects(awsError('ConflictException', 409));
    detective.on(ListInvitationsCommand).resolves({ Invitations: [{ GraphArn: GRAPH, Status }] });

    await expect(member.acceptMembership(ours)).resolves.toMatchObject({ outcome });
  });

  it('returns PENDING_INVITATION when a conflict has no open invitation listed (Detective still verifying the email)', async () => {
    detective
      .on(AcceptInvitationCommand)
      .rejects(awsError('ConflictException', 409, 'The request attempted an invalid action.'));
    detective
      .on(ListInvitationsCommand)
      .resolves({ Invitations: [{ GraphArn: OTHER_GRAPH, Status: 'INVITED' }] });

    await expect(member.acceptMembership(ours)).resolves.toEqual({
      outcome: 'PENDING_INVITATION',
      reason: `no open invitation to ${GRAPH} yet (ConflictException: The request attempted an invalid action.)`,
    });
  });

  it("returns CONFLICT with AWS's text when the listing still shows the invitation INVITED", async () => {
    detective
      .on(AcceptInvitationCommand)
      .rejects(awsError('ConflictException', 409, 'member status is not INVITED'));
    detective.on(ListInvitationsCommand).resolves({ Invitations: [{ GraphArn: GRAPH, Status: 'INVITED' }] });

    await expect(member.acceptMembership(ours)).resolves.toEqual({
      outcome: 'CONFLICT',
      reason: 'ConflictException: member status is not INVITED',
    });
  });

  it('throws the SDK error for anything it does not expect, for the caller to classify', async () => {
    detective.on(AcceptInvitationCommand).rejects(awsError('TooManyRequestsException', 429));

    await expect(member.acceptMembership(ours)).rejects.toMatchObject({ name: 'TooManyRequestsException' });
  });
});
