import { describe, expect, it } from 'vitest';
import { generalizeReason } from '../../../functions/shared/domain/reasons.ts';

describe('generalizeReason', () => {
  it.each([
    [
      'AccessDenied: User: arn:aws:sts::111111111111:assumed-role/muster/x is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/MusterMemberRole',
      'AccessDenied: User: arn:aws:sts::111111111111:assumed-role/muster/x is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::<account>:role/MusterMemberRole',
    ],
    [
      'AccessDeniedException: not authorized to perform: securityhub:AcceptAdministratorInvitation on resource: arn:aws:securityhub:eu-west-1:222222222222:hub/default',
      'AccessDeniedException: not authorized to perform: securityhub:AcceptAdministratorInvitation on resource: arn:aws:securityhub:<Region>:<account>:hub/default',
    ],
    // Other accounts, longer digit runs and other Regions stay as AWS wrote them.
    [
      'account 2222222222221 or 1222222222222 in eu-west-10',
      'account 2222222222221 or 1222222222222 in eu-west-10',
    ],
    ['in us-eu-west-1 and eu-west-1a', 'in us-eu-west-1 and eu-west-1a'],
    ['Internal error', 'Internal error'],
  ])('returns %j as %j for account 222222222222 in eu-west-1', (reason, expected) => {
    expect(generalizeReason(reason, '222222222222', 'eu-west-1')).toBe(expected);
  });
});
