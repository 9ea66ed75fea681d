import { InvalidInputError } from '../errors.ts';
import { describeValue } from './account-id.ts';

/** Every AWS Region Security Hub or Detective can run in, across partitions. */
export const KNOWN_REGIONS: ReadonlySet<string> = new Set([
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'us-gov-east-1',
  'us-gov-west-1',
  'cn-north-1',
  'cn-northwest-1',
  'eusc-de-east-1',
]);

/** Region name prefixes of the partitions other than `aws`, longest first (docs/aws-facts.md, Regions and partitions). */
const PARTITION_PREFIXES: readonly (readonly [prefix: string, partition: string])[] = [
  ['us-gov-', 'aws-us-gov'],
  ['us-isob-', 'aws-iso-b'],
  ['us-isof-', 'aws-iso-f'],
  ['eu-isoe-', 'aws-iso-e'],
  ['us-iso-', 'aws-iso'],
  ['cn-', 'aws-cn'],
  ['eusc-', 'aws-eusc'],
];

/** The partition a Region belongs to, for ARNs (`arn:<partition>:iam::...`). */
export function partitionOf(region: string): string {
  return PARTITION_PREFIXES.find(([prefix]) => region.startsWith(prefix))?.[1] ?? 'aws';
}

/**
 * Refuses Regions outside the partition muster runs in: credentials, endpoints and accounts of one
 * partition do not reach another (docs/aws-facts.md, Regions and partitions).
 */
export function refuseOtherPartitions(regions: readonly string[], homeRegion: string, where: string): void {
  const home = partitionOf(homeRegion);
  const foreign = regions.filter((region) => partitionOf(region) !== home);
  if (foreign.length === 0) return;
  throw new InvalidInputError(
    `${where}: ${foreign.map((region) => `${region} is in partition ${partitionOf(region)}`).join(', ')}, ` +
      `and muster runs in ${homeRegion}, partition ${home}: an administrator reaches only the Regions of its own partition. ` +
      `Leave ${foreign.length === 1 ? 'it' : 'them'} out, or deploy muster in that partition for ${foreign.length === 1 ? 'it' : 'them'}.`,
  );
}

/**
 * Whether an SDK error says the service has no endpoint in the client's Region: the endpoint's
 * host name does not exist (DNS answers ENOTFOUND), which is how a Region where AWS does not offer
 * the service fails (docs/aws-facts.md, Regions and partitions). EAI_AGAIN, a resolver that did not
 * answer, is not this: it is retried as a network error.
 */
export function isServiceNotOffered(error: unknown): boolean {
  const { code, syscall } = (error ?? {}) as { code?: unknown; syscall?: unknown };
  return code === 'ENOTFOUND' && syscall === 'getaddrinfo';
}

export function parseRegion(value: unknown, where: string): string {
  if (typeof value === 'string' && KNOWN_REGIONS.has(value)) return value;
  const hint =
    typeof value === 'string' && KNOWN_REGIONS.has(value.trim().toLowerCase())
      ? ` (did you mean "${value.trim().toLowerCase()}"?)`
      : '';
  throw new InvalidInputError(`${where}: ${describeValue(value)} is not a known AWS Region${hint}`);
}

/** Validates a list of Regions; duplicates collapse, order is kept, an empty list is an error. */
export function parseRegions(values: readonly unknown[], where: string): string[] {
  if (values.length === 0) throw new InvalidInputError(`${where}: at least one Region is required`);
  return [...new Set(values.map((value, index) => parseRegion(value, `${where}[${index}]`)))];
}
