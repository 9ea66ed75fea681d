import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  CreateMembersCommand,
  DescribeHubCommand,
  InviteMembersCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { afterEach, describe, expect, it } from 'vitest';
import { BENCH_REGIONS } from '../../bench/regions.ts';
import { type Inspection, type StandIn, startStandIn } from '../../local/standin/index.ts';
import { ADMIN, clientsFor, memberClients, smallScenario } from './helpers.ts';

const started: StandIn[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

async function start(options: Partial<Parameters<typeof startStandIn>[0]> = {}): Promise<StandIn> {
  const s = await startStandIn({ scenario: smallScenario(), ...options });
  started.push(s);
  return s;
}

/** A signed-looking request: the stand-in reads the credential scope and never checks the signature. */
function signed(
  s: StandIn,
  service: string,
  path: string,
  init: { method?: string; body?: string; headers?: Record<string, string> },
) {
  return fetch(`${s.endpoint}${path}`, {
    method: init.method ?? 'POST',
    body: init.body,
    headers: {
      authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
      ...init.headers,
    },
  });
}

const SEVENTEEN_REGIONS = BENCH_REGIONS;

describe('startStandIn', () => {
  it('starts the shipped healthy scenario on a free port in under a second', async () => {
    const t0 = performance.now();
    const s = await start({ scenario: 'local/scenarios/healthy.json' });
    const elapsed = performance.now() - t0;

    expect(elapsed).toBeLessThan(1000);
    expect(s.endpoint).toBe(`http://127.0.0.1:${s.port}`);
    expect(s.port).toBeGreaterThan(0);
    expect(s.env).toMatchObject({
      AWS_ENDPOINT_URL_SECURITYHUB: s.endpoint,
      AWS_ENDPOINT_URL_DETECTIVE: s.endpoint,
      AWS_ENDPOINT_URL_ORGANIZATIONS: s.endpoint,
      AWS_ENDPOINT_URL_STS: s.endpoint,
      AWS_REGION: 'us-east-1',
    });
  });

  it('starts 1,000 generated accounts in 17 Regions in under a second', async () => {
    const t0 = performance.now();
    const s = await start({
      scenario: smallScenario({ regions: SEVENTEEN_REGIONS, accounts: [], generate: { count: 1000 } }),
    });

    expect(performance.now() - t0).toBeLessThan(1000);
    expect(s.scenario.accounts).toHaveLength(1000);
  });

  it('serves SDK clients configured only through its env map', async () => {
    const s = await start();
    const saved = Object.fromEntries(Object.keys(s.env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, s.env);
    try {
      const hub = await new SecurityHubClient({}).send(new DescribeHubCommand({}));
      expect(hub.HubArn).toBe(`arn:aws:securityhub:us-east-1:${ADMIN}:hub/default`);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('closes keep-alive sockets on stop, so stop resolves at once and the port refuses', async () => {
    const s = await startStandIn({ scenario: smallScenario() });
    await clientsFor(s).securityHub.send(new DescribeHubCommand({}));

    const t0 = performance.now();
    await s.stop();

    expect(performance.now() - t0).toBeLessThan(500);
    await expect(fetch(`${s.endpoint}/_standin/inspect`)).rejects.toThrow();
  });

  it('stops while a delayed answer is still pending', async () => {
    const s = await startStandIn({ scenario: smallScenario({ faults: { latencyMs: 60_000 } }) });
    const pending = clientsFor(s)
      .securityHub.send(new DescribeHubCommand({}))
      .catch((e: Error) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));

    await s.stop();

    expect(await pending).toBeInstanceOf(Error);
  });
});

describe('stand-in introspection', () => {
  it('counts calls per operation, Region and calling account, and the largest account list', async () => {
    const s = await start();
    const admin = clientsFor(s).securityHub;
    await admin.send(
      new CreateMembersCommand({
        AccountDetails: [{ AccountId: '444444444444' }, { AccountId: '000000000002' }],
      }),
    );
    await admin.send(new InviteMembersCommand({ AccountIds: ['444444444444'] }));
    await (await memberClients(s, '000000000002')).securityHub.send(new DescribeHubCommand({}));
    await clientsFor(s, 'eu-west-1').securityHub.send(new DescribeHubCommand({}));

    const inspection = s.inspect();

    expect(inspection.calls).toEqual({
      total: 5,
      byOperation: {
        'securityhub:CreateMembers': 1,
        'securityhub:InviteMembers': 1,
        'sts:AssumeRole': 1,
        'securityhub:DescribeHub': 2,
      },
      byRegion: { 'us-east-1': 4, 'eu-west-1': 1 },
      byAccount: { [ADMIN]: 4, '000000000002': 1 },
    });
    expect(inspection.largestAccountList).toEqual({
      'securityhub:CreateMembers': 2,
      'securityhub:InviteMembers': 1,
    });
    expect(inspection.membership.securityhub['us-east-1']?.administrators[ADMIN]).toMatchObject({
      '444444444444': { status: 'Invited', organization: false },
      '000000000002': { status: 'Enabled', organization: true },
    });
    expect(inspection.membership.securityhub['us-east-1']?.accounts['444444444444']).toMatchObject({
      hubEnabled: false,
      invitations: [{ administratorId: ADMIN, visible: true }],
    });
    expect(inspection.membership.detective['us-east-1']?.accounts['000000000002']).toEqual({ graphs: {} });
  });

  it('returns the same data over GET /_standin/inspect, and POST /_standin/reset-counters keeps the invitation log', async () => {
    const s = await start();
    const admin = clientsFor(s).securityHub;
    await admin.send(new CreateMembersCommand({ AccountDetails: [{ AccountId: '444444444444' }] }));
    await admin.send(new InviteMembersCommand({ AccountIds: ['444444444444'] }));

    const overHttp = (await (await fetch(`${s.endpoint}/_standin/inspect`)).json()) as Inspection;
    const inProcess: unknown = JSON.parse(JSON.stringify(s.inspect()));
    const reset = await fetch(`${s.endpoint}/_standin/reset-counters`, { method: 'POST' });
    const after = s.inspect();

    expect(overHttp).toEqual(inProcess);
    expect(overHttp.calls.total).toBe(2);
    expect(
      overHttp.membership.securityhub['us-east-1']?.administrators[ADMIN]?.['444444444444']?.status,
    ).toBe('Invited');
    expect(reset.status).toBe(204);
    expect(after.calls.total).toBe(0);
    expect(after.largestAccountList).toEqual({});
    expect(after.invitations).toHaveLength(1);
  });

  it('resets counters in process with resetCounters()', async () => {
    const s = await start();
    await clientsFor(s).securityHub.send(new DescribeHubCommand({}));

    s.resetCounters();

    expect(s.inspect().calls).toEqual({ total: 0, byOperation: {}, byRegion: {}, byAccount: {} });
  });
});

describe('stand-in wire shapes', () => {
  it('answers restJson errors with the status, an x-amzn-errortype header and a JSON message', async () => {
    const s = await start({
      scenario: smallScenario({
        services: { securityhub: { enabledRegions: [] }, detective: { enabledRegions: [] } },
      }),
    });

    const res = await signed(s, 'securityhub', '/accounts', { method: 'GET' });

    expect(res.status).toBe(401);
    expect(res.headers.get('x-amzn-errortype')).toBe('InvalidAccessException');
    expect(await res.json()).toEqual({ message: `Account ${ADMIN} is not subscribed to AWS Security Hub` });
  });

  it('answers awsJson errors with __type and message', async () => {
    const s = await start();

    const res = await signed(s, 'organizations', '/', {
      body: JSON.stringify({ AccountId: '999999999999' }),
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSOrganizationsV20161128.DescribeAccount',
      },
    });

    expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await res.json()).toEqual({
      __type: 'AccountNotFoundException',
      message: "You specified an account that doesn't exist.",
    });
  });

  it('answers STS in XML, for results and for ErrorResponse', async () => {
    const s = await start();
    const form = (roleArn: string) =>
      new URLSearchParams({
        Action: 'AssumeRole',
        Version: '2011-06-15',
        RoleArn: roleArn,
        RoleSessionName: 'wire',
      }).toString();
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };

    const ok = await (
      await signed(s, 'sts', '/', { body: form('arn:aws:iam::000000000002:role/R'), headers })
    ).text();
    const denied = await signed(s, 'sts', '/', { body: form('arn:aws:iam::999999999999:role/R'), headers });

    expect(ok).toMatch(
      /^<AssumeRoleResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/"><AssumeRoleResult><Credentials><AccessKeyId>ASIA/,
    );
    expect(ok).toContain('<Arn>arn:aws:sts::000000000002:assumed-role/R/wire</Arn>');
    expect(denied.status).toBe(403);
    expect(await denied.text()).toMatch(
      /<ErrorResponse xmlns="[^"]+"><Error><Type>Sender<\/Type><Code>AccessDenied<\/Code><Message>/,
    );
  });

  it('refuses unsigned requests with MissingAuthenticationTokenException and unknown routes with 404', async () => {
    const s = await start();

    const unsigned = await fetch(`${s.endpoint}/members`, { method: 'POST', body: '{}' });
    const unknown = await signed(s, 'securityhub', '/findings', { body: '{}' });

    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
  });
});

describe('npm run standin (local/standin/main.ts)', () => {
  function run(args: string[]): ChildProcessWithoutNullStreams {
    return spawn('node_modules/.bin/tsx', ['local/standin/main.ts', ...args], {
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
    });
  }

  it('prints the endpoint first and exits with 0 on SIGTERM after closing everything', async () => {
    const child = run(['--scenario', 'local/scenarios/hostile.json', '--port', '0', '--time-scale', '0.01']);
    const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
    const endpoint = chunk.toString().split('\n')[0] ?? '';

    const inspection = (await (await fetch(`${endpoint}/_standin/inspect`)).json()) as Inspection;
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];

    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(inspection).toMatchObject({ scenario: 'hostile', timeScale: 0.01 });
    expect(code).toBe(0);
  });

  it('exits with 2 and names the bad field when the scenario is invalid', async () => {
    const child = run(['--scenario', 'test/local/fixtures/bad-scenario.json']);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });

    const [code] = (await once(child, 'exit')) as [number | null];

    expect(code).toBe(2);
    expect(stderr).toContain('accounts.0.accountId: must be a 12-digit account id written as a string');
  });
});
