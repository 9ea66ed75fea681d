import { describe, expect, it } from 'vitest';
import type { ServiceName } from '../../functions/shared/domain/services.ts';
import { type LocalRunResult, runLocalWorkflow } from '../../local/runner/run-workflow.ts';
import { crashAfterCall, type TaskWrapper } from '../../local/runner/sandbox.ts';
import {
  enabledInStandIn,
  MEMBERSHIP_ENDING_CALLS,
  readReport,
  requestedMemberships,
  unneededInvitations,
} from '../../local/runner/verify.ts';
import type { ScenarioInput, StandIn } from '../../local/standin/index.ts';
import { standInsPerTest } from '../local/helpers.ts';
import { ADMINISTRATOR, FAST, listing, organization, outsider } from './scenarios.ts';

const TIME_SCALE = 0.01;
const REGIONS = ['us-east-1', 'eu-west-1'];
const SERVICES: ServiceName[] = ['securityhub', 'detective'];
const ALL_THREE: ServiceName[] = ['securityhub', 'detective', 'guardduty'];

interface Scope {
  organizationAccounts?: string[];
  regions?: string[];
  services?: ServiceName[];
}

const standIn = standInsPerTest(TIME_SCALE);

/** The administrator's GuardDuty detector in `region`: GuardDuty's member calls carry it in their path. */
function detectorIn(s: StandIn, region: string): string {
  const id = s.inspect().membership.guardduty[region]?.detectors[ADMINISTRATOR];
  if (id === undefined) throw new Error(`the administrator has no GuardDuty detector in ${region}`);
  return id;
}

/**
 * `wrap`, with Create Members given no accounts outside the organization (as a plan that lists none):
 * it then invites nothing and leaves the invitations to Invite Members, whose crashes these tests make.
 */
function unlisted(wrap: TaskWrapper): TaskWrapper {
  return (state, invoke) => {
    const wrapped = wrap(state, invoke);
    if (state !== 'Create Members') return wrapped;
    return (input) => wrapped({ ...(input as object), invitedAccountIds: [] });
  };
}

/** `count` accounts outside the organization from `first` on: each needs invitations and an accept. */
function outsiders(count: number, first = 200000000001) {
  return Array.from({ length: count }, (_, index) => outsider(String(first + index)));
}

/**
 * What "converged" means here: the run succeeded, every requested membership is reported once and
 * ENABLED, the stand-in holds each of them enabled, and no account got an invitation it did not need.
 * No child execution failed on the way: the parent retries a failed child, which would hide a
 * States.Runtime (a path a crash branch reads that is not there) behind a second child that converged.
 */
function expectConverged(
  run: LocalRunResult,
  accountIds: string[],
  { organizationAccounts = [], regions = REGIONS, services = SERVICES }: Scope = {},
) {
  expect(run.status).toBe('SUCCEEDED');
  expect(run.children.map(({ status, error }) => error ?? status)).toEqual(
    run.children.map(() => 'SUCCEEDED'),
  );
  const requested = requestedMemberships(accountIds, regions, services);
  const reading = readReport(run.report as NonNullable<LocalRunResult['report']>, requested);
  expect(reading.problems).toEqual([]);
  expect(new Set(reading.outcomes.values())).toEqual(new Set(['ENABLED']));
  expect([...enabledInStandIn(run.standIn, ADMINISTRATOR)].sort()).toEqual([...requested].sort());
  expect(MEMBERSHIP_ENDING_CALLS.filter((call) => run.standIn.calls.byOperation[call])).toEqual([]);
  expect(
    unneededInvitations(run.standIn.invitations, {
      administratorId: ADMINISTRATOR,
      requested: new Set(accountIds),
      organizationAccounts: new Set(organizationAccounts),
    }),
  ).toEqual([]);
}

/** Invitations per service, to compare with what the accounts needed. */
function invitationsOf(run: LocalRunResult, service: ServiceName): number {
  return run.standIn.invitations.filter((invitation) => invitation.service === service).length;
}

describe('the onboarding workflow when a Lambda dies and Step Functions retries it', () => {
  it('converges when Create Members dies after Security Hub CreateMembers, before InviteMembers', async () => {
    const accounts = outsiders(3);
    const crash = crashAfterCall({ state: 'Create Members', after: 'POST /members' });

    const run = await runLocalWorkflow({
      scenario: organization({ accounts }),
      input: listing(accounts),
      settings: FAST,
      wrapTask: crash.wrap,
    });

    expect(crash.crashes).toBe(1);
    // One invocation per Region and service, plus the retry of the one that died.
    expect(run.history.invocations.get('Create Members')).toBe(REGIONS.length * 2 + 1);
    expectConverged(
      run,
      accounts.map(({ accountId }) => accountId),
    );
    expect(invitationsOf(run, 'securityhub')).toBe(accounts.length * REGIONS.length);
  });

  it('sends no second Security Hub invitation when Create Members dies after inviting what it created', async () => {
    const accounts = outsiders(3);
    const crash = crashAfterCall({ state: 'Create Members', after: 'POST /members/invite' });

    const run = await runLocalWorkflow({
      scenario: organization({ accounts }),
      input: listing(accounts),
      settings: FAST,
      wrapTask: crash.wrap,
    });

    expect(crash.crashes).toBe(1);
    expectConverged(
      run,
      accounts.map(({ accountId }) => accountId),
    );
    // Every outside account is invited by Create Members itself, once per Region; the retry's
    // CreateMembers answers "already a member", and the check finds them Invited: no Invite Members.
    expect(invitationsOf(run, 'securityhub')).toBe(accounts.length * REGIONS.length);
    expect(run.history.invocations.get('Invite Members')).toBeUndefined();
  });

  it('converges when Create Members dies mid-batch, between two Security Hub CreateMembers calls of 50 and 10', async () => {
    const accounts = outsiders(60);
    const crash = crashAfterCall({
      state: 'Create Members',
      after: 'POST /members',
      failure: 'Sandbox.Timedout',
    });

    const run = await runLocalWorkflow({
      scenario: organization({ accounts, regions: ['us-east-1'] }),
      input: { ...listing(accounts), regions: ['us-east-1'] },
      settings: FAST,
      wrapTask: crash.wrap,
    });

    expect(crash.crashes).toBe(1);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.report?.counts).toEqual({ ENABLED: 60 * 2 });
    expect(run.standIn.largestAccountList['securityhub:CreateMembers']).toBe(50);
    expect(invitationsOf(run, 'securityhub')).toBe(60);
    expect(invitationsOf(run, 'detective')).toBe(60);
  });

  it('sends no second Detective invitation when Create Members dies after Detective CreateMembers invited', async () => {
    const accounts = outsiders(3);
    const crash = crashAfterCall({ state: 'Create Members', after: 'POST /graph/members', times: 2 });

    const run = await runLocalWorkflow({
      scenario: organization({ accounts }),
      input: listing(accounts),
      settings: FAST,
      wrapTask: crash.wrap,
    });

    expect(crash.crashes).toBe(2);
    expectConverged(
      run,
      accounts.map(({ accountId }) => accountId),
    );
    expect(invitationsOf(run, 'detective')).toBe(accounts.length * REGIONS.length);
  });

  it('invites only the rest when Invite Members dies after its first InviteMembers call of 50', async () => {
    // The create step is told of no account outside the organization (as a plan that lists none),
    // so it leaves the invitations to Invite Members, which reads right before inviting.
    const accounts = [
      ...outsiders(60),
      { accountId: '333333333333', email: 'b@example.com', joinedMethod: 'CREATED' as const },
    ];
    const crash = crashAfterCall({
      state: 'Invite Members',
      after: 'POST /members/invite',
      failure: 'Runtime.ExitError',
    });

    const run = await runLocalWorkflow({
      scenario: organization({ accounts, regions: ['us-east-1'] }),
      input: { ...listing(accounts), regions: ['us-east-1'] },
      settings: FAST,
      wrapTask: unlisted(crash.wrap),
    });

    expect(crash.crashes).toBe(1);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.report?.counts).toEqual({ ENABLED: 61 * 2 });
    // Two calls before the death would have been 60 invitations already; the retry adds none twice.
    expect(run.standIn.calls.byOperation['securityhub:InviteMembers']).toBe(2);
    expect(invitationsOf(run, 'securityhub')).toBe(60);
  });

  it('goes on through Invite Failed when Invite Members dies on every attempt, and the next round invites and converges', async () => {
    // No account listed outside the organization, as above, so Invite Members runs; it dies after its
    // read on the first try and both retries.
    const accounts = [
      ...outsiders(3),
      { accountId: '333333333333', email: 'b@example.com', joinedMethod: 'CREATED' as const },
    ];
    const crash = crashAfterCall({
      state: 'Invite Members',
      after: 'POST /members/get',
      times: 3,
      failure: 'Runtime.ExitError',
    });
    const entered: string[] = [];

    const run = await runLocalWorkflow({
      scenario: organization({ accounts, regions: ['us-east-1'] }),
      input: { ...listing(accounts), regions: ['us-east-1'] },
      settings: FAST,
      wrapTask: unlisted(crash.wrap),
      onEvent: (event) => {
        if (event.type === 'StateEntered') entered.push(event.state.name);
      },
    });

    expect(crash.crashes).toBe(3);
    // The crash branch ran, in the one child execution (expectConverged: no child failed).
    expect(entered.filter((state) => state === 'Invite Failed')).toHaveLength(1);
    expect(entered.filter((state) => state === 'Invite Members')).toHaveLength(2);
    expectConverged(
      run,
      accounts.map(({ accountId }) => accountId),
      { organizationAccounts: ['333333333333'], regions: ['us-east-1'] },
    );
  });

  it('converges when a member-side batch dies after accepting in Security Hub, before Detective', async () => {
    const accounts = outsiders(2);
    const crash = crashAfterCall({ state: 'Accept Batch', after: 'POST /administrator' });

    const run = await runLocalWorkflow({
      scenario: organization({ accounts }),
      input: listing(accounts),
      settings: FAST,
      wrapTask: crash.wrap,
    });

    expect(crash.crashes).toBe(1);
    expectConverged(
      run,
      accounts.map(({ accountId }) => accountId),
    );
  });

  it('converges with all three services when Create Members dies after GuardDuty CreateMembers, before InviteMembers', async () => {
    const accounts = outsiders(3);
    const s = await standIn(organization({ accounts }));
    const crash = crashAfterCall({
      state: 'Create Members',
      after: `POST /detector/${detectorIn(s, 'us-east-1')}/member`,
    });

    const run = await runLocalWorkflow({
      standIn: s,
      timeScale: TIME_SCALE,
      input: { ...listing(accounts), services: ALL_THREE },
      settings: FAST,
      wrapTask: crash.wrap,
    });

    expect(crash.crashes).toBe(1);
    expect(run.history.invocations.get('Create Members')).toBe(REGIONS.length * 3 + 1);
    expectConverged(
      run,
      accounts.map(({ accountId }) => accountId),
      { services: ALL_THREE },
    );
    for (const service of ALL_THREE)
      expect(invitationsOf(run, service)).toBe(accounts.length * REGIONS.length);
  });

  it('invites only the rest when Create Members dies after its first GuardDuty InviteMembers call of 50', async () => {
    const accounts = outsiders(60);
    const s = await standIn(organization({ accounts, regions: ['us-east-1'] }));
    // Invited accounts are invited by the create step from CreateMembers' answer, so that is where it dies.
    const crash = crashAfterCall({
      state: 'Create Members',
      after: `POST /detector/${detectorIn(s, 'us-east-1')}/member/invite`,
      failure: 'Runtime.ExitError',
    });

    const run = await runLocalWorkflow({
      standIn: s,
      timeScale: TIME_SCALE,
      input: { ...listing(accounts), regions: ['us-east-1'], services: ['guardduty'] },
      settings: FAST,
      wrapTask: crash.wrap,
    });

    expect(crash.crashes).toBe(1);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.report?.counts).toEqual({ ENABLED: 60 });
    expect(run.standIn.largestAccountList['guardduty:InviteMembers']).toBe(50);
    expect(run.standIn.calls.byOperation['guardduty:InviteMembers']).toBe(2);
    expect(invitationsOf(run, 'guardduty')).toBe(60);
  });

  it('converges when a member-side batch dies after creating the member its GuardDuty detector, and makes no second one', async () => {
    const accounts = outsiders(2).map((account) => ({ ...account, guardDutyOff: true }));
    const crash = crashAfterCall({ state: 'Accept Batch', after: 'POST /detector' });

    const run = await runLocalWorkflow({
      scenario: organization({ accounts }),
      input: { ...listing(accounts), services: ALL_THREE },
      settings: FAST,
      wrapTask: crash.wrap,
    });

    expect(crash.crashes).toBe(1);
    expectConverged(
      run,
      accounts.map(({ accountId }) => accountId),
      { services: ALL_THREE },
    );
    // One detector per account and Region: the retry finds the one made before the death.
    expect(run.standIn.calls.byOperation['guardduty:CreateDetector']).toBe(accounts.length * REGIONS.length);
  });

  it("converges when a member-side batch dies right after Detective's AcceptInvitation: the retry's ConflictException is explained as ENABLED", async () => {
    const accounts = outsiders(2);
    const crash = crashAfterCall({ state: 'Accept Batch', after: 'PUT /invitation' });

    const run = await runLocalWorkflow({
      scenario: organization({ accounts }),
      input: listing(accounts),
      settings: FAST,
      wrapTask: crash.wrap,
    });

    expect(crash.crashes).toBe(1);
    expectConverged(
      run,
      accounts.map(({ accountId }) => accountId),
    );
  });

  it('reports the pair FAILED when Create Members dies on every attempt, and a re-run converges', async () => {
    const accounts = outsiders(3);
    const scope = { regions: ['us-east-1'], services: ['securityhub'] as ServiceName[] };
    const input = { ...listing(accounts), ...scope };
    const s = await standIn(organization({ accounts }));
    // It dies after each CreateMembers: the retries find the accounts members already.
    const crash = crashAfterCall({ state: 'Create Members', after: 'POST /members', times: 3 });

    const first = await runLocalWorkflow({
      standIn: s,
      timeScale: TIME_SCALE,
      input,
      settings: FAST,
      wrapTask: crash.wrap,
    });
    const second = await runLocalWorkflow({ standIn: s, timeScale: TIME_SCALE, input, settings: FAST });

    // The first attempt and the two retries the ASL allows for Lambda.Unknown.
    expect(crash.crashes).toBe(3);
    // The pair is reported FAILED with the error; the execution still ends with its report.
    expect(first.status).toBe('FAILED');
    expect(first.error).toBe('OnboardingNeedsAttention');
    expect(first.cause).toContain('Lambda.Unknown');
    expect(first.report?.counts).toEqual({ FAILED: accounts.length });
    expect(first.standIn.calls.byOperation['securityhub:CreateMembers']).toBe(3);
    // A pair whose create step failed is invited by nobody: the report says FAILED and why.
    expect(first.standIn.invitations).toEqual([]);
    expectConverged(
      second,
      accounts.map(({ accountId }) => accountId),
      scope,
    );
  });
});

describe('the onboarding workflow when a service control policy denies the administrator a call', () => {
  it('stops with AdministratorDeniedError naming the call and Region in one line, and a re-run converges', async () => {
    const accounts = outsiders(60);
    const input = listing(accounts);
    const s = await standIn(
      organization({
        accounts,
        faults: { denied: [{ action: 'securityhub:CreateMembers', regions: ['eu-west-1'] }] },
      } as Partial<ScenarioInput>),
    );

    const first = await runLocalWorkflow({ standIn: s, timeScale: TIME_SCALE, input, settings: FAST });
    s.clearFaults();
    const second = await runLocalWorkflow({ standIn: s, timeScale: TIME_SCALE, input, settings: FAST });

    expect(first.status).toBe('FAILED');
    expect(first.error).toBe('AdministratorDeniedError');
    expect(first.cause).toContain('denied a securityhub call in eu-west-1');
    expect(first.cause).toContain('not authorized to perform: securityhub:CreateMembers');
    // One line for the administrator, not one per account.
    expect(first.cause?.length).toBeLessThan(1000);
    expectConverged(
      second,
      accounts.map(({ accountId }) => accountId),
    );
  });
});

describe('the onboarding workflow when every account fails alike', () => {
  it('reports each membership FAILED with AWS text while the failures take a few hundred bytes per pair', async () => {
    const reason = 'The account is not in a state that allows this operation.';
    const s = await standIn(
      organization({
        generate: { count: 150 },
        faults: { forceUnprocessed: { probability: 1, reason, services: ['securityhub'] } },
      } as Partial<ScenarioInput>),
    );
    let pairFailureBytes = 0;
    const run = await runLocalWorkflow({
      standIn: s,
      timeScale: TIME_SCALE,
      input: { allAccounts: true, services: ['securityhub'] },
      settings: FAST,
      onEvent: (event) => {
        if (event.type === 'StateExited' && event.state.name === 'Region Done')
          pairFailureBytes = Math.max(
            pairFailureBytes,
            JSON.stringify((event.state.output as { failed: unknown }).failed).length,
          );
      },
    });

    expect(run.status).toBe('FAILED');
    expect(run.report?.counts).toEqual({ FAILED: 300, SKIPPED_ADMINISTRATOR: 2 });
    // The state carries a summary; the report file has every membership.
    const failed = run.memberships?.filter(({ outcome }) => outcome === 'FAILED') ?? [];
    expect(new Set(failed.map((row) => row.reason))).toEqual(new Set([reason]));
    expect(failed).toHaveLength(300);
    // 150 ids would take 2.4 KB: the pair says "150 accounts, this reason" instead.
    expect(pairFailureBytes).toBeLessThan(300);
  });

  it('reports one group for invited accounts whose member role is missing, though AWS names each role', async () => {
    const accounts = outsiders(20).map((account) => ({ ...account, memberRoleMissing: true }));
    const s = await standIn(organization({ accounts }));

    const run = await runLocalWorkflow({
      standIn: s,
      timeScale: TIME_SCALE,
      input: listing(accounts),
      // Two rounds: the role does not come.
      settings: { pollIntervalSeconds: 30, pollTimeoutMinutes: 1 },
    });

    expect(run.error).toBe('OnboardingNeedsAttention');
    expect(run.report?.counts).toEqual({ MEMBER_ROLE_MISSING: 80 });
    // Each AssumeRole denial names its own role ARN: one group per account before.
    expect(run.report?.notEnabled).toEqual([
      {
        outcome: 'MEMBER_ROLE_MISSING',
        reason: expect.stringMatching(
          /sts:AssumeRole on resource: arn:aws:iam::<account>:role\/MusterMemberRole$/,
        ),
        pairs: REGIONS.flatMap((region) => SERVICES.map((service) => ({ region, service }))),
        accountIds: accounts.map(({ accountId }) => accountId),
      },
    ]);
  });
});

describe('the onboarding workflow started twice at once for the same new account', () => {
  const newAccount = '444455556666';
  const createAccountResult = {
    version: '0',
    id: '68679d28-0000-0000-0000-000000000000',
    'detail-type': 'AWS Service Event via CloudTrail',
    source: 'aws.organizations',
    account: ADMINISTRATOR,
    time: '2026-05-15T08:27:14Z',
    region: 'us-east-1',
    resources: [],
    detail: {
      eventSource: 'organizations.amazonaws.com',
      eventName: 'CreateAccountResult',
      awsRegion: 'us-east-1',
      eventType: 'AwsServiceEvent',
      serviceEventDetails: {
        createAccountStatus: { state: 'SUCCEEDED', accountName: '****', accountId: newAccount },
      },
    },
  };

  async function twice(scenario: ScenarioInput, input: unknown) {
    const s = await standIn(scenario);
    const options = { standIn: s, timeScale: TIME_SCALE, input, settings: FAST };
    return Promise.all([runLocalWorkflow(options), runLocalWorkflow(options)]);
  }

  it('converges for a duplicated CreateAccountResult event without inviting the organization account', async () => {
    const runs = await twice(
      organization({
        accounts: [{ accountId: newAccount, email: 'new@example.com', joinedMethod: 'CREATED' }],
      }),
      createAccountResult,
    );

    for (const run of runs) {
      expect(run.plan).toMatchObject({ accountCount: 1, regionGroups: [{ batches: [{ accountCount: 1 }] }] });
      expect(new Set(run.memberships?.map(({ accountId }) => accountId))).toEqual(new Set([newAccount]));
      expectConverged(run, [newAccount], { organizationAccounts: [newAccount] });
    }
    expect(runs[1]?.standIn.invitations).toEqual([]);
  });

  it('converges without duplicate invitations or errors for an account outside the organization', async () => {
    const accounts = [outsider('200000000001')];

    const runs = await twice(organization({ accounts }), listing(accounts));

    for (const run of runs) expectConverged(run, ['200000000001']);
    const last = runs[1] as LocalRunResult;
    expect(invitationsOf(last, 'securityhub')).toBe(REGIONS.length);
    expect(invitationsOf(last, 'detective')).toBe(REGIONS.length);
  });
});
