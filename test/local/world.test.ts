import { describe, expect, it } from 'vitest';
import { regionState } from '../../local/standin/world.ts';

describe('regionState', () => {
  const regions = new Map([
    ['us-east-1', { members: 1 }],
    ['eu-west-1', { members: 2 }],
  ]);

  it.each([
    ['us-east-1', { members: 1 }],
    ['eu-west-1', { members: 2 }],
  ])('returns the state of %s', (region, state) => {
    expect(regionState(regions, region)).toEqual(state);
  });

  it('throws naming a Region the scenario does not have', () => {
    expect(() => regionState(regions, 'ap-east-1')).toThrow('Region ap-east-1 is not in the scenario');
  });
});
