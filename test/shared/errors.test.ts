import { CreateMembersCommand, GuardDutyClient, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createMembers } from '../../functions/create-members/create-members.ts';
import {
  AdministratorAccessError,
  AdministratorDeniedError,
  ConfigurationError,
  ERROR_NAMES,
  InvalidInputError,
  MemberLimitExceededError,
  MusterError,
  ReportStoreError,
} from '../../functions/shared/errors.ts';
import { awsError, guardDutyAdministrator, silentTelemetry } from '../helpers.ts';

describe('errors', () => {
  it.each([
    [new InvalidInputError('m', ['m'], { cause: 'c' }), 'InvalidInputError'],
    [new ConfigurationError('m', { cause: 'c' }), 'ConfigurationError'],
    [new AdministratorAccessError('m', { cause: 'c' }), 'AdministratorAccessError'],
    [new MemberLimitExceededError('m', { cause: 'c' }), 'MemberLimitExceededError'],
    [new AdministratorDeniedError('m', { cause: 'c' }), 'AdministratorDeniedError'],
    [new ReportStoreError('m', { cause: 'c' }), 'ReportStoreError'],
  ])('gives %s its literal name, one base and its cause', (error, name) => {
    expect(error.name).toBe(name);
    expect(error).toBeInstanceOf(MusterError);
    expect(error.cause).toBe('c');
  });

  it('names only exported classes in ERROR_NAMES', () => {
    expect(ERROR_NAMES).toEqual([
      'InvalidInputError',
      'ConfigurationError',
      'AdministratorAccessError',
      'MemberLimitExceededError',
      'AdministratorDeniedError',
    ]);
  });

  it('keeps the SDK error as the cause when a denied call stops a step', async () => {
    const guardDuty = mockClient(GuardDutyClient);
    const denied = awsError('AccessDeniedException', 403, 'not allowed');
    guardDuty.on(ListDetectorsCommand).resolves({ DetectorIds: ['d'] });
    guardDuty.on(CreateMembersCommand).rejects(denied);

    const run = createMembers(
      {
        region: 'us-east-1',
        service: 'guardduty',
        accounts: [{ accountId: '100000000000', email: 'root@example.com' }],
      },
      {
        adapter: guardDutyAdministrator(new GuardDutyClient({ region: 'us-east-1' })),
        options: { disableEmailNotification: false },
        telemetry: silentTelemetry,
      },
    );

    await expect(run).rejects.toMatchObject({ name: 'AdministratorDeniedError', cause: denied });
    guardDuty.restore();
  });
});
