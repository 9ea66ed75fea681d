import { createInterface } from 'node:readline/promises';
import { text } from 'node:stream/consumers';
import { setTimeout as delay } from 'node:timers/promises';
import pc from 'picocolors';

/** A stream the CLI writes to; a TTY gets colour and live progress bars. */
export type Output = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/** Standard input: `--csv -` reads it, and `start` asks its question there when it is a terminal. */
export interface Input {
  isTTY: boolean;
  /** Everything up to the end of the stream. */
  readAll(): Promise<string>;
  /** Writes the question to standard error and returns the line answered. */
  ask(question: string): Promise<string>;
}

/** Everything the CLI touches outside itself, so tests can run it in-process. */
export interface Io {
  stdin: Input;
  stdout: Output;
  stderr: Output;
  env: Readonly<Record<string, string | undefined>>;
  /** Files named on the command line are relative to this. */
  cwd: string;
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export function processIo(): Io {
  for (const stream of [process.stdout, process.stderr]) {
    // `muster status ARN --json | head` closes the pipe early: the reader's choice, not a crash.
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit();
    });
  }
  return {
    stdin: {
      isTTY: process.stdin.isTTY === true,
      readAll: () => text(process.stdin),
      ask: async (question) => {
        const lines = createInterface({ input: process.stdin, output: process.stderr });
        try {
          return await lines.question(question);
        } finally {
          lines.close();
        }
      },
    },
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
    sleep: (ms) => delay(ms),
  };
}

export type Colours = ReturnType<typeof pc.createColors>;

/** Colour only on a terminal, never when NO_COLOR is set (no-color.org); FORCE_COLOR overrides both. */
export function coloursFor(stream: Output, env: Io['env']): Colours {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return pc.createColors(force !== '0');
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return pc.createColors(stream.isTTY === true && !noColor);
}
