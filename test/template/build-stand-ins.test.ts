import { S3Client } from '@aws-sdk/client-s3';
import middy from '@middy/core';
import { describe, expect, it } from 'vitest';
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
