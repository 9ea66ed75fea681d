import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { DetectiveClient } from '@aws-sdk/client-detective';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import { Pacing } from '../../../functions/shared/aws/pacing.ts';
import { OUTCOMES } from '../../../functions/shared/domain/outcomes.ts';
import { DEFAULT_SERVICES, SERVICE_NAMES, SERVICE_RULES } from '../../../functions/shared/domain/services.ts';
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
import { readTemplate } from '../../template/template.ts';

const ROOT = join(import.meta.dirname, '../../..');

/**
 * The code that must follow the registry: the engine, the CLI and the local runner that verifies
 * runs. Not scanned, as each names services by design: local/standin (it emulates each service, as
 * an adapter calls it), bench/ (its scenarios pick services), test/ and docs.
 */
const SCANNED = ['functions', 'cli', 'local/runner'];

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Where a service may be named: its own adapters, its rules and the registries that join them. No
 * file of cli/ or local/runner/ needs to: they read SERVICE_NAMES, SERVICE_RULES and DEFAULT_SERVICES.
 */
const MAY_NAME_SERVICES = [
  ...SERVICE_NAMES.map((name) => `functions/shared/services/${name}/`),
  'functions/shared/domain/services.ts',
  'functions/shared/services/registry.ts',
  'functions/shared/services/member-registry.ts',
];

// A comment may say which service a rule comes from; code may not pick one.
const COMMENT = /^\s*(\/\/|\/\*|\*)/;

// A name as a word: quoted, in a list ("securityhub,detective"), an IAM action, a property.
const NAMED = new RegExp(`\\b(${SERVICE_NAMES.join('|')})\\b`);

/** Every line of code in `folders` outside `allowed` that names a service, as "path:line: text". */
function namingLines(folders: readonly string[], allowed: readonly string[] = MAY_NAME_SERVICES): string[] {
  return folders
    .flatMap((folder) => sources(join(ROOT, folder)))
    .map((path) => relative(ROOT, path).split(sep).join('/'))
    .filter((file) => !allowed.some((prefix) => file.startsWith(prefix)))
    .flatMap((file) =>
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .flatMap((line, index) =>
          !COMMENT.test(line) && NAMED.test(line.replace(/\/\/.*$/, ''))
            ? [`${file}:${index + 1}: ${line.trim()}`]
            : [],
        ),
    );
}

const open: OpenClient = (Client) =>
  new Client({ region: 'eu-west-1', maxAttempts: 1, retryMode: 'standard' });

describe('the service registry', () => {
  it('is the only place in the engine, the CLI and the local runner that names a service', () => {
    expect(namingLines(SCANNED)).toEqual([]);
  });

  it('finds a service named in code, and not one named in a comment', () => {
    // Without its allowance, the rules file is caught at its entries, never at its comments.
    const caught = namingLines(['functions/shared/domain'], []).filter((line) =>
      line.startsWith('functions/shared/domain/services.ts:'),
    );
    expect(caught).toEqual(
      expect.arrayContaining([
        expect.stringContaining('securityhub: {'),
        expect.stringContaining("service: 'guardduty'"),
      ]),
    );
    expect(caught.filter((line) => /:\d+: (\/\/|\*)/.test(line))).toEqual([]);
  });

  it("turns on by default exactly the services of the stack's Services default", () => {
    const { Default, AllowedPattern } = readTemplate(join(ROOT, 'template.yaml')).Parameters
      .Services as unknown as { Default: string; AllowedPattern: string };
    expect(Default).toBe(DEFAULT_SERVICES.join(','));
    // The parameter takes each service of the registry, and nothing else.
    for (const name of SERVICE_NAMES) expect(new RegExp(AllowedPattern).test(name)).toBe(true);
    expect(new RegExp(AllowedPattern).test('inspector')).toBe(false);
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
