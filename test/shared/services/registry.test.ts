import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { DetectiveClient } from '@aws-sdk/client-detective';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
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
  REMOVERS,
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

// A service's label as a person reads it ("Security Hub"), not inside an identifier (SecurityHubClient).
const LABELLED = new RegExp(`\\b(${SERVICE_NAMES.map((name) => SERVICE_RULES[name].label).join('|')})\\b`);

/**
 * The texts outside the registry that may write a service's label: none is a fact of a service
 * muster manages, so none would change with the registry.
 */
const MAY_WRITE_LABEL: readonly { file: string; text: string }[] = [
  // The input's format is an AWS console's file, whichever services a run names.
  { file: 'cli/csv.ts', text: "the Security Hub console's CSV format" },
];

/**
 * Every line of code in `folders` outside `allowed` where `pattern` finds a service, as
 * "path:line: text"; `allowedTexts` are taken out of their file's lines first.
 */
function namingLines(
  folders: readonly string[],
  allowed: readonly string[] = MAY_NAME_SERVICES,
  pattern: RegExp = NAMED,
  allowedTexts: readonly { file: string; text: string }[] = [],
): string[] {
  return folders
    .flatMap((folder) => sources(join(ROOT, folder)))
    .map((path) => relative(ROOT, path).split(sep).join('/'))
    .filter((file) => !allowed.some((prefix) => file.startsWith(prefix)))
    .flatMap((file) => {
      const texts = allowedTexts.filter((entry) => entry.file === file).map(({ text }) => text);
      return readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .flatMap((line, index) =>
          !COMMENT.test(line) &&
          pattern.test(texts.reduce((rest, text) => rest.replaceAll(text, ''), line.replace(/\/\/.*$/, '')))
            ? [`${file}:${index + 1}: ${line.trim()}`]
            : [],
        );
    });
}

/** Every line of code in `folders` outside the registry that writes a service's label. */
const labellingLines = (folders: readonly string[], allowedTexts = MAY_WRITE_LABEL) =>
  namingLines(folders, MAY_NAME_SERVICES, LABELLED, allowedTexts);

const GRAPH = `arn:aws:detective:eu-west-1:111111111111:graph:${'0'.repeat(32)}`;

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

  it('is the only place in the engine, the CLI and the local runner that writes a service label in a text', () => {
    expect(labellingLines(SCANNED)).toEqual([]);
  });

  it('finds a label written in code, and not one written in a comment or an allowed text', () => {
    // Without its allowance, the rules file is caught at its texts, never at its comments.
    const caught = namingLines(['functions/shared/domain'], [], LABELLED).filter((line) =>
      line.startsWith('functions/shared/domain/services.ts:'),
    );
    expect(caught).toEqual(
      expect.arrayContaining([
        expect.stringContaining("label: 'Security Hub'"),
        expect.stringContaining("'GuardDuty could not verify the account"),
      ]),
    );
    expect(caught.filter((line) => /:\d+: (\/\/|\*)/.test(line))).toEqual([]);
    // Each allowed text is still there, and is what keeps its line out of the scan.
    for (const { file, text } of MAY_WRITE_LABEL) {
      expect(readFileSync(join(ROOT, file), 'utf8')).toContain(text);
      expect(labellingLines([file.slice(0, file.lastIndexOf('/'))], [])).toEqual(
        expect.arrayContaining([expect.stringContaining(text)]),
      );
    }
  });

  it.each(SERVICE_NAMES)("lists the calls %s's remover makes, in their order", async (name) => {
    const mocks = [mockClient(SecurityHubClient), mockClient(DetectiveClient), mockClient(GuardDutyClient)];
    try {
      for (const mock of mocks) mock.onAnyCommand().resolves({});
      const home = { securityhub: undefined, detective: GRAPH, guardduty: 'detector1' }[name];
      await REMOVERS[name](open).removeMembers({ region: 'eu-west-1', home }, ['111111111111']);
      const calls = mocks
        .flatMap((mock) => mock.calls())
        .map((call) => (call.args[0] as object).constructor.name);
      expect(calls).toEqual(SERVICE_RULES[name].removeCalls.map((call) => `${call}Command`));
    } finally {
      for (const mock of mocks) mock.restore();
    }
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
