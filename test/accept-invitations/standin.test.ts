import { DetectiveClient } from '@aws-sdk/client-detective';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptInvitations } from '../../functions/accept-invitations/accept-invitations.ts';
import type { AcceptInvitationsInput } from '../../functions/accept-invitations/contract.ts';
import { memberAccountOpener } from '../../functions/accept-invitations/member-account.ts';
import { regionalClient } from '../../functions/shared/aws/clients.ts';
import { memberCredentials } from '../../functions/shared/aws/credentials.ts';
import type { Home } from '../../functions/shared/contracts.ts';
import { type StandIn, startStandIn } from '../../local/standin/index.ts';
import { detectiveAdministrator, securityHubAdministrator } from '../helpers.ts';

const ADMINISTRATOR = '111111111111';
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const settings = { maxAttempts: 3, callsPerSecond: 10 };
let standIn: StandIn;
let input: AcceptInvitationsInput;

/** The real wiring over HTTP: SDK clients, Regional STS through AWS_ENDPOINT_URL_STS, the stand-in's wire protocols. */
const run = () =>
  acceptInvitations(input, {
    administratorId: ADMINISTRATOR,
    credentials: memberCredentials(regionalClient(STSClient, 'us-east-1', settings), {
      roleName: 'MusterMemberRole',
      durationSeconds: 900,
      partition: 'aws',
      sessionName: 'muster-standin',
    }),
    openAccount: memberAccountOpener(settings, { enableDefaultStandards: true, allowTakeOver: false }),
    concurrency: { accounts: 2, regions: 2 },
  });

describe('acceptInvitations against the local stand-in', () => {
  beforeAll(async () => {
    standIn = await startStandIn({
      scenario: {
        administratorAccountId: ADMINISTRATOR,
        regions: REGIONS,
        delegatedAdministrator: false,
        services: { securityhub: { enabledRegions: 'all' }, detective: { enabledRegions: 'all' } },
        accounts: [
          { accountId: '200000000001', email: 'a@example.net', joinedMethod: 'OUTSIDE' },
          {
            accountId: '200000000002',
            email: 'b@example.net',
            joinedMethod: 'OUTSIDE',
            disabledRegions: ['ap-southeast-2'],
            securityHubEnabledRegions: 'all',
          },
          {
            accountId: '200000000003',
            email: 'c@example.net',
            joinedMethod: 'OUTSIDE',
            memberRoleMissing: true,
          },
          {
            accountId: '200000000004',
            email: 'd@example.net',
            joinedMethod: 'OUTSIDE',
            otherAdministrator: { securityhub: '999999999999' },
          },
        ],
      },
    });
    Object.assign(process.env, standIn.env);
    const accounts = standIn.scenario.accounts.map(({ accountId, email }) => ({ accountId, email }));
    const homes: Home[] = [];
    for (const region of REGIONS) {
      const securityHub = securityHubAdministrator(regionalClient(SecurityHubClient, region, settings));
      await securityHub.createMembers({ region }, accounts, { disableEmailNotification: true });
      await securityHub.inviteMembers?.(
        { region },
        accounts.map(({ accountId }) => accountId),
        { disableEmailNotification: true },
      );
      const detective = detectiveAdministrator(regionalClient(DetectiveClient, region, settings));
      const target = await detective.locate(region);
      if (target?.home === undefined) throw new Error(`the stand-in has no graph in ${region}`);
      homes.push({ region, service: 'securityhub' }, { region, service: 'detective', home: target.home });
      await detective.createMembers(target, accounts, { disableEmailNotification: true });
    }
    input = {
      administratorId: ADMINISTRATOR,
      accountIds: accounts.map(({ accountId }) => accountId),
      regions: REGIONS,
      services: ['securityhub', 'detective'],
      homes,
    };
    standIn.resetCounters();
  });

  afterAll(async () => {
    await standIn.stop();
  });

  it('returns each member state as its outcome, with one AssumeRole per account, over the wire', async () => {
    const output = await run();

    const summary = (accountId: string) =>
      output.results
        .filter((result) => result.accountId === accountId)
        .map(({ region, service, outcome }) => `${region} ${service} ${outcome}`);
    expect(summary('200000000001').every((line) => line.endsWith(' ENABLED'))).toBe(true);
    expect(summary('200000000002')).toEqual([
      'us-east-1 securityhub ENABLED',
      'us-east-1 detective ENABLED',
      'eu-west-1 securityhub ENABLED',
      'eu-west-1 detective ENABLED',
      'ap-southeast-2 securityhub SKIPPED_REGION_DISABLED',
      'ap-southeast-2 detective SKIPPED_REGION_DISABLED',
    ]);
    expect(summary('200000000003').every((line) => line.endsWith(' MEMBER_ROLE_MISSING'))).toBe(true);
    expect(summary('200000000004').filter((line) => line.includes('securityhub'))).toEqual(
      REGIONS.map((region) => `${region} securityhub CONFLICT`),
    );
    expect(output.retryAccountIds).toEqual(['200000000003']);
    expect(standIn.inspect().calls.byOperation['sts:AssumeRole']).toBe(4);
  });

  it('returns the same outcomes without accepting anything again when run a second time', async () => {
    const first = await run();
    standIn.resetCounters();

    const second = await run();

    expect(second.results.map(({ outcome }) => outcome)).toEqual(first.results.map(({ outcome }) => outcome));
    const inspection = standIn.inspect();
    const calls = inspection.calls.byOperation;
    // Only 200000000004 tries again, in each Region: AWS refuses a member of another administrator
    // (docs/aws-facts.md, Security Hub), and it stays that administrator's.
    expect(calls['securityhub:AcceptAdministratorInvitation'] ?? 0).toBe(REGIONS.length);
    for (const region of REGIONS)
      expect(inspection.membership.securityhub[region]?.accounts['200000000004']?.administratorId).toBe(
        '999999999999',
      );
    // EnableSecurityHub is asked, and answers that the hub is on: nothing is enabled twice.
    expect(second.results.some(({ reason }) => reason?.includes('muster enabled Security Hub'))).toBe(false);
  });
});
