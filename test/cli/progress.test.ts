import { describe, expect, it } from 'vitest';
import { advance, type FlowEvent, type Progress, startProgress } from '../../cli/history.ts';
import { barsView, linesView, progressLine, viewFor } from '../../cli/progress.ts';
import { memoryIo, samplePlan, sampleReport } from './helpers.ts';

const plan = samplePlan();
const events: FlowEvent[] = [
  { type: 'entered', state: 'Resolve Accounts' },
  { type: 'exited', state: 'Resolve Accounts', output: { plan } },
  { type: 'entered', state: 'Onboard Each Region' },
  {
    type: 'exited',
    state: 'Region Done',
    output: { region: 'us-east-1', service: 'securityhub', failed: [] },
  },
  {
    type: 'exited',
    state: 'Region Done',
    output: {
      region: 'eu-west-1',
      service: 'detective',
      failed: [
        { outcome: 'SERVICE_NOT_ENABLED', reason: 'no graph', count: 1, accountIds: ['200000000001'] },
      ],
    },
  },
  {
    type: 'exited',
    state: 'Check Members',
    output: {
      report: sampleReport({
        status: 'PENDING',
        round: 0,
        invitations: [
          {
            outcome: 'PENDING_INVITATION',
            pairs: [
              { region: 'us-east-1', service: 'securityhub' },
              { region: 'eu-west-1', service: 'securityhub' },
            ],
            accountIds: ['200000000002'],
          },
        ],
      }),
    },
  },
  { type: 'exited', state: 'Next Round', output: { poll: { round: 1, batches: [['200000000002']] } } },
  {
    type: 'exited',
    state: 'Invite Members',
    output: {
      poll: {
        invited: {
          unfinished: [
            {
              outcome: 'FAILED',
              reason: 'The account is suspended',
              pairs: [{ region: 'us-east-1', service: 'securityhub' }],
              accountIds: ['200000000002'],
            },
          ],
        },
      },
    },
  },
  { type: 'exited', state: 'Accept Batch', output: { unfinished: [] } },
  { type: 'exited', state: 'Accept Invitations', output: {} },
  { type: 'entered', state: 'Wait For Members' },
  { type: 'entered', state: 'Needs Attention' },
  { type: 'ended', status: 'FAILED', error: 'OnboardingNeedsAttention', cause: '…' },
];

function play(view: { update(progress: Progress, event: FlowEvent): void; stop(): void }): void {
  let progress = startProgress();
  for (const event of events) {
    progress = advance(progress, event);
    view.update(progress, event);
  }
  view.stop();
}

describe('progressLine', () => {
  it('names the services whose memberships the invite step invites, GuardDuty among them', () => {
    const invitations = (services: ('securityhub' | 'guardduty')[]) =>
      sampleReport({
        status: 'PENDING',
        round: 0,
        invitations: [
          {
            outcome: 'PENDING_INVITATION',
            pairs: services.map((service) => ({ region: 'us-east-1', service })),
            accountIds: ['200000000002'],
          },
        ],
      });
    const lineFor = (report: ReturnType<typeof sampleReport>) => {
      let progress = startProgress();
      for (const event of [
        { type: 'exited', state: 'Resolve Accounts', output: { plan } },
        { type: 'exited', state: 'Check Members', output: { report } },
        { type: 'exited', state: 'Next Round', output: { poll: { round: 1, batches: [['200000000002']] } } },
      ] as FlowEvent[])
        progress = advance(progress, event);
      const invite: FlowEvent = {
        type: 'exited',
        state: 'Invite Members',
        output: { poll: { invited: {} } },
      };
      return progressLine(advance(progress, invite), invite);
    };

    expect(lineFor(invitations(['guardduty']))).toBe('invite   round 1: 1 GuardDuty membership to invite');
    expect(lineFor(invitations(['securityhub', 'guardduty']))).toBe(
      'invite   round 1: 2 Security Hub and GuardDuty memberships to invite',
    );
  });

  it('returns one line per phase step worth showing and nothing for the others', () => {
    let progress = startProgress();
    const lines = events.flatMap((event) => {
      progress = advance(progress, event);
      return progressLine(progress, event) ?? [];
    });
    expect(lines).toEqual([
      'resolve  3 accounts × 2 Regions × 2 services = 12 memberships, 1 skipped',
      'create   creating members in 4 Region × service pairs',
      'create   us-east-1 securityhub done (1/4)',
      'create   eu-west-1 detective done; SERVICE_NOT_ENABLED 1 (2/4)',
      'check    round 0: ENABLED 11, CONFLICT 1, SKIPPED_ADMINISTRATOR 4 → PENDING',
      'accept   round 1: 0 pending accounts in 1 batch',
      'invite   round 1: 2 Security Hub memberships to invite, 1 not invited (the next check says why)',
      'accept   round 1: 1/1 batches done',
      'wait     for members to accept and verify (poll interval 60 s)',
      'finished Needs Attention (OnboardingNeedsAttention)',
    ]);
  });
});

describe('viewFor', () => {
  it('returns plain lines on stderr when stderr is not a terminal', () => {
    const io = memoryIo();
    play(viewFor(io, false));
    expect(io.stderr.text).toContain('create   us-east-1 securityhub done (1/4)\n');
    expect(io.stderr.text).not.toContain('\u001b[');
    expect(io.stdout.text).toBe('');
  });

  it('returns a view that writes nothing for --json', () => {
    const io = memoryIo({ tty: true });
    play(viewFor(io, true));
    expect(io.stderr.text + io.stdout.text).toBe('');
  });
});

describe('barsView', () => {
  it('returns bars for the pairs, the check rounds and the member batches on a terminal', () => {
    const io = memoryIo({ tty: true, env: { NO_COLOR: '1' } });
    play(barsView(io));
    expect(io.stderr.text).toMatch(/Region × service \S+ 2\/4 1 set aside/);
    expect(io.stderr.text).toMatch(/Check rounds +\S+ 1\/31 PENDING/);
    expect(io.stderr.text).toMatch(/Member batches +\S+ 1\/1 round 1/);
    expect(io.stderr.text).toContain('create   eu-west-1 detective done; SERVICE_NOT_ENABLED 1 (2/4)');
  });
});

describe('linesView', () => {
  it('returns one plain line per step worth showing when the execution goes through every phase', () => {
    const io = memoryIo();
    play(linesView(io));
    expect(io.stderr.text.split('\n').filter(Boolean)).toHaveLength(10);
  });
});
