import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type * as z from 'zod/mini';
import { parseInput } from '../contracts.ts';
import { ReportStoreError } from '../errors.ts';

/** Where what grows with the organization is kept: one S3 bucket, one prefix per execution. */
export interface ReportStore {
  readonly bucket: string;
  put(key: string, body: string, contentType: string): Promise<void>;
  /** The object's text; a missing object is a ReportStoreError naming it. */
  get(key: string): Promise<string>;
}

/** The ReportStore over S3: PutObject and GetObject only, the two actions the functions may use. */
export function s3ReportStore(client: S3Client, bucket: string): ReportStore {
  return {
    bucket,
    async put(key, body, contentType) {
      try {
        await client.send(
          new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
        );
      } catch (error) {
        throw new ReportStoreError(`could not write s3://${bucket}/${key}: ${(error as Error).name}`, {
          cause: error,
        });
      }
    },
    async get(key) {
      try {
        const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return (await answer.Body?.transformToString('utf8')) ?? '';
      } catch (error) {
        throw new ReportStoreError(`could not read s3://${bucket}/${key}: ${(error as Error).name}`, {
          cause: error,
        });
      }
    },
  };
}

/** An object an earlier step wrote, parsed with `schema`: a bad one is an InvalidInputError naming it. */
export async function readParsed<Schema extends z.ZodMiniType>(
  store: ReportStore,
  key: string,
  schema: Schema,
): Promise<z.output<Schema>> {
  return parseInput(schema, JSON.parse(await store.get(key)), `s3://${store.bucket}/${key}`);
}

/**
 * The prefix of one execution's objects: its state machine and name, from the execution ARN
 * (arn:aws:states:<region>:<account>:execution:<state machine>:<name>). Without an id (a direct
 * invocation), a prefix of its own.
 */
export function executionPrefix(executionId: string | undefined, fallback: () => string): string {
  const [, , , , , kind, machine, name] = executionId?.split(':') ?? [];
  if (kind === 'execution' && machine !== undefined && name !== undefined)
    return `executions/${machine}/${name}`;
  return `executions/direct/${fallback()}`;
}
