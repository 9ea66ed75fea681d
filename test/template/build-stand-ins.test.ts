import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import middy from '@middy/core';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import type { s3Client } from '../../functions/shared/aws/s3.ts';
import type { s3ReportStore } from '../../functions/shared/report/store.ts';
import { BUILD_OPTIONS, handledErrorNames, keepErrorClasses } from '../../scripts/build.ts';
import { getFlexibleChecksumsPlugin, Sha1 } from '../../scripts/lambda-checksums.ts';
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

describe('the report store bundled with the S3 checksums stand-in (scripts/lambda-checksums.ts)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'muster-s3-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("writes and reads through the bundled S3 client: no CRC32, the body's SHA-256 signed, AWS's error name kept", async () => {
    const entry = [
      "export { s3Client } from './functions/shared/aws/s3.ts';",
      "export { s3ReportStore } from './functions/shared/report/store.ts';",
    ].join('\n');
    const result = await build({
      ...BUILD_OPTIONS,
      stdin: { contents: entry, resolveDir: process.cwd(), loader: 'ts', sourcefile: 'entry.ts' },
      write: false,
      sourcemap: false,
      metafile: true,
      outdir: scratch,
    });
    expect(Object.keys(result.metafile?.inputs ?? {})).toContain('scripts/lambda-checksums.ts');
    writeFileSync(
      join(scratch, 'entry.mjs'),
      result.outputFiles.find(({ path }) => path.endsWith('.mjs'))?.text ?? '',
    );
    const bundled = (await import(pathToFileURL(join(scratch, 'entry.mjs')).href)) as {
      s3Client: typeof s3Client;
      s3ReportStore: typeof s3ReportStore;
    };

    const objects = new Map<string, string>();
    const puts: IncomingHttpHeaders[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const key = request.url?.split('?')[0] ?? '';
        if (request.method === 'PUT') {
          puts.push(request.headers);
          objects.set(key, Buffer.concat(chunks).toString('utf8'));
          response.writeHead(200).end();
        } else if (objects.has(key)) response.writeHead(200).end(objects.get(key));
        else
          response
            .writeHead(404, { 'content-type': 'application/xml' })
            .end('<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const saved = { ...process.env };
    try {
      const { port } = server.address() as AddressInfo;
      Object.assign(process.env, {
        AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
      });
      const store = bundled.s3ReportStore(bundled.s3Client('eu-west-1', { maxAttempts: 1 }, true), 'reports');
      const body = '{"accountId":"111111111111"}\n';

      await store.put('a/report.jsonl', body, 'application/x-ndjson');
      await expect(store.get('a/report.jsonl')).resolves.toBe(body);
      const error = await store.get('a/missing.jsonl').catch((caught: Error) => caught);

      expect(Object.keys(puts[0] ?? {}).filter((name) => name.startsWith('x-amz-checksum'))).toEqual([]);
      expect(puts[0]?.['x-amz-content-sha256']).toBe(createHash('sha256').update(body).digest('hex'));
      expect(puts[0]?.authorization).toContain('x-amz-content-sha256');
      expect(error).toMatchObject({
        name: 'ReportStoreError',
        cause: { name: 'NoSuchKey', $fault: 'client' },
      });
    } finally {
      process.env = saved;
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('says why if a command that needs a checksum were ever sent', () => {
    const added: string[] = [];
    getFlexibleChecksumsPlugin(undefined, { requestChecksumRequired: true }).applyToStack({
      add: (middleware, { name }) => {
        added.push(name);
        expect(middleware()).toThrow(/S3 flexible checksums are not bundled/);
      },
    });
    getFlexibleChecksumsPlugin(undefined, { requestChecksumRequired: false }).applyToStack({
      add: (_, { name }) => added.push(name),
    });
    expect(added).toEqual(['checksumsNotBundled']);
    expect(() => new Sha1()).toThrow(/not bundled/);
  });
});

describe('keepErrorClasses', () => {
  const errors = [
    'export class ThrottledException extends __BaseException {',
    '    $retryable = {};',
    '}',
    'export class OtherException extends __BaseException {',
    '    name = "OtherException";',
    '}',
  ].join('\n');
  const schema = (names: string[]) =>
    names
      .map(
        (name) => `${name === 'ServiceException' ? '_s' : 'n0'}_registry.registerError(${name}$, ${name});\n`,
      )
      .join('');

  it.each([
    ['the base exception, always', ['ServiceException'], []],
    ['an error muster names', ['AccessDeniedException'], ['AccessDeniedException']],
    ['an error AWS marks retryable', ['ThrottledException'], []],
  ])('keeps %s', (_, names, handled) => {
    expect(keepErrorClasses(schema(names), errors, new Set(handled))).toBe(schema(names));
  });

  it('drops the registration of an error muster neither names nor retries', () => {
    expect(keepErrorClasses(schema(['OtherException', 'ServiceException']), errors, new Set())).toBe(
      schema(['ServiceException']),
    );
  });

  it('finds the names muster matches in its Lambda code', () => {
    const handled = handledErrorNames();
    for (const name of [
      'AccessDeniedException',
      'TooManyRequestsException',
      'AWSOrganizationsNotInUseException',
    ])
      expect(handled, name).toContain(name);
  });
});
