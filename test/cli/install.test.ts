import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/** The npm package a bare import names: `@scope/name` or `name`, without a subpath. */
function packageOf(specifier: string): string {
  const [first = '', second = ''] = specifier.split('/');
  return first.startsWith('@') ? `${first}/${second}` : first;
}

const BUILTINS: ReadonlySet<string> = new Set(builtinModules);

/**
 * `npm install --omit=dev` (or `npm ci --omit=dev`) installs only what package-lock.json does not
 * mark `dev`: every package the CLI imports at run time (the local runner's Lambdas included) must
 * be among them, and so must tsx, which bin/muster.mjs runs the sources with (docs/cli.md, Install).
 */
describe('an install without devDependencies', () => {
  it('has every package the CLI and the functions it runs locally import, and tsx', async () => {
    const handlers = readdirSync('functions')
      .filter((name) => name !== 'shared')
      .map((name) => `functions/${name}/handler.ts`);
    const { metafile } = await build({
      entryPoints: ['cli/main.ts', ...handlers],
      bundle: true,
      write: false,
      outdir: 'unused',
      platform: 'node',
      format: 'esm',
      packages: 'external',
      metafile: true,
      logLevel: 'silent',
    });
    const imported = new Set(['tsx']);
    for (const { imports } of Object.values(metafile.inputs))
      for (const { path, external } of imports)
        if (external && !path.startsWith('node:') && !BUILTINS.has(path)) imported.add(packageOf(path));

    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const devOnly = [...imported].filter((name) => lock.packages[`node_modules/${name}`]?.dev === true);
    expect(devOnly).toEqual([]);
    expect([...imported].filter((name) => lock.packages[`node_modules/${name}`] === undefined)).toEqual([]);
  });
});
