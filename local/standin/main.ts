import { parseArgs } from 'node:util';
import { ScenarioError, startStandIn } from './index.ts';

const USAGE = `Usage: npm run standin -- [--scenario FILE] [--port N] [--time-scale X]

  --scenario FILE   scenario JSON (default: local/scenarios/healthy.json)
  --port N          port on 127.0.0.1; 0 picks a free one (default: 0)
  --time-scale X    multiplies every scenario delay and latency (default: 1)`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

let values: { scenario?: string; port?: string; 'time-scale'?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      scenario: { type: 'string', default: 'local/scenarios/healthy.json' },
      port: { type: 'string', default: '0' },
      'time-scale': { type: 'string', default: '1' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  fail((error as Error).message);
}
if (values.help === true) {
  console.log(USAGE);
  process.exit(0);
}
const port = Number(values.port);
const timeScale = Number(values['time-scale']);
if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`--port must be 0..65535, got ${values.port}`);
if (!Number.isFinite(timeScale) || timeScale < 0)
  fail(`--time-scale must be 0 or more, got ${values['time-scale']}`);

try {
  const standIn = await startStandIn({ scenario: values.scenario ?? '', port, timeScale });
  // The first line is the endpoint alone, so scripts can read it.
  console.log(standIn.endpoint);
  console.log(
    `stand-in for ${standIn.scenario.name ?? values.scenario}: ${standIn.scenario.accounts.length} accounts, ` +
      `Regions ${standIn.scenario.regions.join(', ')}. Introspection: ${standIn.endpoint}/_standin/inspect`,
  );
  for (const [name, value] of Object.entries(standIn.env)) console.log(`export ${name}=${value}`);
  // No process.exit: once every socket is closed the process ends by itself, which proves the stop is clean.
  const shutdown = () => {
    standIn.stop().catch((error: unknown) => {
      console.error('stand-in: stop failed', error);
      process.exitCode = 1;
    });
  };
  // npm passes a SIGTERM on to its script's shell; the script execs tsx (package.json), so the
  // signal reaches tsx, which relays it here, instead of killing a shell that leaves both running.
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  // Started by the local runner, over an IPC channel: it stops when the runner goes, even one that
  // crashed or was killed, instead of living on with its port. The channel alone keeps nothing alive.
  if (process.channel !== undefined) {
    process.channel.unref();
    process.once('disconnect', shutdown);
  }
} catch (error) {
  if (error instanceof ScenarioError) fail(error.message);
  throw error;
}
