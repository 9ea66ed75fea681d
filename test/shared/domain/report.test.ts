import { describe, expect, it } from 'vitest';
import {
  decideOutcome,
  decideReport,
  describeReport,
  expandGroups,
  explainByOtherService,
  groupMemberships,
  type Membership,
  type Note,
  PAST_INVITATION,
  summarizeGroups,
} from '../../../functions/shared/domain/report.ts';

const at = (accountId: string, outcome: Membership['outcome'], reason?: string): Membership => ({
  accountId,
  region: 'us-east-1',
  service: 'securityhub',
  outcome,
  ...(reason === undefined ? {} : { reason }),
});

describe('decideOutcome', () => {
  it.each([
    ['ENABLED', 'CONFLICT', 'ENABLED'],
    ['PENDING_ACCEPTANCE', 'CONFLICT', 'CONFLICT'],
    ['PENDING_ACCEPTANCE', 'MEMBER_ROLE_MISSING', 'MEMBER_ROLE_MISSING'],
    ['PENDING_ACCEPTANCE', 'SKIPPED_REGION_DISABLED', 'SKIPPED_REGION_DISABLED'],
    ['NOT_A_MEMBER', 'FAILED', 'FAILED'],
    ['VERIFICATION_FAILED', 'PENDING_VERIFICATION', 'VERIFICATION_FAILED'],
    ['ACCOUNT_SUSPENDED', 'PENDING_INVITATION', 'ACCOUNT_SUSPENDED'],
    ['PENDING_ACCEPTANCE', undefined, 'PENDING_ACCEPTANCE'],
    ['SERVICE_NOT_ENABLED', 'PENDING_INVITATION', 'SERVICE_NOT_ENABLED'],
    ['PENDING_VERIFICATION', 'SKIPPED_REGION_DISABLED', 'PENDING_VERIFICATION'],
    ['VERIFICATION_FAILED', 'SKIPPED_REGION_DISABLED', 'VERIFICATION_FAILED'],
  ] as const)('observed %s with %s recorded gives %s', (observed, recorded, outcome) => {
    const record = recorded === undefined ? undefined : at('111111111111', recorded);
    expect(decideOutcome(at('111111111111', observed), record).outcome).toBe(outcome);
  });
});

describe("decideOutcome: a later read against an earlier step's note", () => {
  const notes: Record<string, Note> = {
    // The invite step's: AWS refused the invitation, or the step failed after its retries.
    refused: { ...at('111111111111', 'FAILED', 'refused'), overruledBy: PAST_INVITATION },
    crashed: {
      ...at('111111111111', 'PENDING_INVITATION', 'crashed'),
      overruledBy: PAST_INVITATION,
      provisional: true,
    },
    // The member side's: it explains an invitation not accepted.
    'role missing': at('111111111111', 'MEMBER_ROLE_MISSING', 'role missing'),
  };
  // observed, note => final outcome and reason
  it.each([
    // A note that explains the read keeps its outcome and reason.
    ['PENDING_INVITATION', 'refused', 'FAILED', 'refused'],
    ['PENDING_ACCEPTANCE', 'role missing', 'MEMBER_ROLE_MISSING', 'role missing'],
    // The invitation went out after all: the read is the final word.
    ['PENDING_ACCEPTANCE', 'refused', 'PENDING_ACCEPTANCE', 'read'],
    ['PENDING_ACCEPTANCE', 'crashed', 'PENDING_ACCEPTANCE', 'read'],
    ['ENABLED', 'crashed', 'ENABLED', 'read'],
    // A crash only says why what the read shows was not done: the read's outcome, the crash's reason.
    ['PENDING_INVITATION', 'crashed', 'PENDING_INVITATION', 'crashed'],
    ['NOT_A_MEMBER', 'crashed', 'NOT_A_MEMBER', 'crashed'],
    ['REMOVED', 'crashed', 'REMOVED', 'crashed'],
  ] as const)('observed %s with the %s note gives %s (%s)', (observed, note, outcome, reason) => {
    expect(decideOutcome(at('111111111111', observed, 'read'), notes[note])).toEqual(
      at('111111111111', outcome, reason),
    );
  });
});

describe('decideReport', () => {
  it('gives a wrong Detective email in a Region disabled for the member one outcome, read during or after verification', () => {
    const detective = (outcome: Membership['outcome']): Membership => ({
      ...at('111111111111', outcome),
      service: 'detective',
    });
    const regionDisabled = detective('SKIPPED_REGION_DISABLED');
    const during = decideReport([detective('PENDING_VERIFICATION')], [regionDisabled], {
      round: 1,
      maxRounds: 3,
    });
    const after = decideReport([detective('VERIFICATION_FAILED')], [regionDisabled], {
      round: 2,
      maxRounds: 3,
    });

    // While Detective verifies nothing is final: the run waits for its verdict instead of a skip.
    expect(during).toMatchObject({
      status: 'PENDING',
      keepPolling: true,
      counts: { PENDING_VERIFICATION: 1 },
    });
    expect(after).toMatchObject({ status: 'NEEDS_ATTENTION', counts: { VERIFICATION_FAILED: 1 } });
  });

  it('succeeds when every membership is enabled or skipped by rule', () => {
    const decision = decideReport(
      [at('111111111111', 'ENABLED'), at('999999999999', 'SKIPPED_ADMINISTRATOR', 'administrator')],
      [],
      { round: 0, maxRounds: 3 },
    );
    expect(decision).toEqual({
      status: 'SUCCEEDED',
      keepPolling: false,
      counts: { ENABLED: 1, SKIPPED_ADMINISTRATOR: 1 },
      notEnabled: [
        {
          outcome: 'SKIPPED_ADMINISTRATOR',
          reason: 'administrator',
          pairs: [{ region: 'us-east-1', service: 'securityhub' }],
          accountIds: ['999999999999'],
        },
      ],
      // Every settled membership, ENABLED too: the next round takes them as they are.
      carried: [
        {
          outcome: 'ENABLED',
          pairs: [{ region: 'us-east-1', service: 'securityhub' }],
          accountIds: ['111111111111'],
        },
        {
          outcome: 'SKIPPED_ADMINISTRATOR',
          reason: 'administrator',
          pairs: [{ region: 'us-east-1', service: 'securityhub' }],
          accountIds: ['999999999999'],
        },
      ],
      pendingAccountIds: [],
      invitations: [],
    });
  });

  it('carries every membership waiting cannot change, and none that the next round must read', () => {
    const decision = decideReport(
      [
        at('111111111111', 'PENDING_ACCEPTANCE'),
        at('222222222222', 'ENABLED'),
        at('333333333333', 'NOT_A_MEMBER'),
        at('444444444444', 'VERIFICATION_FAILED', 'wrong email'),
      ],
      [],
      { round: 0, maxRounds: 3 },
    );
    expect([...expandGroups(decision.carried)].map(({ accountId }) => accountId).sort()).toEqual([
      '222222222222',
      '444444444444',
    ]);
    expect(decision.pendingAccountIds.sort()).toEqual(['111111111111', '333333333333']);
  });

  it('keeps polling while something is pending and rounds remain, then needs attention', () => {
    const observed = [at('111111111111', 'PENDING_ACCEPTANCE'), at('222222222222', 'ENABLED')];
    expect(decideReport(observed, [], { round: 1, maxRounds: 2 })).toMatchObject({
      status: 'PENDING',
      keepPolling: true,
      pendingAccountIds: ['111111111111'],
    });
    expect(decideReport(observed, [], { round: 2, maxRounds: 2 })).toMatchObject({
      status: 'NEEDS_ATTENTION',
      keepPolling: false,
    });
  });

  it('does not poll for a conflict: only a person can resolve it', () => {
    const decision = decideReport(
      [at('111111111111', 'PENDING_ACCEPTANCE')],
      [at('111111111111', 'CONFLICT', 'other')],
      {
        round: 0,
        maxRounds: 5,
      },
    );
    expect(decision.status).toBe('NEEDS_ATTENTION');
    expect(decision.pendingAccountIds).toEqual([]);
  });

  it('keeps what the administrator side established over a later member-side "not yet"', () => {
    const decision = decideReport(
      [at('111111111111', 'NOT_A_MEMBER')],
      [
        at('111111111111', 'FAILED', 'AWS text'),
        at('111111111111', 'PENDING_INVITATION', 'no invitation yet'),
      ],
      { round: 0, maxRounds: 3 },
    );
    expect(decision.notEnabled).toEqual([expect.objectContaining({ outcome: 'FAILED', reason: 'AWS text' })]);
    expect(decision.keepPolling).toBe(false);
  });

  it.each([
    ['PENDING_INVITATION', 'securityhub', true],
    ['REMOVED', 'securityhub', true],
    ['RESIGNED', 'securityhub', true],
    ['PENDING_ACCEPTANCE', 'securityhub', false],
    ['ENABLED', 'securityhub', false],
    ['PENDING_ACCEPTANCE', 'detective', false],
  ] as const)('asks the next round to invite a %s %s membership: %s', (outcome, service, invited) => {
    const decision = decideReport([{ ...at('111111111111', outcome), service }], [], {
      round: 0,
      maxRounds: 2,
    });
    expect(decision.invitations).toEqual(
      invited ? [{ outcome, pairs: [{ region: 'us-east-1', service }], accountIds: ['111111111111'] }] : [],
    );
    if (invited) expect(decision).toMatchObject({ keepPolling: true, pendingAccountIds: ['111111111111'] });
  });

  it('invites nobody on the last round, and reports what is still uninvited', () => {
    const decision = decideReport([at('111111111111', 'REMOVED')], [], { round: 2, maxRounds: 2 });
    expect(decision).toMatchObject({ status: 'NEEDS_ATTENTION', keepPolling: false, invitations: [] });
    expect(decision.carried).toEqual([expect.objectContaining({ outcome: 'REMOVED' })]);
  });

  it('does not invite a membership whose invitation failed for good', () => {
    const decision = decideReport(
      [at('111111111111', 'PENDING_INVITATION')],
      [at('111111111111', 'FAILED', 'InviteMembers: the account is closed')],
      { round: 0, maxRounds: 2 },
    );
    expect(decision).toMatchObject({ status: 'NEEDS_ATTENTION', invitations: [], pendingAccountIds: [] });
  });

  it('looks again at a membership GetMembers does not show, while rounds remain: a read can lag the create', () => {
    const observed = [at('111111111111', 'NOT_A_MEMBER')];
    expect(decideReport(observed, [], { round: 0, maxRounds: 1 })).toMatchObject({
      status: 'PENDING',
      pendingAccountIds: ['111111111111'],
      carried: [],
    });
    expect(decideReport(observed, [], { round: 1, maxRounds: 1 })).toMatchObject({
      status: 'NEEDS_ATTENTION',
      counts: { NOT_A_MEMBER: 1 },
    });
  });

  it('invites what GetMembers shows Created even when the member side recorded something later', () => {
    const decision = decideReport(
      [at('111111111111', 'PENDING_INVITATION')],
      [
        at('111111111111', 'PENDING_INVITATION', 'not invited yet: Internal error'),
        at('111111111111', 'MEMBER_ROLE_MISSING', 'the member role cannot be assumed yet'),
      ],
      { round: 1, maxRounds: 3 },
    );
    expect(decision.invitations).toEqual([
      expect.objectContaining({ outcome: 'MEMBER_ROLE_MISSING', accountIds: ['111111111111'] }),
    ]);
  });

  it('stops looking at a membership GetMembers does not show once a step recorded why', () => {
    const decision = decideReport(
      [at('111111111111', 'NOT_A_MEMBER')],
      [at('111111111111', 'NOT_A_MEMBER', 'creating the membership did not succeed')],
      { round: 0, maxRounds: 3 },
    );
    expect(decision).toMatchObject({ status: 'NEEDS_ATTENTION', keepPolling: false, pendingAccountIds: [] });
  });

  it('lets the latest record win', () => {
    const decision = decideReport(
      [at('111111111111', 'PENDING_ACCEPTANCE')],
      [
        at('111111111111', 'MEMBER_ROLE_MISSING'),
        at('111111111111', 'PENDING_INVITATION', 'no invitation yet'),
      ],
      { round: 0, maxRounds: 0 },
    );
    expect(decision.notEnabled).toEqual([
      expect.objectContaining({ outcome: 'PENDING_INVITATION', reason: 'no invitation yet' }),
    ]);
  });
});

describe('decideReport: a membership found not a member after the create step', () => {
  const detective = (outcome: Membership['outcome'], reason?: string): Membership => ({
    ...at('111111111111', outcome, reason),
    service: 'detective',
  });
  const tried = (outcome: Membership['outcome']) => detective(outcome, `tried from ${outcome}`);
  // observed, recorded, created again earlier (from), round of 3 => pending, created next round, final outcome and reason
  it.each([
    ['NOT_A_MEMBER', undefined, undefined, 1, true, true, 'NOT_A_MEMBER', undefined],
    // The last round creates nothing: no round is left to read it.
    ['NOT_A_MEMBER', undefined, undefined, 3, false, false, 'NOT_A_MEMBER', undefined],
    // A failed create keeps its own reason: it is not created again.
    ['NOT_A_MEMBER', 'FAILED', undefined, 1, false, false, 'FAILED', 'recorded'],
    // Created again once, found so again: it ends with what was tried (the bound is once).
    ['NOT_A_MEMBER', undefined, 'NOT_A_MEMBER', 1, false, false, 'NOT_A_MEMBER', 'tried from NOT_A_MEMBER'],
    // Created again, then on its way: it goes on as any other membership.
    ['PENDING_ACCEPTANCE', undefined, 'NOT_A_MEMBER', 1, true, false, 'PENDING_ACCEPTANCE', undefined],
    ['ENABLED', undefined, 'NOT_A_MEMBER', 1, false, false, 'ENABLED', undefined],
    // Created again from Removed, found not a member: created again once more from that outcome.
    ['NOT_A_MEMBER', undefined, 'REMOVED', 1, true, true, 'NOT_A_MEMBER', undefined],
  ] as const)(
    'observed %s, recorded %s, created again from %s, round %i: pending %s, created again %s, ends %s (%s)',
    (observed, recorded, from, round, pending, created, outcome, reason) => {
      const decision = decideReport(
        [detective(observed)],
        recorded === undefined ? [] : [detective(recorded, 'recorded')],
        { round, maxRounds: 3 },
        from === undefined ? [] : [tried(from)],
      );
      expect(decision.pendingAccountIds.length > 0).toBe(pending);
      expect(decision.invitations.length > 0).toBe(created);
      const final = pending ? detective(observed) : [...expandGroups(decision.carried)][0];
      expect(final?.outcome).toBe(outcome);
      expect(final?.reason).toBe(reason);
    },
  );

  // round of 3, created again earlier from => pending, created again next round, final reason
  it.each([
    // Rounds remain: the crash does not settle it, the next round creates it again.
    [1, undefined, true, true, 'crashed'],
    // None remains: not a member, and the crash says why it was not created again.
    [3, undefined, false, false, 'crashed'],
    // Created again once already: it ends with what was tried (the bound is once).
    [1, 'NOT_A_MEMBER', false, false, 'tried from NOT_A_MEMBER'],
  ] as const)(
    'a not-member a crashed invite step was to create again, round %i, created again from %s: pending %s, created again %s, ends NOT_A_MEMBER (%s)',
    (round, from, pending, created, reason) => {
      const crashed: Note = {
        ...detective('PENDING_INVITATION', 'crashed'),
        overruledBy: PAST_INVITATION,
        provisional: true,
      };
      const decision = decideReport(
        [detective('NOT_A_MEMBER')],
        [crashed],
        { round, maxRounds: 3 },
        from === undefined ? [] : [tried(from)],
      );
      expect(decision.pendingAccountIds.length > 0).toBe(pending);
      expect(decision.invitations.length > 0).toBe(created);
      expect(decision.counts).toEqual({ NOT_A_MEMBER: 1 });
      expect(decision.notEnabled).toEqual(groupMemberships([detective('NOT_A_MEMBER', reason)]));
    },
  );

  it('finds a Security Hub or GuardDuty Removed member created again and still Removed settled, not invited again', () => {
    const removed = at('111111111111', 'REMOVED');
    const again = at('111111111111', 'REMOVED', 'still REMOVED after it was created again');
    const before = decideReport([removed], [], { round: 1, maxRounds: 3 });
    expect(before.invitations).toHaveLength(1);
    const after = decideReport([removed], [], { round: 2, maxRounds: 3 }, [again]);
    expect(after).toMatchObject({ keepPolling: false, invitations: [], status: 'NEEDS_ATTENTION' });
    expect(after.notEnabled).toEqual([{ ...groupMemberships([again])[0] }]);
  });
});

describe('groupMemberships', () => {
  it('groups by Region, service, outcome and reason, and expands back to the same memberships', () => {
    const memberships = [
      at('111111111111', 'CONFLICT', 'a'),
      at('222222222222', 'CONFLICT', 'a'),
      at('333333333333', 'CONFLICT', 'b'),
      { ...at('444444444444', 'CONFLICT', 'a'), region: 'eu-west-1' },
    ];
    const groups = groupMemberships(memberships);
    expect(groups.map(({ accountIds }) => accountIds)).toEqual([
      ['111111111111', '222222222222'],
      ['333333333333'],
      ['444444444444'],
    ]);
    expect([...expandGroups(groups)]).toEqual(memberships);
  });

  it('merges Regions whose accounts came in a different order into one group', () => {
    const memberships = [
      at('111111111111', 'FAILED', 'x'),
      at('222222222222', 'FAILED', 'x'),
      { ...at('222222222222', 'FAILED', 'x'), region: 'eu-west-1' },
      { ...at('111111111111', 'FAILED', 'x'), region: 'eu-west-1' },
    ];
    const groups = groupMemberships(memberships);
    expect(groups).toEqual([
      {
        outcome: 'FAILED',
        reason: 'x',
        pairs: [
          { region: 'us-east-1', service: 'securityhub' },
          { region: 'eu-west-1', service: 'securityhub' },
        ],
        accountIds: ['111111111111', '222222222222'],
      },
    ]);
  });
});

describe('describeReport', () => {
  it('names counts and the memberships that need attention, within the Cause limit', () => {
    const decision = decideReport(
      [at('111111111111', 'ENABLED'), at('222222222222', 'PENDING_ACCEPTANCE')],
      [at('222222222222', 'CONFLICT', 'another administrator 123456789012')],
      { round: 0, maxRounds: 0 },
    );
    expect(describeReport(decision, 2)).toBe(
      '1 of 2 memberships need attention (ENABLED 1, CONFLICT 1)\n' +
        'CONFLICT securityhub in us-east-1 (1 account): 222222222222 — another administrator 123456789012',
    );
  });

  const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
  const ids = (count: number) => Array.from({ length: count }, (_, index) => String(100000000000 + index));
  const failing = (accounts: number, pairs: number): Membership[] =>
    regions
      .slice(0, pairs)
      .flatMap((region) =>
        ids(accounts).map((accountId) => ({ ...at(accountId, 'FAILED', 'denied'), region })),
      );
  it.each([
    { accounts: 1, pairs: 1, headline: '1 of 1 memberships need attention (FAILED 1)' },
    { accounts: 4, pairs: 3, headline: '12 of 12 memberships need attention (FAILED 12)' },
    { accounts: 10, pairs: 2, headline: '20 of 20 memberships need attention (FAILED 20)' },
  ])(
    'counts memberships, not accounts, for $accounts accounts failing in $pairs Regions',
    ({ accounts, pairs, headline }) => {
      const memberships = failing(accounts, pairs);
      const decision = decideReport(memberships, [], { round: 0, maxRounds: 0 });
      const [first, group] = describeReport(decision, memberships.length).split('\n');
      expect(first).toBe(headline);
      expect(group).toContain(`(${accounts} account${accounts === 1 ? '' : 's'})`);
    },
  );
});

describe('groupMemberships across pairs', () => {
  it('merges Regions and services where the same accounts have the same outcome for the same reason', () => {
    const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
    const services = ['securityhub', 'detective'] as const;
    const ids = ['111111111111', '222222222222', '333333333333'];
    const memberships = regions.flatMap((region) =>
      services.flatMap((service) =>
        ids.map((accountId) => ({ accountId, region, service, outcome: 'PENDING_ACCEPTANCE' as const })),
      ),
    );

    const groups = groupMemberships(memberships);

    expect(groups).toHaveLength(1);
    expect(groups[0]?.pairs).toHaveLength(6);
    expect(groups[0]?.accountIds).toEqual(ids);
    expect([...expandGroups(groups)].length).toBe(18);
  });

  it('keeps apart the pairs whose accounts differ', () => {
    const groups = groupMemberships([
      at('111111111111', 'CONFLICT', 'other'),
      { ...at('111111111111', 'CONFLICT', 'other'), region: 'eu-west-1' },
      { ...at('222222222222', 'CONFLICT', 'other'), region: 'eu-west-1' },
    ]);
    expect(groups.map(({ pairs, accountIds }) => [pairs.map(({ region }) => region), accountIds])).toEqual([
      [['us-east-1'], ['111111111111']],
      [['eu-west-1'], ['111111111111', '222222222222']],
    ]);
  });
});

describe('summarizeGroups', () => {
  const ids = (count: number, from = 100000000000) =>
    Array.from({ length: count }, (_, i) => String(from + i));
  const group = (accounts: number, reason: string, from?: number) => ({
    outcome: 'FAILED' as const,
    reason,
    pairs: [
      { region: 'us-east-1', service: 'securityhub' as const },
      { region: 'eu-west-1', service: 'securityhub' as const },
    ],
    accountIds: ids(accounts, from),
  });
  const limits = { bytes: 2_000, ids: 3, reasonLength: 20 };

  it.each([
    {
      name: 'small groups whole',
      groups: [group(2, 'denied')],
      shown: 1,
      complete: true,
      omitted: { groups: 0, memberships: 0 },
    },
    {
      name: 'a long group clipped to its first ids',
      groups: [group(5, 'denied')],
      shown: 1,
      complete: false,
      omitted: { groups: 0, memberships: 4 },
    },
    {
      name: 'a long reason clipped',
      groups: [group(1, 'x'.repeat(50))],
      shown: 1,
      complete: false,
      omitted: { groups: 0, memberships: 0 },
    },
    {
      name: 'groups past the byte budget left out and counted',
      groups: Array.from({ length: 40 }, (_, i) => group(1, `reason ${i}`, 100000000000 + i)),
      shown: 11,
      complete: false,
      omitted: { groups: 29, memberships: 58 },
    },
  ])('keeps $name', ({ groups, shown, complete, omitted }) => {
    const summary = summarizeGroups(groups, limits);
    expect(summary.groups).toHaveLength(shown);
    expect(summary.complete).toBe(complete);
    expect(summary.omitted).toEqual(omitted);
    expect(Buffer.byteLength(JSON.stringify(summary.groups))).toBeLessThanOrEqual(limits.bytes);
    for (const shownGroup of summary.groups) {
      expect(shownGroup.accountIds.length).toBeLessThanOrEqual(limits.ids);
      expect(shownGroup.reason?.length ?? 0).toBeLessThanOrEqual(limits.reasonLength);
    }
  });
});

describe('explainByOtherService', () => {
  const volumeUnknown = {
    accountId: '100000000000',
    region: 'eu-west-1',
    service: 'detective' as const,
    outcome: 'ACCEPTED_BUT_DISABLED' as const,
    reason: 'VOLUME_UNKNOWN: Detective cannot see the account data volume',
  };

  it.each([
    [
      'GuardDuty is onboarded and not enabled there',
      [
        {
          accountId: '100000000000',
          region: 'eu-west-1',
          service: 'guardduty' as const,
          outcome: 'PENDING_ACCEPTANCE' as const,
        },
      ],
      `${volumeUnknown.reason}; this account's GuardDuty membership in this Region is PENDING_ACCEPTANCE: onboard GuardDuty there first`,
    ],
    [
      'GuardDuty is onboarded and enabled there',
      [
        {
          accountId: '100000000000',
          region: 'eu-west-1',
          service: 'guardduty' as const,
          outcome: 'ENABLED' as const,
        },
      ],
      `${volumeUnknown.reason}; this account's GuardDuty membership in this Region is ENABLED`,
    ],
    ['GuardDuty is not onboarded', [], volumeUnknown.reason],
    [
      "only another Region's GuardDuty is onboarded",
      [
        {
          accountId: '100000000000',
          region: 'us-east-1',
          service: 'guardduty' as const,
          outcome: 'ENABLED' as const,
        },
      ],
      volumeUnknown.reason,
    ],
  ])('explains VOLUME_UNKNOWN when %s', (_, others, reason) => {
    const [explained] = explainByOtherService([volumeUnknown, ...others]);
    expect(explained?.reason).toBe(reason);
  });

  it('leaves other outcomes alone', () => {
    const enabled = { ...volumeUnknown, outcome: 'ENABLED' as const, reason: undefined };
    const guardDuty = { ...volumeUnknown, service: 'guardduty' as const, outcome: 'ENABLED' as const };
    expect(explainByOtherService([enabled, guardDuty])).toEqual([enabled, guardDuty]);
  });
});
