import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUILD_OPTIONS,
  bundleFunction,
  functionNames,
  LAMBDA_BUNDLE_MAX_BYTES,
  literalSchemaKeys,
} from '../../scripts/build.ts';
import { functionsOf, kebab, PERMISSIONS_WITHOUT_A_CALL, readTemplate } from './template.ts';

const template = readTemplate('template.yaml');
const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const functions = functionsOf(template);

const scratch = mkdtempSync(join(tmpdir(), 'muster-build-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Every function built once into the scratch folder, as npm run build builds it, over a stale file. */
const built = new Map<string, { outdir: string; metafile: Metafile }>();
beforeAll(async () => {
  for (const name of functionNames()) {
    mkdirSync(join(scratch, name), { recursive: true });
    writeFileSync(join(scratch, name, 'stale.txt'), 'from an earlier build');
    built.set(name, await bundleFunction(name, scratch));
  }
}, 120_000);

const bundledPaths = (name: string) => Object.keys(built.get(name)?.metafile.inputs ?? {});

describe('what sam build and sam deploy package', () => {
  it('is no function built by SAM esbuild builder, unless esbuild is a production dependency', () => {
    // The builder installs production dependencies in a scratch copy and looks for esbuild there
    // (SAM CLI issues 4183, 5147), and passes no KeepNames on.
    const samBuilt = functions.filter(([, resource]) => resource.Metadata?.BuildMethod === 'esbuild');
    if (samBuilt.length > 0) expect(packageJson.dependencies).toHaveProperty('esbuild');
    expect(samBuilt.map(([logicalId]) => logicalId)).toEqual([]);
  });

  it('deploys each function from the folder npm run build writes for it, with its index.handler', () => {
    expect(template.Globals.Function).not.toHaveProperty('CodeUri');
    expect(template.Globals.Function.Handler).toBe('index.handler');
    for (const [logicalId, resource] of functions) {
      expect(resource.Properties?.CodeUri, logicalId).toBe(`dist/${kebab(logicalId)}/`);
      expect(resource.Properties, logicalId).not.toHaveProperty('Handler');
    }
    // npm run build runs in the project, after npm ci, where development dependencies are installed.
    expect(packageJson.devDependencies).toHaveProperty('esbuild');
  });

  it('builds in Lambda format and target', () => {
    expect(BUILD_OPTIONS).toMatchObject({
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      outExtension: { '.js': '.mjs' },
    });
    expect(template.Globals.Function.Runtime).toBe('nodejs22.x');
  });

  it('keeps every error name the state machines match, as a literal in the minified bundles', () => {
    const matched = new Set<string>();
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(collect);
      else if (typeof node === 'object' && node !== null)
        for (const [key, value] of Object.entries(node))
          if (key === 'ErrorEquals') for (const name of value as string[]) matched.add(name);
          else collect(value);
    };
    for (const file of readdirSync('statemachines'))
      collect(JSON.parse(readFileSync(join('statemachines', file), 'utf8')));
    // Step Functions' and Lambda's own names (States.*, Lambda.*, ...) are not thrown by muster's code.
    const muster = [...matched].filter((name) => !name.includes('.'));
    expect(muster.length).toBeGreaterThan(0);
    const bundles = [...built.values()].map(({ outdir }) => readFileSync(join(outdir, 'index.mjs'), 'utf8'));
    for (const name of muster)
      expect(
        bundles.some((text) => text.includes(`name="${name}"`)),
        name,
      ).toBe(true);
  });

  it('writes only the bundle, its source map and its legal comments into each folder, removing what an earlier build left', () => {
    expect([...built.keys()]).toEqual(functions.map(([logicalId]) => kebab(logicalId)).sort());
    for (const [name, { outdir: folder }] of built) {
      const files = readdirSync(folder).sort();
      expect(
        files.filter((file) => file !== 'index.mjs.LEGAL.txt'),
        name,
      ).toEqual(['index.mjs', 'index.mjs.map']);
      // Legal comments stay in the deployed folder, beside the code rather than in it.
      if (files.includes('index.mjs.LEGAL.txt'))
        expect(readFileSync(join(folder, 'index.mjs'), 'utf8'), name).not.toContain(
          'Bundled license information',
        );
      // The handler Lambda calls (index.handler) is exported by the bundle.
      expect(readFileSync(join(folder, 'index.mjs'), 'utf8'), name).toMatch(
        /export\s*\{[^}]*\bas handler\b[^}]*\}/,
      );
    }
  });
});

/**
 * The AWS API actions a shipped bundle can send: each SDK command module esbuild kept in it (a
 * command module left out of the tree-shaken bundle has no bytes in it), as `<package>:<operation>`.
 * The six client packages muster uses are named as their IAM prefixes.
 */
function commandsIn(name: string): string[] {
  const output = Object.values(built.get(name)?.metafile.outputs ?? {}).find(({ entryPoint }) => entryPoint);
  return Object.entries(output?.inputs ?? {})
    .flatMap(([path, { bytesInOutput }]) => {
      const match = /@aws-sdk\/client-([\w-]+)\/dist-es\/commands\/(\w+)Command\.js$/.exec(path);
      return match === null || bytesInOutput === 0 ? [] : [`${match[1]}:${match[2]}`];
    })
    .sort();
}

/** The IAM actions of one service prefix or more that a resource's inline policies allow. */
function allowed(resource: string, from = template): string[] {
  const actions =
    JSON.stringify(from.Resources[resource]?.Properties?.Policies ?? []).match(
      /"(securityhub|detective|guardduty|organizations|sts|s3):\w+"/g,
    ) ?? [];
  return [...new Set(actions.map((action) => action.slice(1, -1)))].sort();
}

describe('least privilege, read from the shipped bundles', () => {
  // S3 Express One Zone's session call: the S3 client sends it only to a directory bucket (a name
  // ending in --x-s3); the report bucket is a general purpose bucket.
  const sent = (name: string) => commandsIn(name).filter((action) => action !== 's3:CreateSession');

  it('finds the SDK command modules in each bundle', () => {
    for (const name of functionNames()) expect(sent(name).length, name).toBeGreaterThan(0);
    expect(
      [
        ...new Set(functionNames().flatMap((name) => sent(name).map((action) => action.split(':')[0]))),
      ].sort(),
    ).toEqual(['detective', 'guardduty', 'organizations', 's3', 'securityhub', 'sts']);
  });

  it.each(
    functions
      .map(([logicalId]) => [kebab(logicalId), logicalId] as const)
      .filter(([name]) => name !== 'accept-invitations'),
  )('grants %s exactly the commands its bundle holds', (name, logicalId) => {
    expect(allowed(logicalId)).toEqual(
      [...sent(name), ...(PERMISSIONS_WITHOUT_A_CALL[logicalId] ?? [])].sort(),
    );
  });

  it("grants accept-invitations its bundle's STS and S3 commands, and the member role its member-side commands", () => {
    const commands = sent('accept-invitations');
    const own = (action: string) => action.startsWith('sts:') || action.startsWith('s3:');
    expect(allowed('AcceptInvitationsRole')).toEqual(commands.filter(own));
    // AWS asks policies to allow Security Hub's deprecated AcceptInvitation name too (docs/aws-facts.md, Security Hub).
    expect(allowed('MemberRole', readTemplate('member-role.yaml'))).toEqual(
      [...commands.filter((action) => !own(action)), 'securityhub:AcceptInvitation'].sort(),
    );
  });
});

describe('what each Lambda bundle carries', () => {
  it("carries no X-Ray SDK, JMESPath engine, event-stream codec, S3 flexible checksums or zod's full build, and the stand-ins in their place", () => {
    for (const name of built.keys()) {
      const paths = bundledPaths(name);
      for (const left of [
        'node_modules/aws-xray-sdk-core/',
        'node_modules/semver/',
        'node_modules/cls-hooked/',
        'node_modules/@aws-lambda-powertools/tracer/',
        'node_modules/@aws-lambda-powertools/jmespath/',
        'node_modules/@smithy/core/dist-es/submodules/event-streams/',
        'node_modules/@aws-sdk/checksums/',
        'node_modules/zod/v4/classic/',
      ])
        expect(
          paths.filter((path) => path.includes(left)),
          `${name}: ${left}`,
        ).toEqual([]);
      expect(paths, name).toContain('scripts/lambda-tracer.ts');
      expect(paths, name).toContain('node_modules/zod/v4/mini/schemas.js');
    }
    // The report bucket's S3 client wires an event-stream marshaller when it is made: the stand-in's.
    expect(bundledPaths('merge-reports')).toContain('scripts/lambda-event-streams.ts');
    expect(bundledPaths('merge-reports')).toContain('scripts/lambda-checksums.ts');
  });

  it('weighs at most 400 KB, every one (issue 19): each first invocation in AWS loads all of it', () => {
    for (const [name, { outdir }] of built)
      expect(statSync(join(outdir, 'index.mjs')).size, name).toBeLessThanOrEqual(LAMBDA_BUNDLE_MAX_BYTES);
    expect(LAMBDA_BUNDLE_MAX_BYTES).toBe(400 * 1024);
  });

  it('registers only the error classes muster names or AWS marks retryable: Organizations keeps 6 of its 50', () => {
    const text = readFileSync(join(built.get('resolve-accounts')?.outdir ?? '', 'index.mjs'), 'utf8');
    for (const kept of [
      'AccessDeniedException',
      'TooManyRequestsException',
      'AWSOrganizationsNotInUseException',
    ])
      expect(text, kept).toContain(`"com.amazonaws.organizations#${kept}"`);
    for (const dropped of ['PolicyNotFoundException', 'DuplicateHandshakeException'])
      expect(text, dropped).not.toContain(`"com.amazonaws.organizations#${dropped}"`);
  });

  it("bundles each SDK client's name and version from its package.json, which the User-Agent carries, not the whole file", () => {
    const outputs = built.get('resolve-accounts')?.metafile.outputs ?? {};
    const inputs = Object.values(outputs).find(({ entryPoint }) => entryPoint !== undefined)?.inputs ?? {};
    const manifests = Object.keys(inputs).filter((path) =>
      /@aws-sdk\/client-[\w-]+\/package\.json$/.test(path),
    );
    expect(manifests.length).toBeGreaterThanOrEqual(4);
    const text = readFileSync(join(built.get('resolve-accounts')?.outdir ?? '', 'index.mjs'), 'utf8');
    for (const manifest of manifests) {
      const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as {
        name: string;
        version: string;
      };
      expect(inputs[manifest]?.bytesInOutput, manifest).toBeLessThan(100);
      expect(text, manifest).toContain(`"${version}"`);
      expect(text, manifest).toContain(`"${name}"`);
    }
  });
});

describe('literalSchemaKeys', () => {
  it.each([
    [
      'a key named by a constant',
      'const _h = "http";\nexport var A$ = [9, n0, _A, { [_h]: ["POST", "/a", 200] }];',
      'const _h = "http";\nexport var A$ = [9, n0, _A, { ["http"]: ["POST", "/a", 200] }];',
    ],
    [
      'a key without a string constant',
      'export var A$ = [9, n0, _A, { [_x]: 1 }];',
      'export var A$ = [9, n0, _A, { [_x]: 1 }];',
    ],
    [
      'an array element, not a key',
      'const _h = "http";\nexport var A$ = [3, n0, _A, 0, [_h], [0]];',
      'const _h = "http";\nexport var A$ = [3, n0, _A, 0, [_h], [0]];',
    ],
  ])('writes the string in place of %s only', (_, source, expected) => {
    expect(literalSchemaKeys(source)).toBe(expected);
  });

  it("leaves out the schemas of operations a function does not call (Security Hub's findings)", async () => {
    const result = await build({
      ...BUILD_OPTIONS,
      entryPoints: ['functions/create-members/handler.ts'],
      write: false,
      sourcemap: false,
      outdir: join(scratch, 'schemas'),
    });
    const text = result.outputFiles.find(({ path }) => path.endsWith('.mjs'))?.text ?? '';
    expect(text).toContain('"CreateMembersRequest"');
    expect(text).not.toContain('"AwsSecurityFinding"');
  });

  it("keeps only the environment's credentials, which Lambda always sets, of the SDK's default chain", async () => {
    const result = await build({
      ...BUILD_OPTIONS,
      entryPoints: ['functions/accept-invitations/handler.ts'],
      write: false,
      sourcemap: false,
      metafile: true,
      outdir: join(scratch, 'credentials'),
    });
    const packages = Object.keys(result.metafile?.inputs ?? {});
    expect(packages.some((path) => path.includes('@aws-sdk/credential-provider-env/'))).toBe(true);
    for (const link of [
      'credential-provider-node/',
      'credential-provider-sso/',
      'credential-provider-ini/',
      'credential-provider-imds/',
      'nested-clients/',
    ])
      expect(
        packages.filter((path) => path.includes(link)),
        link,
      ).toEqual([]);
  });
});
