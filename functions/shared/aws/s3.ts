import { S3Client } from '@aws-sdk/client-s3';
import type { ClientSettings } from './clients.ts';

/**
 * The S3 client for the report bucket. Path-style addressing (`/<bucket>/<key>`) only when the
 * endpoint is a custom one (the local stand-in), which has no per-bucket host names; AWS itself
 * gets the SDK's default virtual-hosted style.
 */
export function s3Client(region: string, settings: ClientSettings, customEndpoint: boolean): S3Client {
  const client = new S3Client({
    region,
    maxAttempts: settings.maxAttempts,
    retryMode: 'standard',
    forcePathStyle: customEndpoint,
  });
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}
