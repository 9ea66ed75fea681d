import { ListGraphsCommand } from '@aws-sdk/client-detective';
import { ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { afterEach, describe, expect, it } from 'vitest';
import { type StandIn, startStandIn } from '../../local/standin/index.ts';
import { guardDutyClient } from './guardduty-client.ts';
import { clientsFor, failure, smallScenario } from './helpers.ts';

let standIn: StandIn | undefined;

afterEach(async () => {
  await standIn?.stop();
  standIn = undefined;
});

describe('stand-in Regions where a service is not offered', () => {
  it("fails the SDK's call there with its own DNS error, and answers the same service elsewhere", async () => {
    standIn = await startStandIn({
      scenario: smallScenario({
        services: {
          securityhub: { enabledRegions: 'all' },
          detective: { enabledRegions: 'all', notOfferedRegions: ['eu-west-1'] },
        },
      }),
    });
    const error = await failure(clientsFor(standIn, 'eu-west-1').detective.send(new ListGraphsCommand({})));
    expect(error).toMatchObject({
      code: 'ENOTFOUND',
      syscall: 'getaddrinfo',
      hostname: 'detective.eu-west-1.invalid',
    });
    // Nothing reached the stand-in for that call.
    expect(standIn.inspect().calls.byOperation['detective:ListGraphs'] ?? 0).toBe(0);

    const elsewhere = await clientsFor(standIn, 'us-east-1').detective.send(new ListGraphsCommand({}));
    expect(elsewhere.GraphList).toHaveLength(1);
  });

  it("withholds GuardDuty's endpoint where the scenario says AWS does not offer it", async () => {
    standIn = await startStandIn({
      scenario: smallScenario({
        services: {
          securityhub: { enabledRegions: 'all' },
          detective: { enabledRegions: 'all' },
          guardduty: { enabledRegions: 'all', notOfferedRegions: ['eu-west-1'] },
        },
      }),
    });

    const error = await failure(guardDutyClient(standIn, 'eu-west-1').send(new ListDetectorsCommand({})));
    const elsewhere = await guardDutyClient(standIn, 'us-east-1').send(new ListDetectorsCommand({}));

    expect(error).toMatchObject({ code: 'ENOTFOUND', hostname: 'guardduty.eu-west-1.invalid' });
    expect(elsewhere.DetectorIds).toHaveLength(1);
  });

  it('lets the next stand-in on the same port answer every Region once the first has stopped', async () => {
    const first = await startStandIn({
      scenario: smallScenario({
        services: {
          securityhub: { enabledRegions: 'all' },
          detective: { enabledRegions: 'all', notOfferedRegions: ['eu-west-1'] },
        },
      }),
    });
    const { port } = first;
    await first.stop();
    standIn = await startStandIn({ scenario: smallScenario(), port });
    const out = await clientsFor(standIn, 'eu-west-1').detective.send(new ListGraphsCommand({}));
    expect(out.GraphList).toHaveLength(1);
  });
});
