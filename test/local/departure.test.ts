import {
  AccountNotFoundException,
  DescribeAccountCommand,
  ListAccountsCommand,
} from '@aws-sdk/client-organizations';
import {
  CreateMembersCommand,
  DeleteMembersCommand,
  DisassociateMembersCommand,
  GetMembersCommand,
} from '@aws-sdk/client-securityhub';
import { afterEach, describe, expect, it } from 'vitest';
import { type StandIn, startStandIn } from '../../local/standin/index.ts';
import { clientsFor, failure, smallScenario } from './helpers.ts';

let standIn: StandIn | undefined;

afterEach(async () => {
  await standIn?.stop();
  standIn = undefined;
});

describe('the stand-in: an account that departs the organization', () => {
  it('is neither listed nor described by Organizations afterwards', async () => {
    standIn = await startStandIn({ scenario: smallScenario(), timeScale: 1 });
    const { organizations } = clientsFor(standIn);
    standIn.depart('222222222222');

    const listed = await organizations.send(new ListAccountsCommand({ MaxResults: 20 }));
    expect(listed.Accounts?.map(({ Id }) => Id)).not.toContain('222222222222');
    expect(
      await failure(organizations.send(new DescribeAccountCommand({ AccountId: '222222222222' }))),
    ).toBeInstanceOf(AccountNotFoundException);
    expect(() => standIn?.depart('999999999999')).toThrow(RangeError);
  });

  it('lets Security Hub delete a disassociated member only once it has left (organization members stay)', async () => {
    standIn = await startStandIn({ scenario: smallScenario(), timeScale: 1 });
    const { securityHub } = clientsFor(standIn);
    await securityHub.send(
      new CreateMembersCommand({ AccountDetails: [{ AccountId: '222222222222', Email: 'b@example.com' }] }),
    );
    await securityHub.send(new DisassociateMembersCommand({ AccountIds: ['222222222222'] }));

    const kept = await securityHub.send(new DeleteMembersCommand({ AccountIds: ['222222222222'] }));
    expect(kept.UnprocessedAccounts?.map(({ AccountId }) => AccountId)).toEqual(['222222222222']);

    standIn.depart('222222222222');
    const deleted = await securityHub.send(new DeleteMembersCommand({ AccountIds: ['222222222222'] }));
    expect(deleted.UnprocessedAccounts).toEqual([]);
    const read = await securityHub.send(new GetMembersCommand({ AccountIds: ['222222222222'] }));
    expect(read.Members).toEqual([]);
  });
});
