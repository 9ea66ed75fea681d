import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRemovalTrigger, parseTrigger } from '../../functions/resolve-accounts/triggers.ts';
import { InvalidInputError } from '../../functions/shared/errors.ts';

// biome-ignore lint/suspicious/noExplicitAny: each case edits one field deep inside a sample event
type Json = Record<string, any>;
const sample = (method: string): Json =>
  JSON.parse(readFileSync(`events/triggers/account-departed-organization-${method}.json`, 'utf8'));

function variant(method: string, change: (event: Json) => void): Json {
  const event = sample(method);
  change(event);
  return event;
}

describe('parseRemovalTrigger: AccountDepartedOrganization', () => {
  it.each([
    ['left', 'LEFT', '777788889999'],
    ['removed', 'REMOVED', '444455556666'],
    ['cleaned', 'CLEANED', '222233334444'],
  ])('returns the departed account and how it left, from the sample %s', (method, departure, accountId) => {
    expect(parseRemovalTrigger(sample(method))).toEqual({
      trigger: 'AccountDepartedOrganization',
      accountIds: [accountId],
      dryRun: false,
      departure,
      includeActiveOrganizationAccounts: false,
    });
  });

  it.each([
    [
      'nested under the event name',
      variant('left', (event) => {
        event.detail.serviceEventDetails = {
          accountDepartedOrganization: { accountId: '777788889999', departureMethod: 'LEFT' },
        };
      }),
    ],
    [
      'in requestParameters, the method beside',
      variant('left', (event) => {
        delete event.detail.serviceEventDetails.accountId;
        event.detail.requestParameters = { accountId: '777788889999' };
      }),
    ],
    [
      'as an account ARN in resources',
      variant('left', (event) => {
        delete event.detail.serviceEventDetails.accountId;
        event.detail.resources = [
          {
            accountId: '111122223333',
            type: 'AWS::Organizations::Account',
            ARN: 'arn:aws:organizations::111122223333:account/o-abc123/777788889999',
          },
        ];
      }),
    ],
  ])('reads the account %s', (_, input) => {
    expect(parseRemovalTrigger(input)).toMatchObject({ accountIds: ['777788889999'], departure: 'LEFT' });
  });

  /** The left sample with its method given as `fields` instead, beside the account id. */
  const method = (fields: Json) =>
    variant('left', (event) => {
      delete event.detail.serviceEventDetails.departureMethod;
      delete event.detail.serviceEventDetails.departedMethod;
      Object.assign(event.detail.serviceEventDetails, fields);
    });

  it.each([
    // LeaveOrganization's and RemoveAccountFromOrganization's API reference: departedMethod:Left, departedMethod:Removed.
    [
      'departedMethod "Removed", as the API reference words it',
      method({ departedMethod: 'Removed' }),
      'REMOVED',
    ],
    ['departedMethod "Cleaned"', method({ departedMethod: 'Cleaned' }), 'CLEANED'],
    // AcceptHandshake's reference in the AWS SDK for Kotlin: departureMethod:LEFT.
    ['departureMethod "LEFT", as an earlier reference words it', method({ departureMethod: 'LEFT' }), 'LEFT'],
    ['departureMethod "Left"', method({ departureMethod: 'Left' }), 'LEFT'],
    [
      'departedMethod under the event name',
      variant('left', (event) => {
        event.detail.serviceEventDetails = {
          accountDepartedOrganization: { accountId: '777788889999', departedMethod: 'Left' },
        };
      }),
      'LEFT',
    ],
    ['both names, agreeing', method({ departedMethod: 'Removed', departureMethod: 'REMOVED' }), 'REMOVED'],
  ])('reads the departure method from %s', (_, input, departure) => {
    expect(parseRemovalTrigger(input)).toMatchObject({ accountIds: ['777788889999'], departure });
  });

  it.each([
    [
      'no account anywhere',
      variant('left', (event) => {
        delete event.detail.serviceEventDetails.accountId;
      }),
      'an AccountDepartedOrganization event without the departed account at any place muster reads it from',
    ],
    [
      'two places that disagree',
      variant('left', (event) => {
        event.detail.responseElements = { accountId: '999988887777' };
      }),
      'event.detail.serviceEventDetails.accountId says 777788889999 and event.detail.responseElements.accountId says 999988887777',
    ],
    [
      'a malformed account id',
      variant('left', (event) => {
        event.detail.serviceEventDetails.accountId = '7777-8888-9999';
      }),
      'event.detail.serviceEventDetails.accountId',
    ],
    [
      'no departure method',
      method({}),
      'an AccountDepartedOrganization event without departedMethod or departureMethod',
    ],
    [
      'an unknown departure method',
      method({ departedMethod: 'Evicted' }),
      'event.detail.serviceEventDetails.departedMethod: "Evicted" is not a departure method muster knows (Left, Removed, Cleaned, in any case)',
    ],
    [
      'a departure method that is not text',
      method({ departedMethod: 1 }),
      'event.detail.serviceEventDetails.departedMethod: the number 1 is not a departure method muster knows',
    ],
    [
      'two departure methods that disagree',
      variant('left', (event) => {
        event.detail.serviceEventDetails.accountDepartedOrganization = { departureMethod: 'REMOVED' };
      }),
      'says Left and event.detail.serviceEventDetails.accountDepartedOrganization.departureMethod says REMOVED',
    ],
    [
      'the two names that disagree',
      method({ departedMethod: 'Left', departureMethod: 'REMOVED' }),
      'event.detail.serviceEventDetails.departedMethod says Left and event.detail.serviceEventDetails.departureMethod says REMOVED',
    ],
    [
      'an onboarding event',
      variant('left', (event) => {
        event.detail.eventName = 'AccountJoinedOrganization';
      }),
      'detail.eventName "AccountJoinedOrganization" is not an event muster offboards from',
    ],
  ])('refuses %s with a named error', (_, input, message) => {
    expect(() => parseRemovalTrigger(input)).toThrow(InvalidInputError);
    expect(() => parseRemovalTrigger(input)).toThrow(message);
  });

  it('is not an onboarding trigger: the onboarding workflow refuses a departure and names the offboarding, with the account', () => {
    expect(() => parseTrigger(sample('left'))).toThrow(InvalidInputError);
    expect(() => parseTrigger(sample('left'))).toThrow(
      /is not an event muster starts from: a departure starts the offboarding state machine/,
    );
    const accountId = parseRemovalTrigger(sample('left')).accountIds[0];
    expect(() => parseTrigger(sample('left'))).toThrow(`muster remove --accounts ${accountId}`);
  });

  it('names the offboarding for a departure it cannot read, without guessing an account', () => {
    const unreadable = { ...sample('left'), detail: { eventName: 'AccountDepartedOrganization' } };
    expect(() => parseTrigger(unreadable)).toThrow('muster remove --accounts <account id>');
  });
});

describe('parseRemovalTrigger: a removal asked for by hand', () => {
  it('takes accounts (de-duplicated), Regions, services, dry run and the explicit flag', () => {
    expect(
      parseRemovalTrigger({
        remove: {
          accounts: ['111111111111', '111111111111', '222222222222'],
          regions: ['eu-west-1'],
          services: ['detective'],
          dryRun: true,
          includeActiveOrganizationAccounts: true,
        },
      }),
    ).toEqual({
      trigger: 'manual',
      accountIds: ['111111111111', '222222222222'],
      regions: ['eu-west-1'],
      services: ['detective'],
      dryRun: true,
      includeActiveOrganizationAccounts: true,
    });
  });

  it('reads the scheduled stale-member removal, and refuses anything beside it', () => {
    expect(parseRemovalTrigger({ staleMembers: true })).toEqual({
      trigger: 'staleMembers',
      accountIds: [],
      dryRun: false,
      includeActiveOrganizationAccounts: false,
    });
    expect(() => parseRemovalTrigger({ staleMembers: true, accounts: ['111111111111'] })).toThrow(
      InvalidInputError,
    );
  });

  it.each([
    [{ remove: { accounts: [] } }, 'remove.accounts'],
    [{ remove: { accounts: ['12345'] } }, 'remove.accounts[0]'],
    [{ remove: { accounts: ['111111111111'], force: true } }, 'force'],
    [{ remove: { accounts: ['111111111111'], regions: ['mars-1'] } }, 'mars-1'],
    [{ accounts: [{ accountId: '111111111111' }] }, 'is not an input muster offboards from'],
    [[], 'is not an input muster offboards from'],
  ])('refuses %j naming the bad value', (input, message) => {
    expect(() => parseRemovalTrigger(input)).toThrow(InvalidInputError);
    expect(() => parseRemovalTrigger(input)).toThrow(message);
  });
});
