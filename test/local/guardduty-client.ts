import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import type { StandIn } from '../../local/standin/index.ts';
import { ADMIN_CREDENTIALS, type AwsCredentialIdentity } from './helpers.ts';

/**
 * A GuardDuty client pointed at the stand-in (or moto), one attempt, as helpers.ts makes the others.
 * A module of its own: the timing-bound throttle tests load no SDK client they do not use.
 */
export function guardDutyClient(
  target: Pick<StandIn, 'endpoint'>,
  region = 'us-east-1',
  credentials: AwsCredentialIdentity = ADMIN_CREDENTIALS,
): GuardDutyClient {
  return new GuardDutyClient({ endpoint: target.endpoint, region, credentials, maxAttempts: 1 });
}
