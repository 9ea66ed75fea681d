// Bundles every Lambda (functions/<name>/handler.ts) into dist/<name>/index.mjs: the folder
// template.yaml deploys as that function's CodeUri (`sam build` only copies it; docs/deploy.md).
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';

/** A file next to this one (the stand-ins bundled in place of a package). */
const script = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));

/**
 * The SDK clients' schema files (`@aws-sdk/client-x/dist-es/schemas/schemas_0.js`, one per client)
 * key a few objects by constants, `{ [_h]: [...] }`. esbuild cannot tell that such a computed key has
 * no side effect, so it keeps every schema of the service: Security Hub's 1,100 shapes (160 KB) for
 * the five operations a function calls. Writing each constant's string in its place lets esbuild
 * drop the schemas no command uses; the objects are the same.
 */
export function literalSchemaKeys(source: string): string {
  const constants = new Map<string, string>();
  for (const [, name, value] of source.matchAll(/^const (_\w+) = ("[^"\\\n]*");$/gm))
    constants.set(String(name), String(value));
  return source.replace(/\[(_\w+)\]:/g, (key, name: string) => {
    const value = constants.get(name);
    return value === undefined ? key : `[${value}]:`;
  });
}

const schemaKeys: Plugin = {
  name: 'literal-schema-keys',
  setup(build) {
    build.onLoad(
      { filter: /[\\/]@aws-sdk[\\/].*[\\/]dist-es[\\/](?:.*[\\/])?schemas[\\/]schemas_\d+\.js$/ },
      (args) => ({
        contents: literalSchemaKeys(readFileSync(args.path, 'utf8')),
        loader: 'js',
      }),
    );
  },
};

/** The SDK's default credential chain, replaced by its first link in the bundles (lambda-credentials.ts). */
const lambdaCredentials: Plugin = {
  name: 'lambda-credentials',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({
      path: script('lambda-credentials.ts'),
    }));
  },
};

/**
 * Packages the Lambda bundles carry a small stand-in for, each saying why in its own file: Powertools
 * Tracer without the X-Ray SDK (lambda-tracer.ts) and S3's event streams, which no muster call uses
 * (lambda-event-streams.ts). zod's JSON Schema modules get one too (zodJsonSchema, below).
 */
export const LAMBDA_STAND_INS: Record<string, string> = {
  '@aws-lambda-powertools/tracer': script('lambda-tracer.ts'),
  '@aws-lambda-powertools/tracer/middleware': script('lambda-tracer.ts'),
  '@smithy/core/event-streams': script('lambda-event-streams.ts'),
};

const lambdaStandIns: Plugin = {
  name: 'lambda-stand-ins',
  setup(build) {
    build.onResolve(
      { filter: /^(?:@aws-lambda-powertools\/tracer(?:\/middleware)?|@smithy\/core\/event-streams)$/ },
      (args) => ({ path: LAMBDA_STAND_INS[args.path] }),
    );
  },
};

/**
 * Each SDK client imports its whole package.json (about 2 KB) for one field, its version, which goes
 * into the User-Agent header: only the name and version are bundled.
 */
const clientVersions: Plugin = {
  name: 'client-versions',
  setup(build) {
    build.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[\w-]+[\\/]package\.json$/ }, (args) => {
      const { name, version } = JSON.parse(readFileSync(args.path, 'utf8')) as {
        name: string;
        version: string;
      };
      return { contents: JSON.stringify({ name, version }), loader: 'json' };
    });
  },
};

const JSON_SCHEMA_NOT_BUNDLED =
  'JSON Schema generation is not bundled into the Lambda functions (scripts/build.ts, zodJsonSchema): muster only parses with zod';

/**
 * A stand-in for one of zod's two JSON Schema modules (`zod/v4/core/to-json-schema.js`,
 * `json-schema-processors.js`): every export it names, each throwing when used. zod's classic build
 * gives every schema a `toJSONSchema()` method and a processor for it, so they are bundled though
 * muster's Lambdas only parse. The `create…` exports make those methods when a schema is made, so
 * they return the throwing function rather than throw.
 */
export function jsonSchemaStandIn(source: string): string {
  const names = new Set<string>();
  for (const [, name] of source.matchAll(/^export (?:const|let|function|class) (\w+)/gm))
    names.add(String(name));
  for (const [, list] of source.matchAll(/^export \{([^}]*)\}/gm))
    for (const entry of String(list).split(',')) {
      const exported = entry
        .split(/\bas\b/)
        .pop()
        ?.trim();
      if (exported) names.add(exported);
    }
  return [
    `const notBundled = () => { throw new Error(${JSON.stringify(JSON_SCHEMA_NOT_BUNDLED)}); };`,
    ...[...names]
      .sort()
      .map(
        (name) => `export const ${name} = ${name.startsWith('create') ? '() => notBundled' : 'notBundled'};`,
      ),
  ].join('\n');
}

const zodJsonSchema: Plugin = {
  name: 'zod-json-schema',
  setup(build) {
    build.onLoad(
      { filter: /[\\/]zod[\\/]v4[\\/]core[\\/](?:to-json-schema|json-schema-processors)\.js$/ },
      (args) => ({
        contents: jsonSchemaStandIn(readFileSync(args.path, 'utf8')),
        loader: 'js',
      }),
    );
  },
};

export const BUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  // Prefer the packages' ES modules: the SDK's CommonJS builds cannot be tree-shaken.
  mainFields: ['module', 'main'],
  format: 'esm',
  target: 'node22',
  minify: true,
  // Error names are the contract with the state machine: keep them through minification.
  keepNames: true,
  sourcemap: true,
  outExtension: { '.js': '.mjs' },
  // Some bundled CommonJS calls require(); ESM output needs it defined.
  banner: { js: "import { createRequire } from 'module';const require = createRequire(import.meta.url);" },
  logLevel: 'warning',
  plugins: [schemaKeys, clientVersions, lambdaCredentials, lambdaStandIns, zodJsonSchema],
} satisfies BuildOptions;

/** The most a Lambda bundle may weigh (issue 19): every first invocation in AWS loads all of it. */
export const LAMBDA_BUNDLE_MAX_BYTES = 400 * 1024;

export function functionNames(root = 'functions'): string[] {
  return readdirSync(root)
    .filter(
      (name) => name !== 'shared' && statSync(join(root, name, 'handler.ts'), { throwIfNoEntry: false }),
    )
    .sort();
}

/**
 * Bundles one function into `<outRoot>/<name>/`, emptied first: the folder is deployed as it is,
 * so nothing left from an earlier build may ride along. Returns the folder and esbuild's metafile.
 */
export async function bundleFunction(
  name: string,
  outRoot = 'dist',
): Promise<{ outdir: string; metafile: Metafile }> {
  const outdir = join(outRoot, name);
  rmSync(outdir, { recursive: true, force: true });
  const { metafile } = await build({
    ...BUILD_OPTIONS,
    entryPoints: { index: join('functions', name, 'handler.ts') },
    outdir,
    metafile: true,
  });
  return { outdir, metafile };
}

export async function buildFunction(name: string, outRoot = 'dist'): Promise<string> {
  return (await bundleFunction(name, outRoot)).outdir;
}

/**
 * Bundles the CLI into `<outRoot>/cli/muster.mjs`, one file with every dependency inside: it runs
 * where only `npm install --omit=dev` was done (no tsx), and bin/muster.mjs uses it there.
 */
export async function buildCli(outRoot = 'dist'): Promise<string> {
  const outdir = join(outRoot, 'cli');
  rmSync(outdir, { recursive: true, force: true });
  await build({
    ...BUILD_OPTIONS,
    // Readable stack traces matter more than size for a command a person runs.
    minify: false,
    // The CLI runs where the user runs it: Node.js 20 or later (package.json engines).
    target: 'node20',
    // A person's CLI needs the SDK's whole credential chain (profiles, SSO), not Lambda's first link.
    plugins: [schemaKeys, clientVersions],
    entryPoints: { muster: join('cli', 'main.ts') },
    outdir,
  });
  return join(outdir, 'muster.mjs');
}

/** Bytes of the bundle per npm package (or `functions/` for muster's own code), largest first. */
export function composition(metafile: Metafile): [string, number][] {
  const output = Object.entries(metafile.outputs).find(([path]) => path.endsWith('.mjs'))?.[1];
  const bytes = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const owner = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path.split('/')[0] ?? path;
    bytes.set(owner, (bytes.get(owner) ?? 0) + bytesInOutput);
  }
  return [...bytes].sort(([, a], [, b]) => b - a);
}

const kilobytes = (bytes: number) => `${(bytes / 1024).toFixed(1).padStart(7)} KB`;

async function main() {
  // `npm run build -- --composition` also lists what each bundle is made of (packages of 1 KB or more).
  const showComposition = process.argv.includes('--composition');
  for (const name of functionNames()) {
    const { outdir, metafile } = await bundleFunction(name);
    const bytes = statSync(join(outdir, 'index.mjs')).size;
    const over = bytes > LAMBDA_BUNDLE_MAX_BYTES ? `  over ${kilobytes(LAMBDA_BUNDLE_MAX_BYTES).trim()}` : '';
    console.log(`${name.padEnd(20)}${kilobytes(bytes)}  ${outdir}/index.mjs${over}`);
    if (showComposition)
      for (const [owner, bytes] of composition(metafile).filter(([, size]) => size >= 1024))
        console.log(`  ${owner.padEnd(44)}${kilobytes(bytes)}`);
  }
  const cli = await buildCli();
  console.log(`${'muster CLI'.padEnd(20)}${kilobytes(statSync(cli).size)}  ${cli}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
