import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { historyText } from '../../cli/commands/run.ts';
import { main } from '../../cli/main.ts';
import { memoryIo, OVERSIZED_INPUT, withOversizedCsv } from './helpers.ts';

// The real state machine and handlers against the stand-in: each run takes one to three seconds.
const root = new URL('../../', import.meta.url).pathname;
const fast = ['--time-scale', '0.002'];

describe('historyText', () => {
  const child = (historyEvents: number, stateTransitions: number) => ({
    name: 'child',
    status: 'SUCCEEDED' as const,
    history: { historyEvents, stateTransitions, lambdaInvocations: 0 },
    maxPayloadBytes: 0,
    maxPayloadState: '',
    runningAtStart: [],
  });

  it.each([
    {
      children: [],
      text: 'in AWS: the parent execution 10 state transitions and 35 history events; 3 Lambda invocations in all.',
    },
    {
      children: [child(120, 40), child(300, 90)],
      text:
        'in AWS: the parent execution 10 state transitions and 35 history events; 2 child executions, ' +
        '130 state transitions, at most 300 history events each; 3 Lambda invocations in all.',
    },
  ])('gives the parent and its $children.length children apart', ({ children, text }) => {
    expect(
      historyText({ history: { historyEvents: 35, stateTransitions: 10, lambdaInvocations: 3 }, children }),
    ).toBe(text);
  });
});

describe('muster run --local', () => {
  it('returns 0 with progress on stderr and the report on stdout when the healthy organization onboards', async () => {
    const io = memoryIo({ cwd: root });

    expect(await main(['run', '--local', ...fast], io)).toBe(0);
    expect(io.stderr.text).toContain('Local run, scenario "healthy"');
    expect(io.stderr.text).toContain(
      'resolve  120 accounts × 3 Regions × 2 services = 720 memberships, 1 skipped',
    );
    expect(io.stderr.text).toMatch(/^create {3}ap-southeast-2 detective done \(\d\/6\)$/m);
    expect(io.stderr.text).toContain('finished Onboarded');
    expect(io.stdout.text).toMatch(
      /SUCCEEDED {2}726 memberships: 720 enabled, 6 skipped by rule, check round 0/,
    );
    expect(io.stdout.text).toMatch(
      /Ran in \d+\.\d s; in AWS: the parent execution \d+ state transitions and \d+ history events; 1 child execution, \d+ state transitions, at most \d+ history events each; \d+ Lambda invocations in all\./,
    );
  });

  it('returns 1 and every membership as JSON when the hostile scenario leaves conflicts', async () => {
    const io = memoryIo({ cwd: root });

    const code = await main(
      [
        'run',
        '--local',
        '--scenario',
        'local/scenarios/hostile.json',
        '--input',
        'test/cli/fixtures/hostile-input.json',
        '--json',
        ...fast,
      ],
      io,
    );

    expect(code).toBe(1);
    expect(io.stderr.text).toBe('');
    const report = JSON.parse(io.stdout.text);
    expect(report).toMatchObject({
      status: 'NEEDS_ATTENTION',
      exitCode: 1,
      total: 16,
      error: 'OnboardingNeedsAttention',
    });
    expect(report.memberships).toHaveLength(16);
    expect(report.memberships).toContainEqual(
      expect.objectContaining({
        accountId: '555555555556',
        region: 'us-east-1',
        service: 'securityhub',
        outcome: 'CONFLICT',
      }),
    );
    expect(report.memberships).toContainEqual(
      expect.objectContaining({
        accountId: '333333333334',
        service: 'detective',
        outcome: 'VERIFICATION_FAILED',
      }),
    );
  });

  it("returns 1 with every case the hostile scenario promises when npm start runs it with the scenario's own input", async () => {
    const io = memoryIo({ cwd: root });

    const code = await main(
      ['run', '--local', '--scenario', 'local/scenarios/hostile.json', '--time-scale', '0.004'],
      io,
    );

    expect(code).toBe(1);
    expect(io.stderr.text).toContain("Input: local/scenarios/hostile.input.json, the scenario's own");
    expect(io.stderr.text).toContain('resolve  71 accounts × 3 Regions × 2 services');
    // The late member role (10 scenario minutes: 2.4 s here) is missing in the first rounds; every
    // round waits 150 s (0.6 s), so it appears well before the 30-minute poll timeout ends the run.
    expect(io.stderr.text).toMatch(/^check {4}round [1-9]: .*MEMBER_ROLE_MISSING 6/m);
    const report = io.stdout.text;
    // An account line is its id and, where Organizations names it, the name in brackets.
    const named = (line: string) => line.replace(/^(\d{12})/, '$1(?: \\([^)\\n]*\\))?');
    const group = (outcome: string, ...lines: string[]) =>
      expect(report).toMatch(
        new RegExp(`^ {2}${outcome} .*\\n${lines.map((line) => ` {4}${named(line)}`).join('\\n')}`, 'm'),
      );
    // Outside accounts invited and accepted, one with a wrong root email for Detective.
    expect(report).toMatch(
      /^ {2}VERIFICATION_FAILED {2}detective in us-east-1 {2}1 account\n {4}333333333334 \(outside-wrong-root-email\)\n {4}Detective could not verify the account: the email address is not the account root email/m,
    );
    // Other administrators, inside and outside the organization.
    group('CONFLICT', '555555555556', 'already a member of Security Hub administrator 999999999998');
    // AWS publishes no text for an organization account held by another administrator, nor for one
    // whose opt-in Region is off: the stand-in's own texts say so, and muster reports them FAILED.
    group('FAILED', '555555555555', "Stand-in text, not AWS's: the account is associated with a different");
    // The other outside accounts were invited and accepted: ENABLED, so not listed.
    for (const enabled of ['333333333333', '333333333335']) expect(report).not.toContain(enabled);
    // A missing member role stays missing; the late one's account is enabled by the end.
    group('MEMBER_ROLE_MISSING', '777777777777\\n {4}AccessDenied: .*MusterMemberRole');
    expect(report).not.toContain('777777777778');
    // The opt-in Region disabled for one member.
    group('FAILED', '444444444444', "Stand-in text, not AWS's: the account has not enabled this Region.");
    group('SKIPPED_ACCOUNT_INACTIVE', '666666666666');
    expect(report).toMatch(/NEEDS ATTENTION .* check round 12/);
  }, 60_000);

  describe("with a scenario's own input beside it", () => {
    let folder = '';
    beforeEach(() => {
      folder = mkdtempSync(join(tmpdir(), 'muster-scenario-'));
      copyFileSync(join(root, 'local/scenarios/healthy.json'), join(folder, 'small.json'));
    });
    afterEach(() => rmSync(folder, { recursive: true, force: true }));

    it('returns 0 having run that input, with --regions applied over it', async () => {
      writeFileSync(join(folder, 'small.input.json'), '{"accounts": [{"accountId": "200000000001"}]}');
      const io = memoryIo({ cwd: folder });

      expect(
        await main(['run', '--local', '--scenario', 'small.json', '--regions', 'eu-west-1', ...fast], io),
      ).toBe(0);
      expect(io.stderr.text).toContain("Input: small.input.json, the scenario's own");
      expect(io.stderr.text).toContain('resolve  1 account × 1 Region × 2 services = 2 memberships');
    });

    it("returns 0 having run the --accounts given instead of the scenario's input", async () => {
      writeFileSync(join(folder, 'small.input.json'), '{"accounts": [{"accountId": "200000000001"}]}');
      const io = memoryIo({ cwd: folder });

      expect(
        await main(
          ['run', '--local', '--scenario', 'small.json', '--accounts', '200000000002,200000000003', ...fast],
          io,
        ),
      ).toBe(0);
      expect(io.stderr.text).not.toContain('Input:');
      expect(io.stderr.text).toContain('resolve  2 accounts × 3 Regions');
    });

    it('returns 2 naming the file when the input is not a JSON object', async () => {
      writeFileSync(join(folder, 'small.input.json'), '[]');
      const io = memoryIo({ cwd: folder });

      expect(await main(['run', '--local', '--scenario', 'small.json', ...fast], io)).toBe(2);
      expect(io.stderr.text).toContain(
        "small.input.json: a scenario's input must be a JSON object, found a list",
      );
    });
  });

  it('returns 2 with the reason when the workflow rejects the input', async () => {
    const io = memoryIo({ cwd: root });

    expect(await main(['run', '--local', '--regions', 'mars-1', ...fast], io)).toBe(2);
    expect(io.stdout.text).toContain(
      'REJECTED\nInvalidInputError: input.regions[0]: "mars-1" is not a known AWS Region',
    );
  });

  it('returns 2 and runs nothing when the --input file holds null', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'muster-null-'));
    try {
      writeFileSync(join(folder, 'null.json'), 'null\n');
      const io = memoryIo({ cwd: folder });

      expect(await main(['run', '--local', '--input', 'null.json', ...fast], io)).toBe(2);
      expect(io.stderr.text).toContain('null.json: holds null, not a JSON object');
      expect(io.stderr.text).not.toContain('Local run');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('returns 2 and runs nothing for an input StartExecution would refuse as too large, as muster start does', async () => {
    await withOversizedCsv(async (folder) => {
      const io = memoryIo({ cwd: folder });

      expect(await main(['run', '--local', '--csv', 'big.csv', ...fast], io)).toBe(2);
      expect(io.stderr.text).toMatch(OVERSIZED_INPUT);
      expect(io.stderr.text).not.toContain('Local run');
    });
  });

  it('returns 0 and the plan when the run is a dry run', async () => {
    const io = memoryIo({ cwd: root });

    expect(
      await main(['run', '--local', '--accounts', '200000000001', '--dry-run', '--json', ...fast], io),
    ).toBe(0);
    expect(JSON.parse(io.stdout.text)).toMatchObject({
      status: 'NOTHING_TO_DO',
      exitCode: 0,
      plan: { dryRun: true, accounts: [{ accountId: '200000000001' }], memberships: 6 },
    });
  });

  it('returns 2 naming the problem when the scenario file is not a scenario', async () => {
    const io = memoryIo({ cwd: root });

    expect(await main(['run', '--local', '--scenario', 'test/cli/fixtures/hostile-input.json'], io)).toBe(2);
    expect(io.stderr.text).toMatch(/--scenario: .*hostile-input\.json is not a valid scenario/);
  });

  it('returns 2 when --local is missing', async () => {
    const io = memoryIo();

    expect(await main(['run'], io)).toBe(2);
    expect(io.stderr.text).toContain('muster run only runs locally: add --local');
  });
});

describe('muster plan --local', () => {
  it('returns the plan of the stand-in organization without any AWS account', async () => {
    const io = memoryIo({ cwd: root });

    expect(await main(['plan', '--local', '--all-accounts', '--dry-run', '--json'], io)).toBe(0);
    const plan = JSON.parse(io.stdout.text);
    expect(plan).toMatchObject({ administratorId: '111111111111', dryRun: true, memberships: 720 });
    expect(plan.accounts).toHaveLength(120);
    expect(plan.skipped).toEqual([
      expect.objectContaining({ accountId: '111111111111', outcome: 'SKIPPED_ADMINISTRATOR' }),
    ]);
  });
});

describe('muster plan --local, muster run --local --dry-run', () => {
  it('returns 0 and prints the run that does it for real when the plan is local', async () => {
    const io = memoryIo({ cwd: root });

    expect(
      await main(
        ['plan', '--local', '--accounts', '200000000002', '--regions', 'eu-west-1', '--dry-run'],
        io,
      ),
    ).toBe(0);
    expect(io.stdout.text).toContain('  200000000002 (member-2)  aws+200000000002@example.com\n');
    expect(io.stdout.text).toContain(
      'To run it for real:\n  muster run --local --accounts 200000000002 --regions eu-west-1\n',
    );
  });

  it('returns 0 and prints the same run without --dry-run after a local dry run', async () => {
    const io = memoryIo({ cwd: root });

    expect(
      await main(
        [
          'run',
          '--local',
          '--accounts',
          '200000000002',
          '--dry-run',
          '--scenario',
          'local/scenarios/healthy.json',
        ],
        io,
      ),
    ).toBe(0);
    expect(io.stdout.text).toContain(
      'Accounts to onboard (1)\n  200000000002 (member-2)  aws+200000000002@example.com\n',
    );
    // The plan's note is the report's line, printed once.
    expect(io.stdout.text.match(/Dry run: this is the plan/g)).toHaveLength(1);
    expect(io.stdout.text).toContain(
      'To run it for real:\n  muster run --local --accounts 200000000002 --scenario local/scenarios/healthy.json\n',
    );
  });
});

describe('muster plan --local --split', () => {
  const folders: string[] = [];
  const folder = () => {
    const made = mkdtempSync(join(tmpdir(), 'muster-split-'));
    folders.push(made);
    return made;
  };
  afterEach(() => {
    for (const made of folders.splice(0)) rmSync(made, { recursive: true, force: true });
  });

  it('writes the organization as CSV batches, private to the owner, and says how to run them', async () => {
    const out = folder();
    const io = memoryIo({ cwd: root });

    expect(await main(['plan', '--local', '--all-accounts', '--split', out, '--batch-size', '50'], io)).toBe(
      0,
    );

    expect(readdirSync(out)).toEqual(['batch-001.csv', 'batch-002.csv', 'batch-003.csv']);
    const rows = readdirSync(out).flatMap((name) =>
      readFileSync(join(out, name), 'utf8').trim().split('\n').slice(1),
    );
    expect(rows).toHaveLength(120);
    expect(rows).not.toContainEqual(expect.stringMatching(/^111111111111,/));
    expect(statSync(join(out, 'batch-001.csv')).mode & 0o777).toBe(0o600);
    expect(io.stdout.text).toContain(`Wrote 3 batches of at most 50 accounts to ${out}`);
    // --follow is for AWS: a local run waits for itself.
    expect(io.stdout.text).toContain(
      `for batch in ${out}/batch-*.csv; do muster run --local --csv "$batch"; done`,
    );

    // Each batch is an input the workflow plans as it is.
    const batch = memoryIo({ cwd: root });
    expect(await main(['plan', '--local', '--csv', join(out, 'batch-003.csv'), '--json'], batch)).toBe(0);
    expect(JSON.parse(batch.stdout.text).accounts).toHaveLength(20);
  });

  it('quotes a folder with a space in the line it suggests, so it can be pasted', async () => {
    const out = join(folder(), 'my batches');
    const io = memoryIo({ cwd: root });

    expect(await main(['plan', '--local', '--all-accounts', '--split', out], io)).toBe(0);
    expect(io.stdout.text).toContain(`muster run --local --csv '${join(out, 'batch-001.csv')}'`);
  });

  it('returns 2 and writes nothing more into a folder that has batches already', async () => {
    const out = folder();
    expect(await main(['plan', '--local', '--all-accounts', '--split', out], memoryIo({ cwd: root }))).toBe(
      0,
    );
    const io = memoryIo({ cwd: root });

    expect(await main(['plan', '--local', '--all-accounts', '--split', out, '--batch-size', '10'], io)).toBe(
      2,
    );
    expect(io.stderr.text).toContain(`${out} has batches already (batch-001.csv): choose an empty folder`);
    expect(readdirSync(out)).toEqual(['batch-001.csv']);
  });

  it('returns 2 for --batch-size without --split, or above what one execution takes', async () => {
    const alone = memoryIo({ cwd: root });
    expect(await main(['plan', '--local', '--all-accounts', '--batch-size', '10'], alone)).toBe(2);
    expect(alone.stderr.text).toContain('--batch-size goes with --split <folder>');

    const out = folder();
    const big = memoryIo({ cwd: root });
    expect(
      await main(['plan', '--local', '--all-accounts', '--split', out, '--batch-size', '1300'], big),
    ).toBe(2);
    expect(big.stderr.text).toContain(
      '--batch-size must be at most 1200 for this plan (the most one execution takes for securityhub, detective), got 1300',
    );
    expect(readdirSync(out)).toEqual([]);
  });
});
