// Bundles every Lambda (functions/<name>/handler.ts) into dist/<name>/index.mjs: the folder
// template.yaml deploys as that function's CodeUri (`sam build` only copies it; docs/deploy.md).
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';

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
      path: fileURLToPath(new URL('./lambda-credentials.ts', import.meta.url)),
    }));
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
  // Some bundled CommonJS (X-Ray SDK) calls require(); ESM output needs it defined.
  banner: { js: "import { createRequire } from 'module';const require = createRequire(import.meta.url);" },
  logLevel: 'warning',
  plugins: [schemaKeys, lambdaCredentials],
} satisfies BuildOptions;

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
    plugins: [schemaKeys],
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
    console.log(
      `${name.padEnd(20)}${kilobytes(statSync(join(outdir, 'index.mjs')).size)}  ${outdir}/index.mjs`,
    );
    if (showComposition)
      for (const [owner, bytes] of composition(metafile).filter(([, size]) => size >= 1024))
        console.log(`  ${owner.padEnd(44)}${kilobytes(bytes)}`);
  }
  const cli = await buildCli();
  console.log(`${'muster CLI'.padEnd(20)}${kilobytes(statSync(cli).size)}  ${cli}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
