import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import middy from '@middy/core';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILD_OPTIONS, jsonSchemaStandIn } from '../../scripts/build.ts';
import {
  EventStreamSerde,
  eventStreamSerdeProvider,
  resolveEventStreamSerdeConfig,
} from '../../scripts/lambda-event-streams.ts';
import { captureLambdaHandler, Tracer } from '../../scripts/lambda-tracer.ts';

describe('the Tracer bundled without the X-Ray SDK (scripts/lambda-tracer.ts)', () => {
  it('hands each client back as it is, so its calls go out unchanged', () => {
    const client = new S3Client({ region: 'eu-west-1' });
    expect(new Tracer({ serviceName: 'muster' }).captureAWSv3Client(client)).toBe(client);
  });

  it("is a middleware middy accepts, which leaves the handler's answer and errors as they are", async () => {
    const tracer = new Tracer({ serviceName: 'muster' });
    const answer = middy(async (event: { n: number }) => ({ doubled: event.n * 2 })).use(
      captureLambdaHandler(tracer),
    );
    const failing = middy(async () => {
      throw new RangeError('bad n');
    }).use(captureLambdaHandler(tracer));

    await expect(answer({ n: 21 }, {} as never)).resolves.toEqual({ doubled: 42 });
    await expect(failing({}, {} as never)).rejects.toThrow(RangeError);
  });
});

describe('the event streams bundled as a stand-in (scripts/lambda-event-streams.ts)', () => {
  it('lets the S3 client wire its marshaller, and says why if an operation ever used it', () => {
    const config = resolveEventStreamSerdeConfig({ eventStreamSerdeProvider });
    expect(() => config.eventStreamMarshaller.serialize()).toThrow(/event streams are not bundled/);
    expect(() => eventStreamSerdeProvider().deserialize()).toThrow(/no muster call streams events/);
    expect(() => new EventStreamSerde()).toThrow(/not bundled into the Lambda functions/);
  });
});

describe("zod's JSON Schema modules, bundled as a stand-in (jsonSchemaStandIn)", () => {
  const scratch = mkdtempSync(join(tmpdir(), 'muster-zod-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('exports every name the module exports, the factories returning the throwing function', () => {
    const source = [
      'export const stringProcessor = (schema) => {};',
      'export function toJSONSchema(input) {}',
      'function processSchema() {}',
      'export { processSchema as process };',
      'export const createToJSONSchemaMethod = (schema) => (params) => {};',
    ].join('\n');

    const standIn = jsonSchemaStandIn(source);

    expect(standIn.match(/^export const \w+/gm)).toEqual([
      'export const createToJSONSchemaMethod',
      'export const process',
      'export const stringProcessor',
      'export const toJSONSchema',
    ]);
    expect(standIn).toContain('export const createToJSONSchemaMethod = () => notBundled;');
    expect(standIn).toContain('export const toJSONSchema = notBundled;');
  });

  it('parses as zod does in a Lambda bundle, and says why if a JSON Schema is asked for', async () => {
    const entry = [
      "import * as z from 'zod';",
      'export const schema = z.object({ accountId: z.string().regex(/^\\d{12}$/), n: z.number().int().min(1).default(1) });',
    ].join('\n');
    const result = await build({
      ...BUILD_OPTIONS,
      stdin: { contents: entry, resolveDir: process.cwd(), loader: 'ts', sourcefile: 'entry.ts' },
      write: false,
      sourcemap: false,
      outdir: scratch,
    });
    writeFileSync(join(scratch, 'entry.mjs'), result.outputFiles[0]?.text ?? '');
    const { schema } = (await import(pathToFileURL(join(scratch, 'entry.mjs')).href)) as {
      schema: import('zod').ZodType;
    };

    expect(schema.parse({ accountId: '111111111111' })).toEqual({ accountId: '111111111111', n: 1 });
    expect(schema.safeParse({ accountId: 'x' }).error?.issues[0]?.message).toBe(
      'Invalid string: must match pattern /^\\d{12}$/',
    );
    expect(schema['~standard'].validate({ accountId: '111111111111' })).toEqual({
      value: { accountId: '111111111111', n: 1 },
    });
    expect(() => schema.toJSONSchema()).toThrow(/JSON Schema generation is not bundled/);
  });
});
