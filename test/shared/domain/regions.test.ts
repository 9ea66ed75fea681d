import { describe, expect, it } from 'vitest';
import { parseRegion, parseRegions, partitionOf } from '../../../functions/shared/domain/regions.ts';
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
});

describe('parseServices', () => {
  it('returns known services without duplicates', () => {
    expect(parseServices(['detective', 'securityhub', 'detective'], 'services')).toEqual([
      'detective',
      'securityhub',
    ]);
  });

  it.each([['guardduty'], ['SecurityHub'], [3]])('rejects %j naming it and its position', (bad) => {
    expect(() => parseServices(['securityhub', bad], 'services')).toThrow(
      /services\[1\]: .* is not a service muster manages/,
    );
  });
});
