import { Agent } from 'node:https';
import { DetectiveClient } from '@aws-sdk/client-detective';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { describe, expect, it } from 'vitest';
import { checkPair } from '../../functions/check-members/check-members.ts';
import {
  type ResolveAccountsDeps,
  resolveAccounts,
} from '../../functions/resolve-accounts/resolve-accounts.ts';
import { readWorkflowSettings } from '../../functions/shared/config.ts';
import { SERVICE_NOT_OFFERED_REASON } from '../../functions/shared/domain/outcomes.ts';
import { isServiceNotOffered } from '../../functions/shared/domain/regions.ts';
import {
  detectivePlanner,
  detectiveReader,
} from '../../functions/shared/services/detective/administrator.ts';
import { hostNotFound } from '../../local/standin/endpoints.ts';

// No mockClient here: these tests need the SDK's own handling of a host name that does not exist. The
// client's agent answers the lookup of `.invalid` (RFC 6761) with getaddrinfo's ENOTFOUND itself, so
// no DNS query leaves the machine, and the SDK meets the error where it would in AWS: connecting.
const ADMIN = '999999999999';
const GRAPH = 'arn:aws:detective:us-east-1:999999999999:graph:0123456789abcdef0123456789abcdef';

/** A Detective client whose Region has no endpoint, as in a Region where AWS does not offer Detective. */
function detectiveWithoutEndpoint(region: string): DetectiveClient {
  return new DetectiveClient({
    region,
    endpoint: `https://detective.${region}.invalid`,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      httpsAgent: new Agent({
        lookup: (hostname, _options, callback) =>
          (callback as (error: Error) => void)(hostNotFound(hostname)),
      }),
    }),
  });
}

async function sdkError(): Promise<unknown> {
  return detectivePlanner(detectiveWithoutEndpoint('me-central-1'))
    .locate('me-central-1')
    .catch((error: unknown) => error);
}

describe('a Region where AWS does not offer the service', () => {
  it('is recognised from the error the SDK throws when the endpoint host does not exist', async () => {
    const error = await sdkError();
    expect(error).toMatchObject({ code: 'ENOTFOUND', syscall: 'getaddrinfo' });
    expect(isServiceNotOffered(error)).toBe(true);
  });

  it.each([
    ['a resolver that did not answer', { code: 'EAI_AGAIN', syscall: 'getaddrinfo' }],
    ['a refused connection', { code: 'ECONNREFUSED', syscall: 'connect' }],
    ['an AWS error', { name: 'InternalServerException' }],
    ['nothing', undefined],
  ])('is not recognised from %s', (_what, error) => {
    expect(isServiceNotOffered(error)).toBe(false);
  });

  it('plans the pair as not offered, notes it, and lets the other Regions run', async () => {
    const deps: ResolveAccountsDeps = {
      administratorId: ADMIN,
      homeRegion: 'us-east-1',
      defaultRegions: ['us-east-1', 'me-central-1'],
      defaultServices: ['detective'],
      organizations: {
        describeAccount: async (accountId) => ({
          accountId,
          email: `root+${accountId}@example.com`,
          state: 'ACTIVE',
        }),
        listAccounts: async () => [],
      },
      settings: readWorkflowSettings({}),
      planner: (service, region) => {
        if (service !== 'detective') throw new Error('Security Hub is not asked for');
        return region === 'me-central-1'
          ? detectivePlanner(detectiveWithoutEndpoint(region))
          : { service, locate: async () => ({ region, home: GRAPH }), members: async () => [] };
      },
    };
    const plan = await resolveAccounts({ accounts: [{ accountId: '111111111111' }] }, deps);
    expect(plan.pairs).toEqual([
      { region: 'us-east-1', service: 'detective', enabled: true, home: GRAPH },
      { region: 'me-central-1', service: 'detective', enabled: false, offered: false },
    ]);
    expect(plan.notOffered).toEqual([{ region: 'me-central-1', service: 'detective' }]);
    expect(plan.homes).toEqual([{ region: 'us-east-1', service: 'detective', home: GRAPH }]);
    expect(plan.note).toContain(
      'AWS does not offer Detective in me-central-1 (no endpoint there): its memberships there are SERVICE_NOT_OFFERED.',
    );
  });

  it('settles every account SERVICE_NOT_OFFERED in a step that looks the service up itself', async () => {
    const memberships = await checkPair(
      { region: 'me-central-1', service: 'detective' },
      [{ accountId: '111111111111' }, { accountId: '222222222222' }],
      detectiveReader(detectiveWithoutEndpoint('me-central-1')),
      false,
    );
    const pair = { region: 'me-central-1', service: 'detective' };
    expect(memberships).toEqual([
      {
        accountId: '111111111111',
        ...pair,
        outcome: 'SERVICE_NOT_OFFERED',
        reason: SERVICE_NOT_OFFERED_REASON,
      },
      {
        accountId: '222222222222',
        ...pair,
        outcome: 'SERVICE_NOT_OFFERED',
        reason: SERVICE_NOT_OFFERED_REASON,
      },
    ]);
  });

  it('settles every account SERVICE_NOT_OFFERED without a call when the plan says so', async () => {
    const memberships = await checkPair(
      { region: 'me-central-1', service: 'detective', enabled: false, offered: false },
      [{ accountId: '111111111111' }],
      {
        ...detectiveReader(detectiveWithoutEndpoint('me-central-1')),
        locate: () => Promise.reject(new Error('the plan already said')),
        getMembers: () => Promise.reject(new Error('the plan already said')),
      },
      false,
    );
    expect(memberships).toEqual([
      {
        accountId: '111111111111',
        region: 'me-central-1',
        service: 'detective',
        outcome: 'SERVICE_NOT_OFFERED',
        reason: SERVICE_NOT_OFFERED_REASON,
      },
    ]);
  });
});
