import { describe, expect, it } from 'vitest';
import { outcomeOfStatus } from '../../../functions/shared/domain/outcomes.ts';
import { joinsThroughOrganization, nextAction } from '../../../functions/shared/domain/reconcile.ts';

describe('outcomeOfStatus', () => {
  it.each([
    ['securityhub', 'Created', 'PENDING_INVITATION'],
    ['securityhub', 'CREATED', 'PENDING_INVITATION'],
    ['securityhub', 'Invited', 'PENDING_ACCEPTANCE'],
    ['securityhub', 'Enabled', 'ENABLED'],
    ['securityhub', 'enabled', 'ENABLED'],
    ['securityhub', 'Associated', 'ENABLED'],
    ['securityhub', 'ASSOCIATED', 'ENABLED'],
    ['securityhub', 'Removed', 'REMOVED'],
    ['securityhub', 'Resigned', 'RESIGNED'],
    ['securityhub', 'Deleted', 'NOT_A_MEMBER'],
    ['securityhub', 'AccountSuspended', 'ACCOUNT_SUSPENDED'],
    ['securityhub', undefined, 'NOT_A_MEMBER'],
    ['detective', 'INVITED', 'PENDING_ACCEPTANCE'],
    ['detective', 'VERIFICATION_IN_PROGRESS', 'PENDING_VERIFICATION'],
    ['detective', 'VERIFICATION_FAILED', 'VERIFICATION_FAILED'],
    ['detective', 'ENABLED', 'ENABLED'],
    ['detective', 'ACCEPTED_BUT_DISABLED', 'ACCEPTED_BUT_DISABLED'],
  ] as const)('maps %s status %s to %s', (service, status, outcome) => {
    expect(outcomeOfStatus(service, status).outcome).toBe(outcome);
  });

  it('maps a word the same way however many other words came before it', () => {
    const others = Array.from({ length: 100 }, (_, n) => `Unheard-Of ${n}`);
    for (const word of others) outcomeOfStatus('securityhub', word);

    expect(outcomeOfStatus('securityhub', 'Unheard-Of 99').reason).toBe(
      'unrecognised securityhub member status "Unheard-Of 99"',
    );
    expect(outcomeOfStatus('securityhub', 'ENABLED').outcome).toBe('ENABLED');
    expect(outcomeOfStatus('securityhub', 'Account_Suspended').outcome).toBe('ACCOUNT_SUSPENDED');
    expect(outcomeOfStatus('detective', 'ENABLED').outcome).toBe('ENABLED');
  });

  it('returns FAILED with the unknown word when a status is not documented', () => {
    expect(outcomeOfStatus('securityhub', 'Quarantined')).toEqual({
      outcome: 'FAILED',
      reason: 'unrecognised securityhub member status "Quarantined"',
    });
  });

  it.each([
    ['VOLUME_UNKNOWN', 'GuardDuty'],
    ['VOLUME_TOO_HIGH', 'quota'],
  ])('explains ACCEPTED_BUT_DISABLED with DisabledReason %s', (reason, words) => {
    expect(outcomeOfStatus('detective', 'ACCEPTED_BUT_DISABLED', reason).reason).toContain(words);
  });

  it('explains a verification failure as a wrong root email', () => {
    expect(outcomeOfStatus('detective', 'VERIFICATION_FAILED').reason).toContain('root email');
  });
});

describe('nextAction', () => {
  it.each([
    ['NOT_A_MEMBER', 'create'],
    ['PENDING_INVITATION', 'invite'],
    ['REMOVED', 'invite'],
    ['RESIGNED', 'invite'],
    ['PENDING_ACCEPTANCE', 'await-member'],
    ['MEMBER_ROLE_MISSING', 'await-member'],
    ['PENDING_VERIFICATION', 'wait'],
    ['ENABLED', 'done'],
    ['SKIPPED_ADMINISTRATOR', 'done'],
    ['VERIFICATION_FAILED', 'report'],
    ['CONFLICT', 'report'],
    ['FAILED', 'report'],
  ] as const)('returns %s → %s', (outcome, action) => {
    expect(nextAction(outcome)).toBe(action);
  });

  it('does nothing for a finished membership, so a re-run changes nothing', () => {
    expect(nextAction(outcomeOfStatus('securityhub', 'Enabled').outcome)).toBe('done');
    expect(nextAction(outcomeOfStatus('detective', 'ENABLED').outcome)).toBe('done');
  });
  // Security Hub and GuardDuty bring back a disassociated organization account only through
  // CreateMembers (docs/aws-facts.md); an invited one, or one that resigned, is invited again.
  it.each([
    ['securityhub', 'REMOVED', true, 'create'],
    ['guardduty', 'REMOVED', true, 'create'],
    ['securityhub', 'REMOVED', false, 'invite'],
    ['guardduty', 'REMOVED', false, 'invite'],
    ['securityhub', 'RESIGNED', true, 'invite'],
    ['guardduty', 'RESIGNED', true, 'invite'],
    ['securityhub', 'RESIGNED', false, 'invite'],
    ['guardduty', 'RESIGNED', false, 'invite'],
    ['detective', 'REMOVED', true, 'invite'],
    ['securityhub', 'PENDING_INVITATION', true, 'invite'],
    ['securityhub', 'NOT_A_MEMBER', true, 'create'],
    ['guardduty', 'ENABLED', true, 'done'],
    ['guardduty', 'PENDING_ACCEPTANCE', true, 'await-member'],
    ['securityhub', 'VERIFICATION_FAILED', true, 'report'],
  ] as const)('%s %s, organization account %s → %s', (service, outcome, organization, action) => {
    expect(nextAction(outcome, { service, organization })).toBe(action);
  });
});

describe('joinsThroughOrganization', () => {
  const outside = new Set(['300000000001']);
  it.each([
    ['a located pair, an account the plan does not list outside', { enabled: true }, '200000000001', true],
    ['an account the plan lists outside the organization', { enabled: true }, '300000000001', false],
    [
      'a pair where every account is invitation-based',
      { enabled: true, inviteCreated: true },
      '200000000001',
      false,
    ],
    ['a pair the plan did not locate', {}, '200000000001', false],
    ['a pair where the administrator has no home', { enabled: false }, '200000000001', false],
  ] as const)('%s → %s', (_case, pair, accountId, expected) => {
    expect(joinsThroughOrganization(pair, outside, accountId)).toBe(expected);
  });
});
