// Bundles every Lambda (functions/<name>/handler.ts) into dist/<name>/index.mjs: the folder
// template.yaml deploys as that function's CodeUri (`sam build` only copies it; docs/deploy.md).
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

const SCHEMA_FILES = /[\\/]@aws-sdk[\\/].*[\\/]dist-es[\\/](?:.*[\\/])?schemas[\\/]schemas_\d+\.js$/;

const schemaKeys: Plugin = {
  name: 'literal-schema-keys',
  setup(build) {
    build.onLoad({ filter: SCHEMA_FILES }, (args) => ({
      contents: literalSchemaKeys(readFileSync(args.path, 'utf8')),
      loader: 'js',
    }));
  },
};

/**
 * Every AWS error name muster's Lambda code tells apart: each string literal in functions/ that
 * ends in `Exception` (a name the code matches, `error.name === '…'` or a list of them).
 */
export function handledErrorNames(root = 'functions'): Set<string> {
  const names = new Set<string>();
  for (const file of readdirSync(root, { recursive: true, encoding: 'utf8' }))
    if (file.endsWith('.ts'))
      for (const [, name] of readFileSync(join(root, file), 'utf8').matchAll(/'(\w+Exception)'/g))
        names.add(String(name));
  return names;
}

/**
 * The error classes a Lambda bundle keeps of a client: the service's base exception, the errors
 * muster tells apart by name, and every error AWS marks retryable (the SDK's retry strategy reads
 * that mark from the class). Each client's schema file registers all of its error classes
 * (Organizations has 50, 17 KB), so esbuild keeps every one. An error AWS answers without a
 * registered class still arrives as the client's service exception with AWS's name, message,
 * fields and `$fault` (from the status), which is all muster reads of it.
 */
export function keepErrorClasses(source: string, errors: string, keep: ReadonlySet<string>): string {
  const retryable = new Set<string>();
  for (const [, name, body] of errors.matchAll(/^export class (\w+) extends \w+ \{([\s\S]*?)^\}/gm))
    if (String(body).includes('$retryable')) retryable.add(String(name));
  return source.replace(
    /^(\w+)_registry\.registerError\((\w+)\$, (\w+)\);\n/gm,
    (line, registry: string, _, name: string) =>
      registry === '_s' || keep.has(name) || retryable.has(name) ? line : '',
  );
}

/** literalSchemaKeys, and only the error classes keepErrorClasses keeps: for the Lambda bundles. */
const lambdaSchemas: Plugin = {
  name: 'lambda-schemas',
  setup(build) {
    const handled = handledErrorNames();
    build.onLoad({ filter: SCHEMA_FILES }, (args) => {
      const errors = join(dirname(args.path), '..', 'models', 'errors.js');
      const source = literalSchemaKeys(readFileSync(args.path, 'utf8'));
      return {
        contents: existsSync(errors)
          ? keepErrorClasses(source, readFileSync(errors, 'utf8'), handled)
          : source,
        loader: 'js',
      };
    });
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
 * Tracer without the X-Ray SDK (lambda-tracer.ts), S3's event streams, which no muster call uses
 * (lambda-event-streams.ts), and S3's flexible checksums (lambda-checksums.ts).
 */
export const LAMBDA_STAND_INS: Record<string, string> = {
  '@aws-lambda-powertools/tracer': script('lambda-tracer.ts'),
  '@aws-lambda-powertools/tracer/middleware': script('lambda-tracer.ts'),
  '@smithy/core/event-streams': script('lambda-event-streams.ts'),
  '@aws-sdk/checksums/flexible-checksums': script('lambda-checksums.ts'),
  '@aws-sdk/checksums/sha': script('lambda-checksums.ts'),
};

const lambdaStandIns: Plugin = {
  name: 'lambda-stand-ins',
  setup(build) {
    build.onResolve(
      {
        filter:
          /^(?:@aws-lambda-powertools\/tracer(?:\/middleware)?|@smithy\/core\/event-streams|@aws-sdk\/checksums\/(?:flexible-checksums|sha))$/,
      },
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

export const BUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  // Prefer the packages' ES modules: the SDK's CommonJS builds cannot be tree-shaken.
  mainFields: ['module', 'main'],
  format: 'esm',
  target: 'node22',
  minify: true,
  // Without keepNames (about 25 KB a bundle of name-keeping calls): the error names the state machine
  // matches are literals in each class (functions/shared/errors.ts), and nothing reads a class's name.
  sourcemap: true,
  // Comments esbuild keeps as legal notices go beside the bundle (index.mjs.LEGAL.txt), not into the
  // code every cold start loads; today the only one is a coverage pragma marked @preserve.
  legalComments: 'external',
  outExtension: { '.js': '.mjs' },
  // Some bundled CommonJS calls require(); ESM output needs it defined.
  banner: { js: "import { createRequire } from 'module';const require = createRequire(import.meta.url);" },
  logLevel: 'warning',
  plugins: [lambdaSchemas, clientVersions, lambdaCredentials, lambdaStandIns],
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

/**
 * Bundles the CLI into `<outRoot>/cli/muster.mjs`, one file with every dependency inside: it runs
 * with no node_modules at all, and bin/muster.mjs uses it where tsx is not installed.
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
