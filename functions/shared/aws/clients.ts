import { NODE_APP_ID_CONFIG_OPTIONS } from '@aws-sdk/core/client';
import { NODE_AUTH_SCHEME_PREFERENCE_OPTIONS } from '@aws-sdk/core/httpAuthSchemes';
import {
  loadConfig,
  NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS,
  NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS,
} from '@smithy/core/config';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  Provider,
  RetryErrorInfo,
  RetryStrategy,
  RetryStrategyV2,
  RetryToken,
} from '@smithy/types';
import { type ErrorLike, isQuotaExceeded } from '../domain/classify.ts';
import { sharedConnections } from './connections.ts';
import type { Pacing } from './pacing.ts';
import { limitRate, RateLimiter, type SdkClient } from './rate-limit.ts';
import { skipUnreadTimestamps } from './unread-timestamps.ts';

export interface ClientSettings {
  /**
   * SDK attempts per call; the SDK backs off between them on 429 and 5xx
   * (docs/aws-facts.md, Getting into member accounts (STS)).
   */
  maxAttempts: number;
  /**
   * Calls per second this process makes per (account, Region, service), after a burst of three
   * seconds' worth (rate-limit.ts). Left out for Organizations and STS, which publish no such
   * quota: the SDK's backoff paces them.
   */
  callsPerSecond?: number;
}

/** The settings of the clients of AWS's paced services: the Lambdas' own, from their environment. */
export type PacedClientSettings = Required<ClientSettings>;

/**
 * Settings every client otherwise looks up on its own, in the environment and then the shared config
 * files, making and catching an error for each one that is not set: looked up once per process (a
 * Lambda container) through the SDK's own providers, which remember what they found, and shared. The
 * member side makes a client per account, Region and service, thousands an invocation; the lookups
 * were about a third of the CPU of making one and sending its first call (docs/aws-facts.md, Settings
 * every SDK client reads from the environment). No client made here names a profile: the default one's
 * settings are read, as before.
 */
const LOOKED_UP_ONCE = {
  useFipsEndpoint: loadConfig(NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS),
  useDualstackEndpoint: loadConfig(NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS),
  userAgentAppId: loadConfig(NODE_APP_ID_CONFIG_OPTIONS),
  authSchemePreference: loadConfig(NODE_AUTH_SCHEME_PREFERENCE_OPTIONS),
};

/** What muster sets on a client; the CLI also names a profile or an endpoint. */
interface ClientConfig extends Partial<typeof LOOKED_UP_ONCE> {
  region: string;
  maxAttempts: number;
  retryMode: 'standard';
  cacheMiddleware?: boolean;
  credentials?: AwsCredentialIdentityProvider | AwsCredentialIdentity;
  profile?: string;
  endpoint?: string;
  requestHandler?: typeof sharedConnections;
}

/** An SDK client as muster configures it: its stack, and the retry strategy its retry middleware asks for. */
export type RetryingClient = SdkClient & {
  destroy(): void;
  config: { retryStrategy: Provider<RetryStrategy | RetryStrategyV2>; serviceId: string };
};

/** An SDK client class muster can configure: every AWS SDK v3 client. */
export type RegionalClientClass<C extends RetryingClient> = new (config: ClientConfig) => C;

/**
 * The SDK's own retry strategy, except that a spent quota is not retried: the SDK counts every
 * LimitExceededException (and every 429) as throttling, and Security Hub also answers a spent quota
 * with it (isQuotaExceeded).
 */
class QuotaAwareRetryStrategy implements RetryStrategyV2 {
  constructor(private readonly inner: RetryStrategyV2) {}

  acquireInitialRetryToken(scope: string): Promise<RetryToken> {
    return this.inner.acquireInitialRetryToken(scope);
  }

  refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    // The SDK rethrows the call's own error when no token comes back: that error reaches muster.
    if (info.error !== undefined && isQuotaExceeded(info.error as ErrorLike))
      return Promise.reject(new Error('a spent quota is not retried'));
    return this.inner.refreshRetryTokenForRetry(token, info);
  }

  recordSuccess(token: RetryToken): void {
    this.inner.recordSuccess(token);
  }
}

/**
 * Wraps the strategy the client resolved (standard mode, its maxAttempts) in QuotaAwareRetryStrategy.
 * The retry middleware asks the client's config for its strategy on every call, so the SDK's own
 * backoff and retry quota stay as they are.
 */
function withoutQuotaRetries(client: RetryingClient): void {
  const resolved = client.config.retryStrategy;
  let wrapped: Promise<RetryStrategy | RetryStrategyV2> | undefined;
  client.config.retryStrategy = () => {
    wrapped ??= resolved().then((strategy) =>
      'refreshRetryTokenForRetry' in strategy ? new QuotaAwareRetryStrategy(strategy) : strategy,
    );
    return wrapped;
  };
}

/** The Lambda's own role, as a key of `limiters`: member clients are keyed by their credentials provider. */
const OWN_ROLE = {};
const limiters = new WeakMap<object, Map<string, RateLimiter>>();

/**
 * The one limiter of an (identity, Region, service) in this process, as AWS keeps one bucket per
 * account and Region (docs/aws-facts.md, Pacing: a token bucket per account, Region and service):
 * for member accounts' clients and the CLI's. A Lambda's own calls are paced by its container's
 * Pacing instead, which each step hands on to the next (pacing.ts).
 */
export function sharedLimiter(
  identity: object,
  service: string,
  region: string,
  callsPerSecond: number,
): RateLimiter {
  let byKey = limiters.get(identity);
  if (byKey === undefined) {
    byKey = new Map();
    limiters.set(identity, byKey);
  }
  const key = `${service} ${region} ${callsPerSecond}`;
  let limiter = byKey.get(key);
  if (limiter === undefined) {
    limiter = new RateLimiter(callsPerSecond);
    byKey.set(key, limiter);
  }
  return limiter;
}

/** Whose client it is: the Lambda's own role by default. */
export interface ClientIdentity {
  /** A member account's assumed-role provider. */
  credentials?: AwsCredentialIdentityProvider;
  /** The Lambda container's own buckets, which it carries from step to step (pacing.ts). */
  pacing?: Pacing;
}

/**
 * Builds an SDK client for one Region with muster's retry and rate settings: the Lambda's own role's
 * client paced by `pacing` when given, by this process's buckets otherwise; a member account's
 * client with its `credentials`, paced by that member's own buckets.
 */
export function regionalClient<C extends RetryingClient>(
  Client: RegionalClientClass<C>,
  region: string,
  settings: ClientSettings,
  { credentials, pacing }: ClientIdentity = {},
): C {
  const client = new Client({
    ...LOOKED_UP_ONCE,
    region,
    maxAttempts: settings.maxAttempts,
    retryMode: 'standard',
    // The stack is complete before the first call (rate limit, tracing), so it is resolved once per
    // command, not on every call.
    cacheMiddleware: true,
    // Member accounts' clients share the process's connections (a few calls each, many accounts);
    // the administrator's paced clients keep their own: sharing one pool among them made the local
    // stand-in throttle about 20 calls of each default bench run (docs/benchmark.md, "Client CPU per AWS call").
    ...(credentials === undefined ? {} : { credentials, requestHandler: sharedConnections }),
  });
  // The SDK's logger middleware filters every input and output for a log line that its default
  // no-op logger drops: for a GetMembers answer of 50 members that costs about as much as signing.
  client.middlewareStack.remove('loggerMiddleware');
  skipUnreadTimestamps(client);
  withoutQuotaRetries(client);
  if (settings.callsPerSecond === undefined) return client;
  // The SDK's own service id ("SecurityHub"): a class name would not survive minification.
  const api = client.config.serviceId;
  return limitRate(
    client,
    credentials === undefined && pacing !== undefined
      ? pacing.limiter(api, region)
      : sharedLimiter(credentials ?? OWN_ROLE, api, region, settings.callsPerSecond),
  );
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
