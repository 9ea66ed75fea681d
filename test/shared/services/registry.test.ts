import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DetectiveClient } from '@aws-sdk/client-detective';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import { Pacing } from '../../../functions/shared/aws/pacing.ts';
import { OUTCOMES } from '../../../functions/shared/domain/outcomes.ts';
import { SERVICE_NAMES, SERVICE_RULES } from '../../../functions/shared/domain/services.ts';
import { MEMBER_SIDES } from '../../../functions/shared/services/member-registry.ts';
import type { OpenClient } from '../../../functions/shared/services/registry.ts';
import {
  CREATORS,
  INVITERS,
  LISTERS,
  PLANNERS,
  READERS,
} from '../../../functions/shared/services/registry.ts';
import { administratorAdapters } from '../../../functions/shared/wiring.ts';

const FUNCTIONS = join(import.meta.dirname, '../../../functions');

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Where a service may be named: its own adapters, its rules and the registry that joins them. */
function mayNameServices(path: string): boolean {
  const file = relative(FUNCTIONS, path);
  return (
    SERVICE_NAMES.some((name) => file.startsWith(join('shared/services', name))) ||
    file === join('shared/domain/services.ts') ||
    file === join('shared/services/registry.ts') ||
    file === join('shared/services/member-registry.ts')
  );
}

const open: OpenClient = (Client) =>
  new Client({ region: 'eu-west-1', maxAttempts: 1, retryMode: 'standard' });

describe('the service registry', () => {
  it('is the only place outside the adapters that names a service', () => {
    const named = new RegExp(`['"\`](${SERVICE_NAMES.join('|')})['"\`]`);
    const offenders = sources(FUNCTIONS)
      .filter((path) => !mayNameServices(path))
      .flatMap((path) =>
        readFileSync(path, 'utf8')
          .split('\n')
          .flatMap((line, index) =>
            named.test(line) ? [`${relative(FUNCTIONS, path)}:${index + 1}: ${line.trim()}`] : [],
          ),
      );
    expect(offenders).toEqual([]);
  });

  it.each(SERVICE_NAMES)('maps every status word of %s to a known outcome', (name) => {
    for (const outcome of Object.values(SERVICE_RULES[name].statuses)) expect(OUTCOMES).toContain(outcome);
  });

  it.each(SERVICE_NAMES)('gives %s an inviter exactly when it invites separately', (name) => {
    expect(INVITERS[name](open) !== undefined).toBe(SERVICE_RULES[name].invitesSeparately);
  });

  it.each(SERVICE_NAMES)(
    "names %s's API as the SDK clients its adapters open do (its buckets' key)",
    (name) => {
      const apis = new Set<string>();
      const opening: OpenClient = (Client) => {
        const client = open(Client);
        apis.add(client.config.serviceId);
        return client;
      };
      for (const capability of [PLANNERS, READERS, CREATORS, LISTERS]) capability[name](opening);
      INVITERS[name](opening);
      expect([...apis]).toEqual([SERVICE_RULES[name].sdkServiceId]);
    },
  );

  it.each(SERVICE_NAMES)(
    'gives %s a planner, reader, creator and coverage lister for its own name',
    (name) => {
      expect(
        [PLANNERS, READERS, CREATORS, LISTERS].map((capability) => capability[name](open).service),
      ).toEqual([name, name, name, name]);
    },
  );

  it.each(SERVICE_NAMES)('gives %s a member side for its own name', (name) => {
    const member = MEMBER_SIDES[name](open, { enableDefaultStandards: true, allowTakeOver: false });
    expect(member.service).toBe(name);
  });

  it("builds a step's capabilities once per service and Region, joined on one client per service", () => {
    const adapters = administratorAdapters(
      { maxAttempts: 1 },
      (service, open) => ({
        service,
        reader: open(SecurityHubClient),
        inviter: open(SecurityHubClient),
        other: open(DetectiveClient),
      }),
      new Pacing(10),
    );
    const first = adapters('securityhub', 'eu-west-1');
    expect(first.inviter).toBe(first.reader);
    expect(first.other).not.toBe(first.reader);
    expect(adapters('securityhub', 'eu-west-1')).toBe(first);
    expect(adapters('detective', 'eu-west-1').reader).toBe(first.reader);
    expect(adapters('securityhub', 'us-east-1').reader).not.toBe(first.reader);
  });
});
