import { describe, expect, it } from 'vitest';
import {
  parseRegion,
  parseRegions,
  partitionOf,
  refuseOtherPartitions,
} from '../../../functions/shared/domain/regions.ts';
import { parseServices } from '../../../functions/shared/domain/services.ts';
import { InvalidInputError } from '../../../functions/shared/errors.ts';

describe('parseRegions', () => {
  it('returns the Regions in order without duplicates', () => {
    expect(parseRegions(['eu-west-1', 'us-east-1', 'eu-west-1'], 'regions')).toEqual([
      'eu-west-1',
      'us-east-1',
    ]);
  });

  it.each([
    ['us-east-7', 'regions[1]: "us-east-7" is not a known AWS Region'],
    ['US-EAST-1', 'did you mean "us-east-1"?'],
    ['', '"" is not a known AWS Region'],
    [1, 'the number 1'],
  ])('rejects %j with a message naming it', (bad, message) => {
    expect(() => parseRegions(['us-east-1', bad], 'regions')).toThrow(message);
  });

  it('rejects an empty list', () => {
    expect(() => parseRegions([], 'regions')).toThrow(InvalidInputError);
  });

  it.each([
    ['us-east-1', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['eusc-de-east-1', 'aws-eusc'],
  ])('returns the partition of %s as %s', (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
    expect(parseRegion(region, 'region')).toBe(region);
  });

  it.each([
    ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
    ['eu-isoe-west-1', 'aws-iso-e'],
    ['us-isof-south-1', 'aws-iso-f'],
  ])('returns the partition of the isolated Region %s as %s', (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
  });
});

describe('refuseOtherPartitions', () => {
  it('accepts Regions of the partition muster runs in', () => {
    expect(() =>
      refuseOtherPartitions(['us-east-1', 'eu-west-1'], 'eu-west-1', 'input.regions'),
    ).not.toThrow();
    expect(() => refuseOtherPartitions(['cn-northwest-1'], 'cn-north-1', 'input.regions')).not.toThrow();
  });

  it.each([
    [
      ['eu-west-1', 'cn-north-1'],
      'us-east-1',
      'input.regions: cn-north-1 is in partition aws-cn, and muster runs in us-east-1, partition aws',
    ],
    [
      ['us-gov-west-1', 'us-gov-east-1'],
      'us-east-1',
      'us-gov-west-1 is in partition aws-us-gov, us-gov-east-1 is in partition aws-us-gov',
    ],
    [
      ['us-east-1'],
      'cn-north-1',
      'us-east-1 is in partition aws, and muster runs in cn-north-1, partition aws-cn',
    ],
  ])('refuses %j when muster runs in %s, naming each Region and its partition', (regions, home, message) => {
    expect(() => refuseOtherPartitions(regions, home, 'input.regions')).toThrow(InvalidInputError);
    expect(() => refuseOtherPartitions(regions, home, 'input.regions')).toThrow(message);
  });
});

describe('parseServices', () => {
  it('returns known services without duplicates', () => {
    expect(parseServices(['detective', 'securityhub', 'detective'], 'services')).toEqual([
      'detective',
      'securityhub',
    ]);
  });

  it.each([['macie'], ['SecurityHub'], [3]])('rejects %j naming it and its position', (bad) => {
    expect(() => parseServices(['securityhub', bad], 'services')).toThrow(
      /services\[1\]: .* is not a service muster manages/,
    );
  });
});
