import { describe, expect, it } from 'vitest';
import { acceptInvitationsInputSchema } from '../../functions/accept-invitations/contract.ts';
import { parseInput } from '../../functions/shared/contracts.ts';
import { InvalidInputError } from '../../functions/shared/errors.ts';
import { accountIds } from '../helpers.ts';

const GRAPH = 'arn:aws:detective:eu-west-1:999999999999:graph:0123456789abcdef0123456789abcdef';
const valid = {
  administratorId: '999999999999',
  accountIds: ['011111111111', '222222222222'],
  regions: ['eu-west-1'],
  services: ['securityhub', 'detective'],
  homes: [
    { region: 'eu-west-1', service: 'securityhub' },
    { region: 'eu-west-1', service: 'detective', home: GRAPH },
  ],
};
const parse = (value: unknown) => parseInput(acceptInvitationsInputSchema, value, 'input');

describe('acceptInvitationsInputSchema', () => {
  it('returns the input with duplicate accounts, Regions and services collapsed', () => {
    expect(
      parse({
        ...valid,
        accountIds: ['011111111111', '222222222222', '011111111111'],
        regions: ['eu-west-1', 'eu-west-1'],
        services: ['detective', 'detective'],
        executionId: 'run-1',
      }),
    ).toEqual({ ...valid, services: ['detective'], executionId: 'run-1' });
  });

  it.each([
    [{ accountIds: ['011111111111', 22222222222] }, 'input.accountIds[1]: the number 22222222222'],
    [{ accountIds: ['11111111111'] }, 'input.accountIds[0]: "11111111111" has 11 digits'],
    [{ accountIds: [] }, 'input.accountIds'],
    [{ accountIds: accountIds(151) }, 'input.accountIds'],
    [{ regions: ['eu-west-9'] }, 'input.regions[0]: "eu-west-9" is not a known AWS Region'],
    [{ services: ['macie'] }, 'input.services[0]: "macie" is not a service muster manages'],
    [
      { homes: [{ region: 'eu-west-1', service: 'detective', home: 'graph' }] },
      'input.homes[0].home: "graph" is not a Detective behavior graph ARN',
    ],
    [
      { homes: [{ region: 'us-east-1', service: 'detective', home: GRAPH }] },
      `input.homes[0].home: "${GRAPH}" is not 999999999999's behavior graph in us-east-1`,
    ],
    [
      { administratorId: '888888888888' },
      `input.homes[1].home: "${GRAPH}" is not 888888888888's behavior graph in eu-west-1`,
    ],
    [
      { homes: [{ region: 'eu-west-1', service: 'securityhub', home: 'hub' }] },
      'input.homes[0].home: "hub": Security Hub has no home to name in a Region',
    ],
  ])('throws InvalidInputError naming the bad value and its position for %j', (override, message) => {
    const run = () => parse({ ...valid, ...override });
    expect(run).toThrow(InvalidInputError);
    expect(run).toThrow(message);
  });
});
