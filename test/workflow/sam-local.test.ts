import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../../local/runner/lambda-context.ts';
import { type StandIn, startStandIn } from '../../local/standin/index.ts';

/**
 * What `sam local invoke <Function> -e events/<function>/standin-healthy.json
 * --env-vars events/env.standin.json` does, without Docker: each real handler, the stand-in's
 * environment file, the healthy scenario. Only the port differs (the test picks a free one).
 */
const environment = JSON.parse(readFileSync('events/env.standin.json', 'utf8')).Parameters as Record<
  string,
  string
>;
const event = (name: string): unknown =>
  JSON.parse(readFileSync(`events/${name}/standin-healthy.json`, 'utf8'));

let standIn: StandIn;

beforeAll(async () => {
  standIn = await startStandIn({ scenario: 'local/scenarios/healthy.json' });
  for (const [name, value] of Object.entries(environment)) {
    vi.stubEnv(name, value.replace('http://127.0.0.1:4599', standIn.endpoint));
  }
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await standIn.stop();
});

async function invoke(name: string): Promise<unknown> {
  const { handler } = (await import(`../../functions/${name}/handler.ts`)) as {
    handler: (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
  };
  return handler(event(name), lambdaContext(name, '999999999999'));
}

describe('the sample events for sam local invoke against the stand-in', () => {
  it('take two healthy-scenario accounts through every function, one after another', async () => {
    expect(await invoke('resolve-accounts')).toMatchObject({
      accountIds: ['200000000001', '200000000002'],
      hasWork: true,
    });
    expect(await invoke('create-members')).toMatchObject({
      done: { CREATED: ['200000000001', '200000000002'] },
    });
    // Organization accounts come out of CreateMembers enabled: nothing to invite.
    // It read the members once before inviting: 29 of the pair's 30 tokens are left for the next step.
    expect(await invoke('invite-members')).toEqual({
      unfinished: [],
      createdAgainKey: null,
      pacing: [
        {
          service: 'securityhub',
          region: 'us-east-1',
          tokens: expect.closeTo(29, 0),
          at: expect.any(Number),
        },
      ],
    });
    expect(await invoke('accept-invitations')).toEqual({
      counts: { ENABLED: 2 },
      unfinished: [],
      retryAccountIds: [],
      unfinishedKey: null,
    });
    expect(await invoke('check-members')).toMatchObject({ status: 'SUCCEEDED', counts: { ENABLED: 2 } });
  });
});
