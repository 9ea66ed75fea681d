// Bundles every Lambda (functions/<name>/handler.ts) into dist/<name>/index.mjs: the folder
// template.yaml deploys as that function's CodeUri (`sam build` only copies it; docs/deploy.md).
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';

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
 * so nothing left from an earlier build may ride along.
 */
export async function buildFunction(name: string, outRoot = 'dist'): Promise<string> {
  const outdir = join(outRoot, name);
  rmSync(outdir, { recursive: true, force: true });
  await build({ ...BUILD_OPTIONS, entryPoints: { index: join('functions', name, 'handler.ts') }, outdir });
  return outdir;
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
    entryPoints: { muster: join('cli', 'main.ts') },
    outdir,
  });
  return join(outdir, 'muster.mjs');
}

async function main() {
  const rows: [string, number][] = [];
  for (const name of functionNames()) {
    const outdir = await buildFunction(name);
    rows.push([name, statSync(join(outdir, 'index.mjs')).size]);
  }
  const cli = await buildCli();
  const width = Math.max(...rows.map(([name]) => name.length));
  for (const [name, bytes] of rows)
    console.log(`${name.padEnd(width)}  ${(bytes / 1024).toFixed(1).padStart(7)} KB  dist/${name}/index.mjs`);
  console.log(
    `${'muster CLI'.padEnd(width)}  ${(statSync(cli).size / 1024).toFixed(1).padStart(7)} KB  ${cli}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
