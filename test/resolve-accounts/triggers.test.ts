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
    ['triggers/accept-handshake', 'AcceptHandshake', '777788889999'],
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
    [
      'a handshake that is not ACCEPTED',
      variant('triggers/accept-handshake', (event) => {
        event.detail.responseElements.handshake.state = 'DECLINED';
      }),
      'AcceptHandshake',
      'the handshake is DECLINED, not ACCEPTED',
    ],
    [
      'an accepted ENABLE_ALL_FEATURES handshake',
      variant('triggers/accept-handshake', (event) => {
        event.detail.responseElements.handshake.action = 'ENABLE_ALL_FEATURES';
      }),
      'AcceptHandshake',
      'the accepted handshake is ENABLE_ALL_FEATURES, not INVITE',
    ],
    [
      'an AcceptHandshake call that failed',
      variant('triggers/accept-handshake', (event) => {
        event.detail.errorCode = 'HandshakeConstraintViolationException';
        event.detail.errorMessage = 'The account is already a member of an organization.';
        event.detail.responseElements = null;
      }),
      'AcceptHandshake',
      'the AcceptHandshake call failed (HandshakeConstraintViolationException: The account is already a member',
    ],
  ])('returns nothing to do with the reason for %s', (_, input, trigger, reason) => {
    const request = parseTrigger(input);
    expect(request).toMatchObject({ trigger, accounts: [], dryRun: false });
    expect(request.nothingToDo).toContain(reason);
  });

  it('returns the caller of AcceptHandshake when the invitation went to an email address', () => {
    const input = variant('triggers/accept-handshake', (event) => {
      event.detail.responseElements.handshake.parties = [
        { id: 'o-a1b2c3d4e5', type: 'ORGANIZATION' },
        { id: 'owner@example.com', type: 'EMAIL' },
      ];
    });
    expect(parseTrigger(input).accounts).toEqual([{ accountId: '777788889999' }]);
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
      'a handshake party with 13 digits',
      variant('triggers/accept-handshake', (event) => {
        event.detail.responseElements.handshake.parties[1].id = '7777888899990';
      }),
      'event.detail.responseElements.handshake.parties[1].id: "7777888899990" has 13 digits',
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
      // EventBridge puts the CloudTrail record under detail, never at the top level
      // (docs/aws-facts.md, Events that announce an account).
      'a handshake at the top level instead of under detail',
      variant('triggers/accept-handshake', (event) => {
        event.responseElements = event.detail.responseElements;
        delete event.detail.responseElements;
      }),
      'event.detail.responseElements.handshake: missing',
    ],
    [
      'an event name in the wrong case',
      variant('triggers/accept-handshake', (event) => {
        event.detail.eventName = 'AcceptHandShake';
      }),
      'detail.eventName "AcceptHandShake" is not an event muster starts from; accepted: an Organizations CreateAccountResult event',
    ],
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
