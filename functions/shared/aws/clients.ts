import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { limitRate, RateLimiter, type SdkClient } from './rate-limit.ts';

export interface ClientSettings {
  /**
   * SDK attempts per call; the SDK backs off between them on 429 and 5xx
   * (docs/aws-facts.md, Getting into member accounts (STS)).
   */
  maxAttempts: number;
  /**
   * Calls per second this process makes per client (one account, one Region, one service).
   * Left out for Organizations and STS, which publish no such quota: the SDK's backoff paces them.
   */
  callsPerSecond?: number;
}

interface ClientConfig {
  region: string;
  maxAttempts: number;
  retryMode: 'standard';
  cacheMiddleware: boolean;
  credentials?: AwsCredentialIdentityProvider;
}

/** An SDK client class muster can configure: every AWS SDK v3 client. */
export type RegionalClientClass<C extends SdkClient> = new (config: ClientConfig) => C;

/**
 * Builds an SDK client for one Region with muster's retry and rate settings. `credentials`
 * defaults to the Lambda's own role; member-side clients pass the assumed-role provider.
 */
export function regionalClient<C extends SdkClient>(
  Client: RegionalClientClass<C>,
  region: string,
  settings: ClientSettings,
  credentials?: AwsCredentialIdentityProvider,
): C {
  const client = new Client({
    region,
    maxAttempts: settings.maxAttempts,
    retryMode: 'standard',
    // The stack is complete before the first call (rate limit, tracing), so it is resolved once per
    // command, not on every call.
    cacheMiddleware: true,
    ...(credentials === undefined ? {} : { credentials }),
  });
  // The SDK's logger middleware filters every input and output for a log line that its default
  // no-op logger drops: for a GetMembers answer of 50 members that costs about as much as signing.
  client.middlewareStack.remove('loggerMiddleware');
  return settings.callsPerSecond === undefined
    ? client
    : limitRate(client, new RateLimiter(settings.callsPerSecond));
}

/** One client per Region, made on first use and kept for the life of the Lambda container. */
export function perRegion<C>(make: (region: string) => C): (region: string) => C {
  const clients = new Map<string, C>();
  return (region) => {
    let client = clients.get(region);
    if (client === undefined) {
      client = make(region);
      clients.set(region, client);
    }
    return client;
  };
}
