import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../local/standin/scenario.ts';
import { regionState, World } from '../../local/standin/world.ts';
import { smallScenario } from './helpers.ts';

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

describe('World.iso', () => {
  it('formats each time as toISOString does, whether it repeats the last one or not', () => {
    const world = new World(parseScenario(smallScenario()), 1);
    const times = [0, 0, 1_764_650_000_123, 1_764_650_000_123, 1_764_650_000_124, 0, -1, 8.64e15];

    expect(times.map((ms) => world.iso(ms))).toEqual(times.map((ms) => new Date(ms).toISOString()));
  });
});
