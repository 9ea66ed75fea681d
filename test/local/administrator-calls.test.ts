import { DescribeHubCommand, EnableSecurityHubCommand } from '@aws-sdk/client-securityhub';
import { afterEach, describe, expect, it } from 'vitest';
import { type StandIn, startStandIn } from '../../local/standin/index.ts';
import { clientsFor, memberClients, smallScenario } from './helpers.ts';

const started: StandIn[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

describe('stand-in administratorCalls', () => {
  it('counts the administrator’s own calls apart from the same operation made as a member', async () => {
    const s = await startStandIn({ scenario: smallScenario() });
    started.push(s);
    await clientsFor(s).securityHub.send(new DescribeHubCommand({}));
    const member = await memberClients(s, '222222222222');
    await member.securityHub.send(new EnableSecurityHubCommand({}));
    await member.securityHub.send(new DescribeHubCommand({}));

    const inspection = s.inspect();

    expect(inspection.calls.byOperation['securityhub:DescribeHub']).toBe(2);
    expect(inspection.administratorCalls).toEqual({ 'securityhub:DescribeHub': 1, 'sts:AssumeRole': 1 });
    s.resetCounters();
    expect(s.inspect().administratorCalls).toEqual({});
  });
});
