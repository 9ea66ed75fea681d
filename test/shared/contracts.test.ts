import { describe, expect, it } from 'vitest';
import { acceptInvitationsInputSchema } from '../../functions/accept-invitations/contract.ts';
import { parseTrigger } from '../../functions/resolve-accounts/triggers.ts';
import {
  administratorStepInputSchema,
  checkOnboardingInputSchema,
  homeEntrySchema,
  inviteOnboardingInputSchema,
  parseInput,
} from '../../functions/shared/contracts.ts';
import { InvalidInputError } from '../../functions/shared/errors.ts';

const MB = 'x'.repeat(1_048_576);
const ACCOUNT = { accountId: '111111111111', email: 'root@example.com' };
const GROUP = {
  outcome: 'FAILED',
  pairs: [{ region: 'us-east-1', service: 'securityhub' }],
  accountIds: ['111111111111'],
};

const step = { region: 'us-east-1', service: 'securityhub', accounts: [ACCOUNT] };
const check = { regions: ['us-east-1'], services: ['securityhub'], accounts: [ACCOUNT] };
const invite = { pairs: [{ region: 'us-east-1', service: 'securityhub', enabled: true }], invitations: [] };
const accept = {
  administratorId: '999999999999',
  accountIds: ['111111111111'],
  regions: ['us-east-1'],
  services: ['securityhub'],
};

describe('Task input schemas', () => {
  it.each([
    [
      'create/check step',
      administratorStepInputSchema,
      { ...step, executionId: 'x'.repeat(204_800) },
      'input.executionId: 204800 characters, more than the 256 an execution ARN may have',
    ],
    [
      'create/check step',
      administratorStepInputSchema,
      { ...step, executionId: 'x'.repeat(257) },
      'input.executionId: 257 characters, more than the 256',
    ],
    [
      'create/check step',
      administratorStepInputSchema,
      { ...step, failed: [{ outcome: 'FAILED', reason: MB, count: 1 }] },
      'input.failed[0].reason: 1048576 characters, more than the 32768 a reason may have',
    ],
    [
      'create/check step',
      administratorStepInputSchema,
      { ...step, accounts: [{ ...ACCOUNT, email: `${MB}@example.com` }] },
      'input.accounts[0].email: account 111111111111: the email has 1048588 characters; Detective takes at most 64',
    ],
    [
      'create/check step',
      administratorStepInputSchema,
      { ...step, accounts: [{ accountId: MB }] },
      'input.accounts[0].accountId: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"... (1048576 characters) is not an account id',
    ],
    [
      'create/check step',
      administratorStepInputSchema,
      { ...step, region: MB },
      'input.region: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"... (1048576 characters) is not a known AWS Region',
    ],
    [
      'create/check step',
      administratorStepInputSchema,
      { ...step, service: MB },
      'input.service: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"... (1048576 characters) is not a service',
    ],
    [
      'create/check step',
      administratorStepInputSchema,
      { ...step, located: { enabled: true, home: MB } },
      'input.located.home: 1048576 characters, more than the 2048 a home may have',
    ],
    [
      'check onboarding',
      checkOnboardingInputSchema,
      { ...check, executionId: MB },
      'input.executionId: 1048576 characters',
    ],
    [
      'check onboarding',
      checkOnboardingInputSchema,
      { ...check, skipped: [{ accountId: '111111111111', outcome: 'SKIPPED_ADMINISTRATOR', reason: MB }] },
      'input.skipped[0].reason: 1048576 characters',
    ],
    [
      'check onboarding',
      checkOnboardingInputSchema,
      { ...check, recorded: [{ ...GROUP, reason: MB }] },
      'input.recorded[0].reason: 1048576 characters',
    ],
    [
      'check onboarding',
      checkOnboardingInputSchema,
      {
        ...check,
        administrator: [{ region: 'us-east-1', service: 'securityhub', failed: [], crashed: { Error: MB } }],
      },
      'input.administrator[0].crashed.Error: 1048576 characters, more than the 256 an error name may have',
    ],
    [
      'check onboarding',
      checkOnboardingInputSchema,
      { ...check, member: [{ unfinished: [], crashed: { Error: 'States.Timeout', Cause: MB } }] },
      'input.member[0].crashed.Cause: 1048576 characters, more than the 32768 an error cause may have',
    ],
    [
      'invite',
      inviteOnboardingInputSchema,
      { ...invite, executionId: MB },
      'input.executionId: 1048576 characters',
    ],
    [
      'invite',
      inviteOnboardingInputSchema,
      { ...invite, invitations: [{ ...GROUP, reason: MB }] },
      'input.invitations[0].reason: 1048576 characters',
    ],
    [
      'accept',
      acceptInvitationsInputSchema,
      { ...accept, executionId: MB },
      'input.executionId: 1048576 characters',
    ],
  ])('%s: rejects an oversized field, naming it and its size (%#)', (_, schema, input, message) => {
    const parse = () => parseInput(schema as typeof administratorStepInputSchema, input, 'input');

    expect(parse).toThrow(InvalidInputError);
    expect(parse).toThrow(message);
    // The error names the value's size; it never carries the value.
    expect(() => parse()).not.toThrow(/x{100}/);
  });

  it('rejects an oversized execution id in a manual input', () => {
    expect(() => parseTrigger({ allAccounts: true, executionId: MB })).toThrow(
      'input.executionId: 1048576 characters, more than the 256 an execution ARN may have',
    );
  });

  it('takes every field at its limit', () => {
    const input = {
      ...check,
      executionId: `arn:aws:states:us-east-1:999999999999:execution:${'x'.repeat(208)}`,
      skipped: [{ accountId: '111111111111', outcome: 'SKIPPED_ADMINISTRATOR', reason: 'r'.repeat(32_768) }],
      member: [{ unfinished: [], crashed: { Error: 'E'.repeat(256), Cause: 'c'.repeat(32_768) } }],
    };

    expect(parseInput(checkOnboardingInputSchema, input, 'input')).toMatchObject({
      executionId: input.executionId,
    });
  });
});

describe('the plan contract', () => {
  const graph = `arn:aws:detective:us-east-1:111111111111:graph:${'a'.repeat(32)}`;

  it.each([
    [
      'a Security Hub home',
      { region: 'us-east-1', service: 'securityhub', home: 'hub/default' },
      'Security Hub has no home',
    ],
    [
      'a Detective home that is not a graph ARN',
      { region: 'us-east-1', service: 'detective', home: 'graph' },
      'is not a Detective behavior graph ARN',
    ],
    [
      'a Detective graph of another Region',
      { region: 'eu-west-1', service: 'detective', home: graph },
      'behavior graph in eu-west-1',
    ],
    [
      'a GuardDuty home that is not a detector id',
      { region: 'us-east-1', service: 'guardduty', home: '../admin' },
      'is not a GuardDuty detector id',
    ],
    [
      'a GuardDuty detector id past 300 characters',
      { region: 'us-east-1', service: 'guardduty', home: 'a'.repeat(301) },
      'is not a GuardDuty detector id',
    ],
  ])('refuses %s in Plan.homes, naming it', (_what, entry, message) => {
    const result = homeEntrySchema.safeParse(entry);

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['home']);
    expect(result.error?.issues[0]?.message).toContain(message);
  });

  it.each([
    ['a Detective graph ARN of its Region', { region: 'us-east-1', service: 'detective', home: graph }],
    [
      'a GuardDuty detector id',
      { region: 'us-east-1', service: 'guardduty', home: '12abc34d567e8fa901bc2d34e56789f0' },
    ],
    ['a Security Hub entry without a home', { region: 'us-east-1', service: 'securityhub' }],
  ])('accepts %s in Plan.homes', (_what, entry) => {
    expect(homeEntrySchema.safeParse(entry).success).toBe(true);
  });
});
