import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { DescribeHubCommand, ListMembersCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { configPaths, loadDefaults } from '../../cli/defaults.ts';
import { main } from '../../cli/main.ts';
import { memoryIo } from './helpers.ts';

const folders: string[] = [];

/** A folder to run in, and an XDG config home, with the files given. */
function place(files: { cwd?: string; xdg?: string }) {
  const root = mkdtempSync(join(tmpdir(), 'muster-defaults-'));
  folders.push(root);
  const cwd = join(root, 'work');
  const xdg = join(root, 'xdg');
  mkdirSync(cwd);
  mkdirSync(join(xdg, 'muster'), { recursive: true });
  if (files.cwd !== undefined) writeFileSync(join(cwd, '.muster.json'), files.cwd);
  if (files.xdg !== undefined) writeFileSync(join(xdg, 'muster', 'config.json'), files.xdg);
  return { cwd, xdg };
}

afterEach(() => {
  vi.unstubAllEnvs();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('configPaths', () => {
  it.each([
    [
      'XDG_CONFIG_HOME is set',
      { XDG_CONFIG_HOME: '/x', HOME: '/h' },
      ['/w/.muster.json', '/x/muster/config.json'],
    ],
    ['only HOME is set', { HOME: '/h' }, ['/w/.muster.json', '/h/.config/muster/config.json']],
    ['neither is set', {}, ['/w/.muster.json']],
  ])('returns the folder first, then the user config, when %s', (_, env, paths) => {
    expect(configPaths({ cwd: '/w', env })).toEqual(paths);
  });
});

describe('loadDefaults', () => {
  it.each([
    [
      'a flag-less call reads the file in the folder before the user config',
      { cwd: '{"stackName": "here"}', xdg: '{"stackName": "user", "region": "eu-west-1"}' },
      {},
      { stackName: 'here' },
    ],
    [
      'only the user config exists',
      { xdg: '{"stackName": "user", "region": "eu-west-1", "profile": "audit"}' },
      {},
      { stackName: 'user', region: 'eu-west-1', profile: 'audit' },
    ],
    [
      'the environment beats the file',
      { cwd: '{"stackName": "file", "region": "eu-west-1", "profile": "file"}' },
      { MUSTER_STACK_NAME: 'env', AWS_REGION: 'us-east-1', AWS_PROFILE: 'env' },
      { stackName: 'env', region: 'us-east-1', profile: 'env' },
    ],
    [
      'an empty variable counts as unset',
      { cwd: '{"stackName": "file"}' },
      { MUSTER_STACK_NAME: '' },
      { stackName: 'file' },
    ],
    ['there is no file and no variable', {}, {}, {}],
  ])('returns the defaults when %s', async (_, files, env, expected) => {
    const { cwd, xdg } = place(files);

    expect(await loadDefaults({ cwd, env: { XDG_CONFIG_HOME: xdg, ...env } })).toEqual(expected);
  });

  it.each([
    [
      'an unknown key',
      '{"stackname": "typo"}',
      /\.muster\.json: "stackname": .*it takes "stackName", "region" and "profile"/,
    ],
    ['a key that is not a string', '{"region": 42}', /\.muster\.json: region: .*string/],
    ['an empty value', '{"profile": ""}', /\.muster\.json: profile: /],
    ['no JSON', 'stackName=muster', /\.muster\.json: not a JSON document/],
    ['a list', '["muster"]', /\.muster\.json: .*it takes/],
  ])('throws a ConfigurationError naming the file and the key for %s', async (_, text, message) => {
    const { cwd, xdg } = place({ cwd: text });

    await expect(loadDefaults({ cwd, env: { XDG_CONFIG_HOME: xdg } })).rejects.toMatchObject({
      name: 'ConfigurationError',
      message: expect.stringMatching(message),
    });
  });
});

describe('muster with a config file', () => {
  it('returns 2 naming the bad key before any AWS call', async () => {
    const { cwd, xdg } = place({ xdg: '{"stack": "muster"}' });
    const io = memoryIo({ cwd, env: { XDG_CONFIG_HOME: xdg } });

    expect(await main(['executions'], io)).toBe(2);
    expect(io.stderr.text).toContain(`${join(xdg, 'muster', 'config.json')}: "stack": `);
  });
});

describe('muster coverage with a config file', () => {
  const organizations = mockClient(OrganizationsClient);
  const securityHub = mockClient(SecurityHubClient);

  it("reads the config file's Region and profile, as the other AWS commands do", async () => {
    organizations.reset();
    securityHub.reset();
    organizations.on(ListAccountsCommand).resolves({ Accounts: [{ Id: '200000000001', State: 'ACTIVE' }] });
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub
      .on(ListMembersCommand)
      .resolves({ Members: [{ AccountId: '200000000001', MemberStatus: 'Enabled' }] });
    // The SDK's own lookup would find this one: the file's must win, as io.env has no AWS_REGION.
    vi.stubEnv('AWS_REGION', 'us-west-2');
    const { cwd } = place({ cwd: '{"region": "eu-west-1", "profile": "security-admin"}' });
    const io = memoryIo({ cwd });

    const args = ['coverage', '--administrator-id', '111111111111', '--services', 'securityhub'];
    expect(await main([...args, '--output', 'json'], io)).toBe(0);
    expect(JSON.parse(io.stdout.text)).toMatchObject({ regions: ['eu-west-1'] });
    expect(await securityHub.call(0).thisValue.config.region()).toBe('eu-west-1');
    expect(securityHub.call(0).thisValue.config.profile).toBe('security-admin');
  });
});
