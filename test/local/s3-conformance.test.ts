import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Client } from '../../functions/shared/aws/s3.ts';
import { s3ReportStore } from '../../functions/shared/report/store.ts';
import { LOCAL_REPORT_BUCKET, type StandIn, startStandIn } from '../../local/standin/index.ts';
import { smallScenario } from './helpers.ts';
import { type Moto, SKIPPED_WITHOUT_MOTO, skipWithoutMoto, startMoto } from './moto.ts';

const CREDENTIALS = { accessKeyId: 'conformance-test-key', secretAccessKey: 'conformance-test-secret' };

/** What an S3 call answered, as muster sees it: the fields it reads, or the error's name, status and message. */
async function outcome(call: Promise<unknown>): Promise<unknown> {
  try {
    const answer = (await call) as Record<string, unknown> & {
      Body?: { transformToString(): Promise<string> };
    };
    return {
      body: await answer.Body?.transformToString(),
      contentType: answer.ContentType,
      etag: typeof answer.ETag === 'string' ? 'quoted md5' : answer.ETag,
    };
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
}

describe.skipIf(skipWithoutMoto)(`stand-in S3 conformance with moto_server${SKIPPED_WITHOUT_MOTO}`, () => {
  let moto: Moto | undefined;
  let standIn: StandIn | undefined;
  let clients: { moto: S3Client; standIn: S3Client } | undefined;

  beforeAll(async () => {
    moto = await startMoto();
    const motoEndpoint = moto.endpoint;
    standIn = await startStandIn({ scenario: smallScenario() });
    const client = (endpoint: string) =>
      new S3Client({
        endpoint,
        region: 'us-east-1',
        credentials: CREDENTIALS,
        forcePathStyle: true,
        maxAttempts: 1,
      });
    clients = { moto: client(motoEndpoint), standIn: client(standIn.endpoint) };
    // The stand-in's bucket exists from the start, as the stack creates it; moto's is made here.
    await clients.moto.send(new CreateBucketCommand({ Bucket: LOCAL_REPORT_BUCKET }));
  }, 30_000);

  afterAll(async () => {
    await standIn?.stop();
    await moto?.stop();
  });

  /** The same calls against moto and the stand-in. */
  async function onBoth(run: (client: S3Client) => Promise<unknown>): Promise<[unknown, unknown]> {
    if (clients === undefined) throw new Error('setup did not finish');
    return Promise.all([run(clients.moto), run(clients.standIn)]);
  }

  it('stores an object with PutObject and returns it, its type and ETag, with GetObject', async () => {
    const key = 'executions/muster-onboarding/run-1/report.csv';
    const [moto, ours] = await onBoth(async (client) => {
      const put = await outcome(
        client.send(
          new PutObjectCommand({
            Bucket: LOCAL_REPORT_BUCKET,
            Key: key,
            Body: 'accountId,region\n"=1+2",é\n',
            ContentType: 'text/csv; charset=utf-8',
          }),
        ),
      );
      const got = await outcome(client.send(new GetObjectCommand({ Bucket: LOCAL_REPORT_BUCKET, Key: key })));
      return { put, got };
    });
    expect(ours).toEqual(moto);
    expect(ours).toMatchObject({
      got: { body: 'accountId,region\n"=1+2",é\n', contentType: 'text/csv; charset=utf-8' },
    });
  });

  it('answers NoSuchKey 404 for a missing object and NoSuchBucket 404 for a missing bucket, as S3 does', async () => {
    const [moto, ours] = await onBoth(async (client) => ({
      key: await outcome(
        client.send(new GetObjectCommand({ Bucket: LOCAL_REPORT_BUCKET, Key: 'executions/none' })),
      ),
      bucket: await outcome(client.send(new GetObjectCommand({ Bucket: 'muster-no-such-bucket', Key: 'k' }))),
      put: await outcome(
        client.send(new PutObjectCommand({ Bucket: 'muster-no-such-bucket', Key: 'k', Body: 'x' })),
      ),
    }));
    expect(ours).toEqual(moto);
    expect(ours).toMatchObject({
      key: { name: 'NoSuchKey', status: 404 },
      bucket: { name: 'NoSuchBucket', status: 404 },
    });
  });

  it('is what the functions reach through AWS_ENDPOINT_URL_S3: the report store reads back what it wrote', async () => {
    const env = standIn?.env ?? {};
    const previous = process.env.AWS_ENDPOINT_URL_S3;
    process.env.AWS_ENDPOINT_URL_S3 = env.AWS_ENDPOINT_URL_S3;
    try {
      const store = s3ReportStore(s3Client('us-east-1', { maxAttempts: 1 }, true), env.REPORT_BUCKET ?? '');
      await store.put('executions/m/run/round-0/carried.json', '[]', 'application/json');
      expect(await store.get('executions/m/run/round-0/carried.json')).toBe('[]');
      await expect(store.get('executions/m/run/missing.json')).rejects.toThrow(
        `could not read s3://${LOCAL_REPORT_BUCKET}/executions/m/run/missing.json: NoSuchKey`,
      );
    } finally {
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_S3;
      else process.env.AWS_ENDPOINT_URL_S3 = previous;
    }
  });
});
