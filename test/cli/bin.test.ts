import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { buildCli } from '../../scripts/build.ts';

const run = promisify(execFile);
const bin = new URL('../../bin/muster.mjs', import.meta.url).pathname;

describe('bin/muster.mjs', () => {
  it('returns the usage with exit code 0 when run with --help from the clone', async () => {
    const { stdout, stderr } = await run(process.execPath, [bin, '--help']);

    expect(stdout).toMatch(/^Usage: muster \[options\] \[command\]/);
    expect(stdout).toContain('run [options]');
    expect(stderr).toBe('');
  });
});

/**
 * An install without devDependencies, away from the clone's node_modules: bin/ and the bundle in a
 * folder of /tmp with no node_modules above it, so every import must be inside the bundle.
 */
describe('the built CLI (npm run build) without node_modules', () => {
  let root: string;
  // No NODE_PATH or NODE_OPTIONS that could lead back to the clone's packages.
  const env = { PATH: process.env.PATH ?? '', HOME: tmpdir() };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'muster-install-'));
    await buildCli(join(root, 'dist'));
    mkdirSync(join(root, 'bin'));
    copyFileSync(bin, join(root, 'bin', 'muster.mjs'));
  }, 120_000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each([
    ['the bundle', () => join(root, 'dist', 'cli', 'muster.mjs')],
    ['bin/muster.mjs, which falls back to the bundle without tsx', () => join(root, 'bin', 'muster.mjs')],
  ])('returns the version of package.json and the help from %s', async (_, file) => {
    const version = await run(process.execPath, [file(), '--version'], { cwd: root, env });
    const help = await run(process.execPath, [file(), '--help'], { cwd: root, env });

    expect(version.stdout).toBe(`${packageJson.version}\n`);
    expect(help.stdout).toMatch(/^Usage: muster \[options\] \[command\]/);
    expect(help.stdout).toContain('Exit codes:');
    expect(help.stderr).toBe('');
  });

  it("keeps the SDK's whole credential chain (profiles, SSO), unlike the Lambda bundles", () => {
    const bundle = readFileSync(join(root, 'dist', 'cli', 'muster.mjs'), 'utf8');

    expect(bundle).toContain('fromIni');
    expect(bundle).toContain('fromSSO');
  });

  it('reads the same coverage on the stand-in as the sources do, with the same read calls', async () => {
    const scenario = new URL('../../local/scenarios/healthy.json', import.meta.url).pathname;
    const args = ['coverage', '--local', '--scenario', scenario, '--output', 'json'];
    // Exit code 1: the healthy scenario's accounts are not members yet.
    const read = async (file: string, cwd: string, environment?: NodeJS.ProcessEnv) => {
      const failed = await run(process.execPath, [file, ...args], { cwd, env: environment }).then(
        () => expect.unreachable('coverage exited 0 with nothing covered'),
        (error: { code: number; stdout: string }) => error,
      );
      expect(failed.code).toBe(1);
      const { readAt: _, ...report } = JSON.parse(failed.stdout) as {
        readAt: string;
        calls: Record<string, number>;
      };
      return report;
    };

    const fromBundle = await read(join(root, 'dist', 'cli', 'muster.mjs'), root, env);
    const fromSources = await read(bin, process.cwd());

    expect(fromBundle).toEqual(fromSources);
    expect(Object.keys(fromBundle.calls).sort()).toEqual([
      'detective:ListGraphs',
      'detective:ListMembers',
      'organizations:ListAccounts',
      'securityhub:DescribeHub',
      'securityhub:ListMembers',
    ]);
  });

  it('returns 2 from a bad input, as the sources do', async () => {
    const failed = run(
      process.execPath,
      [join(root, 'dist', 'cli', 'muster.mjs'), 'plan', '--accounts', '12'],
      {
        cwd: root,
        env,
      },
    );

    await expect(failed).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('"12"') });
  });
});
