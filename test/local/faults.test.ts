import {
  AcceptInvitationCommand as DetectiveAcceptInvitationCommand,
  CreateMembersCommand as DetectiveCreateMembersCommand,
  ListInvitationsCommand as DetectiveListInvitationsCommand,
  ListGraphsCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-detective';
import {
  ListAccountsCommand,
  TooManyRequestsException as OrganizationsTooManyRequests,
} from '@aws-sdk/client-organizations';
import {
  AcceptAdministratorInvitationCommand,
  CreateMembersCommand,
  DescribeHubCommand,
  EnableSecurityHubCommand,
  InternalException,
  InviteMembersCommand,
  LimitExceededException,
  ListInvitationsCommand,
  ResourceNotFoundException,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { Throttle } from '../../local/standin/faults.ts';
import { type StandIn, startStandIn } from '../../local/standin/index.ts';
import {
  ADMIN,
  ADMIN_CREDENTIALS,
  clientsFor,
  failure,
  memberClients,
  sleep,
  smallScenario,
} from './helpers.ts';

const started: StandIn[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

async function start(
  faults: NonNullable<Parameters<typeof smallScenario>[0]>['faults'],
  timeScale = 1,
): Promise<StandIn> {
  const s = await startStandIn({ scenario: smallScenario({ faults }), timeScale });
  started.push(s);
  return s;
}

/** Sends `count` DescribeHub calls at once and returns which of them failed. */
async function burst(hub: SecurityHubClient, count: number): Promise<unknown[]> {
  const results = await Promise.allSettled(
    Array.from({ length: count }, () => hub.send(new DescribeHubCommand({}))),
  );
  return results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
}

describe('stand-in faults', () => {
  it('delays every answer by latencyMs times timeScale', async () => {
    const s = await start({ latencyMs: 1000 }, 0.2);
    const hub = clientsFor(s).securityHub;

    const t0 = performance.now();
    await hub.send(new DescribeHubCommand({}));
    const elapsed = performance.now() - t0;

    // 1000 ms scaled by 0.2: at least 200 ms, far from the unscaled second.
    expect(elapsed).toBeGreaterThanOrEqual(195);
    expect(elapsed).toBeLessThan(800);
  });

  it('does the work on arrival and answers when the latency is up, as AWS latency includes the work', async () => {
    const s = await start({ latencyMs: 1000 }, 0.2);
    const t0 = performance.now();
    const answer = clientsFor(s).securityHub.send(
      new CreateMembersCommand({ AccountDetails: [{ AccountId: '444444444444' }] }),
    );

    await sleep(100);
    const during = s.inspect().membership.securityhub['us-east-1']?.administrators[ADMIN]?.['444444444444'];
    expect(await answer).toMatchObject({ UnprocessedAccounts: [] });

    expect(during?.status).toBe('Created');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(195);
  });

  it('throttles Security Hub at a burst of 30 per account and Region with LimitExceededException 429', async () => {
    // AWS's burst with a refill too slow to matter, so a loaded machine cannot earn a token back
    // during the burst; the refill rate itself is the next test's (on a fake clock).
    const s = await start({ throttle: { securityhub: { ratePerSecond: 0.001, burst: 30 } } });

    const failures = await burst(clientsFor(s).securityHub, 35);
    const otherRegion = await burst(clientsFor(s, 'eu-west-1').securityHub, 5);

    expect(failures).toHaveLength(5);
    for (const error of failures) {
      expect(error).toBeInstanceOf(LimitExceededException);
      expect((error as LimitExceededException).$metadata.httpStatusCode).toBe(429);
    }
    expect(otherRegion).toEqual([]);
    expect(s.inspect().throttles).toEqual({ total: 5, byOperation: { 'securityhub:DescribeHub': 5 } });
  });

  it('refills the bucket at 10 calls a second up to the burst of 30', () => {
    const throttle = new Throttle(true);
    const take = (n: number, at: number) =>
      Array.from({ length: n }, () => throttle.take('securityhub', ADMIN, 'us-east-1', at)).filter(Boolean)
        .length;

    expect(take(31, 0)).toBe(30);
    expect(take(5, 350)).toBe(3);
    expect(take(40, 60_000)).toBe(30);
    expect(take(1, 60_000)).toBe(0);
  });

  it('counts a call stamped a moment before the last one counted against the bucket as that one left it', () => {
    const throttle = new Throttle(true);
    const take = (n: number, at: number) =>
      Array.from({ length: n }, () => throttle.take('securityhub', ADMIN, 'us-east-1', at)).filter(Boolean)
        .length;

    expect(take(30, 0)).toBe(30);
    // 2.2 tokens at 220 ms, 1.2 left.
    expect(take(1, 220)).toBe(1);
    // Arrived at 170 ms but reached after the call of 220 ms: it finds the 1.2 tokens that call left
    // (counting back to 170 ms would leave it 0.7).
    expect(take(1, 170)).toBe(1);
    expect(take(1, 220)).toBe(0);
  });

  it('throttles Detective with TooManyRequestsException and Organizations only when given a bucket', async () => {
    const s = await start({
      throttle: { detective: { ratePerSecond: 1, burst: 2 }, organizations: { ratePerSecond: 1, burst: 1 } },
    });
    const { detective, organizations, securityHub } = clientsFor(s);

    await detective.send(new ListGraphsCommand({}));
    await detective.send(new ListGraphsCommand({}));
    const third = await failure(detective.send(new ListGraphsCommand({})));
    await organizations.send(new ListAccountsCommand({}));
    const second = await failure(organizations.send(new ListAccountsCommand({})));

    expect(third).toBeInstanceOf(TooManyRequestsException);
    expect(second).toBeInstanceOf(OrganizationsTooManyRequests);
    expect(await burst(securityHub, 40)).toEqual([]);
  });

  it('injects the same 500s for the same seed, as InternalException', async () => {
    const pattern = async () => {
      const s = await start({ errorRate: 0.3, seed: 42 });
      const hub = clientsFor(s).securityHub;
      const outcomes: string[] = [];
      for (let i = 0; i < 30; i += 1) {
        outcomes.push(
          await hub.send(new DescribeHubCommand({})).then(
            () => 'ok',
            (e: Error) => e.name,
          ),
        );
      }
      return { outcomes, injected: s.inspect().injectedErrors.total };
    };

    const first = await pattern();
    const second = await pattern();

    expect(first.outcomes).toEqual(second.outcomes);
    expect(new Set(first.outcomes)).toEqual(new Set(['ok', 'InternalException']));
    expect(first.injected).toBe(first.outcomes.filter((o) => o !== 'ok').length);
  });

  it("lets the SDK's own retries absorb 500s: three attempts are three calls", async () => {
    const s = await start({ errorRate: 1 });
    const hub = new SecurityHubClient({
      endpoint: s.endpoint,
      region: 'us-east-1',
      credentials: ADMIN_CREDENTIALS,
    });

    const error = await failure(hub.send(new DescribeHubCommand({})));

    expect(error).toBeInstanceOf(InternalException);
    expect(error.$metadata?.httpStatusCode).toBe(500);
    expect(s.inspect().calls.byOperation['securityhub:DescribeHub']).toBe(3);
  });

  it("answers every service's injected 500 and throttle with that service's own exception", async () => {
    const failing = await start({ errorRate: 1 });
    const throttled = await start({
      throttle: { organizations: { ratePerSecond: 1, burst: 1 }, sts: { ratePerSecond: 1, burst: 1 } },
    });
    const calls = (c: ReturnType<typeof clientsFor>) => [
      c.securityHub.send(new DescribeHubCommand({})),
      c.detective.send(new ListGraphsCommand({})),
      c.organizations.send(new ListAccountsCommand({})),
      c.sts.send(new GetCallerIdentityCommand({})),
    ];

    const internal = await Promise.all(calls(clientsFor(failing)).map(failure));
    await Promise.allSettled(calls(clientsFor(throttled)));
    const limited = await Promise.all(calls(clientsFor(throttled)).slice(2).map(failure));

    expect(internal.map((e) => [e.name, e.$metadata?.httpStatusCode])).toEqual([
      ['InternalException', 500],
      ['InternalServerException', 500],
      ['ServiceException', 500],
      ['InternalFailure', 500],
    ]);
    expect(limited.map((e) => e.name)).toEqual(['TooManyRequestsException', 'Throttling']);
  });

  it('forces the first `count` accounts unprocessed with the given reason, then processes them', async () => {
    const s = await start({ forceUnprocessed: { count: 2, reason: 'Try later' } });
    const hub = clientsFor(s).securityHub;
    const details = [
      { AccountId: '000000000002' },
      { AccountId: '222222222222' },
      { AccountId: '333333333333' },
    ];

    const first = await hub.send(new CreateMembersCommand({ AccountDetails: details }));
    const retry = await hub.send(new CreateMembersCommand({ AccountDetails: details.slice(0, 2) }));

    expect(first.UnprocessedAccounts).toEqual([
      { AccountId: '000000000002', ProcessingResult: 'Try later' },
      { AccountId: '222222222222', ProcessingResult: 'Try later' },
    ]);
    expect(retry.UnprocessedAccounts).toEqual([]);
  });

  it('forces accounts unprocessed by probability, only in the services named', async () => {
    const s = await start({ forceUnprocessed: { probability: 1, services: ['detective'] } });
    const { securityHub, detective } = clientsFor(s);
    const GraphArn = (await detective.send(new ListGraphsCommand({}))).GraphList?.[0]?.Arn;

    const hub = await securityHub.send(
      new CreateMembersCommand({ AccountDetails: [{ AccountId: '000000000002' }] }),
    );
    const graph = await detective.send(
      new DetectiveCreateMembersCommand({
        GraphArn,
        Accounts: [{ AccountId: '000000000002', EmailAddress: 'a@example.com' }],
      }),
    );

    expect(hub.UnprocessedAccounts).toEqual([]);
    expect(graph.UnprocessedAccounts).toEqual([
      { AccountId: '000000000002', Reason: 'Maximum number of results exceeded' },
    ]);
  });

  it('hides a Security Hub invitation from the member until invitationVisibleAfterSeconds have passed', async () => {
    const s = await start({ invitationVisibleAfterSeconds: 50 }, 0.01);
    const admin = clientsFor(s).securityHub;
    await admin.send(new CreateMembersCommand({ AccountDetails: [{ AccountId: '444444444444' }] }));
    await admin.send(new InviteMembersCommand({ AccountIds: ['444444444444'] }));
    const member = (await memberClients(s, '444444444444')).securityHub;
    await member.send(new EnableSecurityHubCommand({}));
    const invitationId =
      s.inspect().membership.securityhub['us-east-1']?.accounts['444444444444']?.invitations[0]?.invitationId;

    const early = await member.send(new ListInvitationsCommand({}));
    const earlyAccept = await failure(
      member.send(
        new AcceptAdministratorInvitationCommand({ AdministratorId: ADMIN, InvitationId: invitationId }),
      ),
    );
    await sleep(550);
    const later = await member.send(new ListInvitationsCommand({}));

    expect(early.Invitations).toEqual([]);
    expect(earlyAccept).toBeInstanceOf(ResourceNotFoundException);
    expect(later.Invitations?.map((i) => i.InvitationId)).toEqual([invitationId]);
  });

  it('hides a Detective invitation from the member until invitationVisibleAfterSeconds have passed', async () => {
    const s = await start({ invitationVisibleAfterSeconds: 50 }, 0.01);
    const admin = clientsFor(s).detective;
    const GraphArn = (await admin.send(new ListGraphsCommand({}))).GraphList?.[0]?.Arn;
    await admin.send(
      new DetectiveCreateMembersCommand({
        GraphArn,
        Accounts: [{ AccountId: '444444444444', EmailAddress: 'outside@example.net' }],
      }),
    );
    const member = (await memberClients(s, '444444444444')).detective;

    const early = await member.send(new DetectiveListInvitationsCommand({}));
    const earlyAccept = await failure(member.send(new DetectiveAcceptInvitationCommand({ GraphArn })));
    await sleep(550);
    const later = await member.send(new DetectiveListInvitationsCommand({}));

    expect(early.Invitations).toEqual([]);
    expect(earlyAccept.name).toBe('ResourceNotFoundException');
    expect(later.Invitations?.map((i) => [i.GraphArn, i.Status])).toEqual([[GraphArn, 'INVITED']]);
  });
});
