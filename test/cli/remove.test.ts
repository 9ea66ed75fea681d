import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { memoryIo } from './helpers.ts';

// Accounts of local/scenarios/healthy.json (120 ACTIVE accounts from 200000000001) and one it does not have.
const ACTIVE = '200000000001';
const OUTSIDE = '999900001111';

describe('muster remove --local', () => {
  it('plans a dry run and changes nothing', async () => {
    const io = memoryIo();
    expect(await main(['remove', '--local', '--accounts', OUTSIDE, '--dry-run'], io)).toBe(0);

    expect(io.stdout.text).toContain('Removal plan');
    expect(io.stdout.text).toContain(OUTSIDE);
    expect(io.stdout.text).toContain('A dry run changes nothing');
    // Each service's calls, from the registry, the services with the same calls together.
    expect(io.stdout.text).toContain(
      'Security Hub and GuardDuty: DisassociateMembers, then DeleteMembers; Detective: DeleteMembers (at most 50 accounts a call)',
    );
  });

  it("plans only the named services' calls", async () => {
    const io = memoryIo();
    expect(
      await main(['remove', '--local', '--accounts', OUTSIDE, '--services', 'detective', '--dry-run'], io),
    ).toBe(0);

    expect(io.stdout.text).toContain('  Detective: DeleteMembers (at most 50 accounts a call)');
    expect(io.stdout.text).not.toContain('DisassociateMembers');
  });

  it('refuses an ACTIVE organization account by name with exit 2, before anything is asked or removed', async () => {
    const io = memoryIo({ stdinTty: true });
    expect(await main(['remove', '--local', '--accounts', `${OUTSIDE},${ACTIVE}`, '--yes'], io)).toBe(2);

    expect(io.stderr.text).toContain(`${ACTIVE} is an ACTIVE account of the organization`);
    expect(io.stderr.text).toContain('--include-active-organization-accounts');
    expect(io.stderr.text).not.toContain(OUTSIDE);
    expect(io.stdout.text).toBe('');
    expect(io.questions).toEqual([]);
  });

  it('asks before removing, and without a terminal needs --yes (exit 5)', async () => {
    const noTerminal = memoryIo();
    expect(await main(['remove', '--local', '--accounts', OUTSIDE], noTerminal)).toBe(5);
    expect(noTerminal.stderr.text).toContain('pass --yes');

    const declined = memoryIo({ stdinTty: true, answers: ['n'] });
    expect(await main(['remove', '--local', '--accounts', OUTSIDE], declined)).toBe(5);
    expect(declined.questions).toEqual(['Remove every membership of 1 account(s)? [y/N] ']);
  });

  it('runs the offboarding with --yes: an account without memberships is NOT_A_MEMBER_ALREADY everywhere', async () => {
    const io = memoryIo();
    expect(await main(['remove', '--local', '--accounts', OUTSIDE, '--yes', '--json'], io)).toBe(0);

    const result = JSON.parse(io.stdout.text);
    expect(result.status).toBe('SUCCEEDED');
    // healthy.json: 3 Regions, and the stand-in's two services.
    expect(result.removal.counts).toEqual({ NOT_A_MEMBER_ALREADY: 6 });
  });

  it('removes an ACTIVE account only with --include-active-organization-accounts', async () => {
    const io = memoryIo();
    expect(
      await main(
        [
          'remove',
          '--local',
          '--accounts',
          ACTIVE,
          '--include-active-organization-accounts',
          '--yes',
          '--json',
        ],
        io,
      ),
    ).toBe(0);
    expect(JSON.parse(io.stdout.text).removal.accountIds).toEqual([ACTIVE]);
  });

  it('refuses a bad account id naming it, with exit 2', async () => {
    const io = memoryIo();
    expect(await main(['remove', '--local', '--accounts', '12345', '--dry-run'], io)).toBe(2);
    expect(io.stderr.text).toContain('12345');
  });

  it('refuses more accounts than one offboarding takes, naming the limit, before any call', async () => {
    const io = memoryIo();
    const accounts = Array.from({ length: 501 }, (_, index) => String(400000000000 + index)).join(',');
    expect(await main(['remove', '--local', '--accounts', accounts, '--dry-run'], io)).toBe(2);
    expect(io.stderr.text).toContain('501 accounts');
    expect(io.stderr.text).toContain('at most 500 accounts');
    expect(io.stdout.text).toBe('');
  });
});
