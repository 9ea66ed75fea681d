import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Reply } from './wire.ts';

/** The report bucket every stand-in has, so a local run needs nothing but npm. */
export const LOCAL_REPORT_BUCKET = 'muster-reports-local';

interface StoredObject {
  body: Buffer;
  contentType: string;
  etag: string;
  lastModified: Date;
}

const escapeXml = (text: string) =>
  text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c,
  );

/**
 * S3's PutObject and GetObject on path-style addresses (`/<bucket>/<key>`), the two operations
 * muster calls, answered on S3's REST-XML wire: errors as an `<Error>` document with S3's codes.
 */
export class S3 {
  readonly #buckets = new Map<string, Map<string, StoredObject>>();

  constructor(buckets: readonly string[]) {
    for (const bucket of buckets) this.#buckets.set(bucket, new Map());
  }

  /** The keys of a bucket, for tests and `/_standin/inspect`. */
  keys(bucket: string): string[] {
    return [...(this.#buckets.get(bucket)?.keys() ?? [])];
  }

  handle(method: string, path: string, body: Buffer, contentType: string | undefined): Reply {
    const [, bucketPart = '', ...keyParts] = path.split('/');
    const bucket = decodeURIComponent(bucketPart);
    const key = keyParts.map(decodeURIComponent).join('/');
    const objects = this.#buckets.get(bucket);
    if (key === '' || (method !== 'PUT' && method !== 'GET'))
      return error(
        501,
        'NotImplemented',
        'A header you provided implies functionality that is not implemented',
        {},
      );
    if (objects === undefined)
      return error(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
    if (method === 'PUT') {
      const etag = `"${createHash('md5').update(body).digest('hex')}"`;
      objects.set(key, {
        body,
        contentType: contentType ?? 'binary/octet-stream',
        etag,
        lastModified: new Date(),
      });
      return { status: 200, headers: { ...ids(), etag }, body: '' };
    }
    const object = objects.get(key);
    if (object === undefined)
      return error(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
    return {
      status: 200,
      headers: {
        ...ids(),
        'content-type': object.contentType,
        etag: object.etag,
        'last-modified': object.lastModified.toUTCString(),
        'accept-ranges': 'bytes',
      },
      body: object.body.toString('utf8'),
    };
  }
}

function ids(): Record<string, string> {
  return {
    'x-amz-request-id': randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase(),
    'x-amz-id-2': randomBytes(32).toString('base64'),
  };
}

function error(status: number, code: string, message: string, fields: Record<string, string>): Reply {
  const headers = ids();
  const extra = Object.entries(fields)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  return {
    status,
    headers: { ...headers, 'content-type': 'application/xml' },
    body:
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message>${extra}` +
      `<RequestId>${headers['x-amz-request-id']}</RequestId><HostId>${headers['x-amz-id-2']}</HostId></Error>`,
  };
}
