#!/usr/bin/env node
// tsx is a dependency, so any install of the clone (`npm ci --omit=dev` included) runs the TypeScript
// sources through it, and an edit takes effect at once. Where no node_modules is at all,
// dist/cli/muster.mjs runs instead: the bundle `npm run build` makes with every dependency inside.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** tsx's register(), or undefined when tsx is not installed. */
async function tsx() {
  try {
    return (await import('tsx/esm/api')).register;
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

async function load() {
  const register = await tsx();
  if (register !== undefined) {
    register();
    return import('../cli/main.ts');
  }
  try {
    return await import('../dist/cli/muster.mjs');
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    return undefined;
  }
}

const cli = await load();
if (cli === undefined) {
  process.stderr.write(
    'muster: neither tsx nor the built CLI (dist/cli/muster.mjs) is here: run `npm ci` (or `npm ci --omit=dev`) in the clone, or copy dist/ from a clone where `npm run build` ran\n',
  );
  // 4: the tool could not run (cli/exit-codes.ts, toolFailure).
  process.exitCode = 4;
} else {
  process.exitCode = await cli.main(process.argv.slice(2));
}
