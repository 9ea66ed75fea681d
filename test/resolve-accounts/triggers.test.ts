import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTrigger } from '../../functions/resolve-accounts/triggers.ts';
import { InvalidInputError } from '../../functions/shared/errors.ts';

// biome-ignore lint/suspicious/noExplicitAny: each case edits one field deep inside a sample event
type Json = Record<string, any>;
const sample = (path: string): Json => JSON.parse(readFileSync(`events/${path}.json`, 'utf8'));

/** A copy of a sample with `change` applied, so each case shows only what differs. */
function variant(path: string, change: (event: Json) => void): Json {
  const event = sample(path);
  change(event);
  return event;
}

describe('parseTrigger', () => {
  it.each([
    ['triggers/create-account-result-succeeded', 'CreateAccountResult', '444455556666'],
    ['triggers/control-tower-create-managed-account', 'CreateManagedAccount', '012345678901'],
    ['triggers/control-tower-update-managed-account', 'UpdateManagedAccount', '210987654321'],
    ['triggers/account-joined-organization-invited', 'AccountJoinedOrganization', '777788889999'],
    ['triggers/account-joined-organization-created', 'AccountJoinedOrganization', '444455556666'],
  ])('returns the new account of %s', (path, trigger, accountId) => {
    expect(parseTrigger(sample(path))).toEqual({ trigger, accounts: [{ accountId }], dryRun: false });
  });

  it.each([
    [
      'a failed account creation',
      sample('triggers/create-account-result-failed'),
      'CreateAccountResult',
      'the account creation ended FAILED (EMAIL_ALREADY_EXISTS): no account was created',
    ],
    [
      'a failed Control Tower enrolment',
      variant('triggers/control-tower-create-managed-account', (event) => {
        event.detail.serviceEventDetails.createManagedAccountStatus.state = 'FAILED';
        event.detail.serviceEventDetails.createManagedAccountStatus.message = 'AWS Control Tower failed.';
      }),
      'CreateManagedAccount',
      'Control Tower CreateManagedAccount ended FAILED (AWS Control Tower failed.)',
    ],
  ])('returns nothing to do with the reason for %s', (_, input, trigger, reason) => {
    const request = parseTrigger(input);
    expect(request).toMatchObject({ trigger, accounts: [], dryRun: false });
    expect(request.nothingToDo).toContain(reason);
  });

  /** The invited sample with its account moved from serviceEventDetails.accountId by `move`. */
  const joined = (move: (event: Json) => void) =>
    variant('triggers/account-joined-organization-invited', (event) => {
      delete event.detail.serviceEventDetails.accountId;
      move(event);
    });

  it.each([
    [
      'nested under serviceEventDetails.accountJoinedOrganization',
      joined((event) => {
        event.detail.serviceEventDetails.accountJoinedOrganization = {
          accountId: '777788889999',
          joinedMethod: 'INVITED',
        };
      }),
    ],
    [
      'in requestParameters',
      joined((event) => {
        event.detail.requestParameters = { accountId: '777788889999' };
      }),
    ],
    [
      'in responseElements',
      joined((event) => {
        event.detail.responseElements = { accountId: '777788889999' };
      }),
    ],
    [
      'as the account ARN of a resource, whose own accountId is the management account',
      joined((event) => {
        event.detail.resources = [
          {
            accountId: '111122223333',
            type: 'AWS::Organizations::Account',
            ARN: 'arn:aws:organizations::111122223333:account/o-a1b2c3d4e5/777788889999',
          },
        ];
      }),
    ],
    [
      'in two places that agree',
      variant('triggers/account-joined-organization-invited', (event) => {
        event.detail.requestParameters = { accountId: '777788889999' };
      }),
    ],
  ])('returns the account of an AccountJoinedOrganization event that carries it %s', (_, input) => {
    expect(parseTrigger(input)).toEqual({
      trigger: 'AccountJoinedOrganization',
      accounts: [{ accountId: '777788889999' }],
      dryRun: false,
    });
  });

  it.each([
    [{ sweep: true }, { trigger: 'sweep', accounts: 'all', dryRun: false }],
    [
      { sweep: true, dryRun: true },
      { trigger: 'sweep', accounts: 'all', dryRun: true },
    ],
  ])('returns the whole organization for the sweep input %j', (input, request) => {
    expect(parseTrigger(input)).toEqual(request);
  });

  it('returns the sweep of the scheduled sample', () => {
    expect(parseTrigger(sample('triggers/scheduled-sweep'))).toEqual({
      trigger: 'sweep',
      accounts: 'all',
      dryRun: false,
    });
  });

  it('returns the manual list with its Regions, services and dry-run flag, duplicates of Regions collapsed', () => {
    expect(
      parseTrigger({
        accounts: [{ accountId: '012345678901', email: 'a@example.com' }, { accountId: '210987654321' }],
        regions: ['eu-west-1', 'us-east-1', 'eu-west-1'],
        services: ['detective'],
        dryRun: true,
        executionId: 'arn:aws:states:us-east-1:999999999999:execution:muster:manual',
      }),
    ).toEqual({
      trigger: 'manual',
      accounts: [{ accountId: '012345678901', email: 'a@example.com' }, { accountId: '210987654321' }],
      regions: ['eu-west-1', 'us-east-1'],
      services: ['detective'],
      dryRun: true,
    });
  });

  it.each([
    ['manual/all-accounts', { trigger: 'manual', accounts: 'all', dryRun: false }],
    [
      'manual/dry-run',
      { trigger: 'manual', accounts: 'all', regions: ['us-east-1', 'eu-west-1'], dryRun: true },
    ],
  ])('returns every account for %s', (path, request) => {
    expect(parseTrigger(sample(path))).toEqual(request);
  });

  it.each([
    [
      'an event account id that lost a leading zero',
      variant('triggers/create-account-result-succeeded', (event) => {
        event.detail.serviceEventDetails.createAccountStatus.accountId = '44445555666';
      }),
      'event.detail.serviceEventDetails.createAccountStatus.accountId: "44445555666" has 11 digits',
    ],
    [
      'an event account id given as a number',
      variant('triggers/control-tower-update-managed-account', (event) => {
        event.detail.serviceEventDetails.updateManagedAccountStatus.account.accountId = 210987654321;
      }),
      'event.detail.serviceEventDetails.updateManagedAccountStatus.account.accountId: the number 210987654321',
    ],
    [
      'a succeeded creation without an account id',
      variant('triggers/create-account-result-succeeded', (event) => {
        delete event.detail.serviceEventDetails.createAccountStatus.accountId;
      }),
      'createAccountStatus.accountId: nothing is not an account id',
    ],
    [
      'a Control Tower status under the wrong key',
      variant('triggers/control-tower-update-managed-account', (event) => {
        event.detail.eventName = 'CreateManagedAccount';
      }),
      'event.detail.serviceEventDetails.createManagedAccountStatus',
    ],
    [
      'an Organizations event name with a source that is not Organizations',
      variant('triggers/create-account-result-succeeded', (event) => {
        event.source = 'aws.controltower';
      }),
      'event.source',
    ],
    [
      'an AccountJoinedOrganization event that carries no account where muster reads it',
      joined(() => {}),
      'an AccountJoinedOrganization event without the joined account at any place muster reads it from',
    ],
    [
      'an AccountJoinedOrganization event whose account places disagree',
      variant('triggers/account-joined-organization-invited', (event) => {
        event.detail.requestParameters = { accountId: '111122223333' };
      }),
      'event.detail.serviceEventDetails.accountId says 777788889999 and event.detail.requestParameters.accountId says 111122223333',
    ],
    [
      'an AccountJoinedOrganization account id with 11 digits',
      variant('triggers/account-joined-organization-invited', (event) => {
        event.detail.serviceEventDetails.accountId = '77778888999';
      }),
      'event.detail.serviceEventDetails.accountId: "77778888999" has 11 digits',
    ],
    [
      'an AccountJoinedOrganization event whose source is not Organizations',
      variant('triggers/account-joined-organization-invited', (event) => {
        event.source = 'aws.account';
      }),
      'event.source',
    ],
    [
      // AcceptHandshake is recorded in the joining account: muster no longer starts from it.
      'an AcceptHandshake event',
      variant('triggers/account-joined-organization-invited', (event) => {
        event.detail.eventName = 'AcceptHandshake';
      }),
      'detail.eventName "AcceptHandshake" is not an event muster starts from',
    ],
    [
      'an event name in the wrong case',
      variant('triggers/account-joined-organization-invited', (event) => {
        event.detail.eventName = 'AccountJoinedorganization';
      }),
      'detail.eventName "AccountJoinedorganization" is not an event muster starts from; accepted: an Organizations CreateAccountResult event',
    ],
    ['a sweep that is not true', { sweep: false }, 'input.sweep'],
    ['a sweep with accounts', { sweep: true, allAccounts: true }, 'input: Unrecognized key: "allAccounts"'],
    [
      'a mangled manual account id',
      sample('resolve-accounts/mangled-account-id'),
      'input.accounts[1].accountId: "444455556666.0" is not an account id (exactly 12 digits, as text)',
    ],
    [
      'both a list and allAccounts',
      { accounts: [{ accountId: '012345678901' }], allAccounts: true },
      'give either "accounts" (a list) or "allAccounts": true',
    ],
    ['a misspelt key', { allAccounts: true, region: ['us-east-1'] }, 'input: Unrecognized key: "region"'],
    [
      'an unknown Region and service',
      { allAccounts: true, regions: ['us-east-9'], services: ['macie'] },
      'input.regions[0]: "us-east-9" is not a known AWS Region; input.services[0]: "macie" is not a service',
    ],
    ['an empty object', {}, 'input: an object with keys [] is not an input muster starts from; accepted:'],
    ['a list', [], 'input: a list of 0 items is not an input muster starts from'],
  ])('rejects %s with what and where', (_, input, message) => {
    expect(() => parseTrigger(input)).toThrow(InvalidInputError);
    expect(() => parseTrigger(input)).toThrow(message);
  });
});
