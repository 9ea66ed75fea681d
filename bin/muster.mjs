#!/usr/bin/env node
// From a clone with devDependencies the TypeScript sources run through tsx, so an edit takes effect
// at once. An install without them (npm install --omit=dev) runs dist/cli/muster.mjs instead, the
// bundle `npm run build` makes with every dependency inside.
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
    'muster: neither tsx (a devDependency) nor the built CLI (dist/cli/muster.mjs) is here: run `npm ci` in the clone, or `npm run build` where the devDependencies are installed\n',
  );
  // 4: the tool could not run (cli/exit-codes.ts, toolFailure).
  process.exitCode = 4;
} else {
  process.exitCode = await cli.main(process.argv.slice(2));
}
