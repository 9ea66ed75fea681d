import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../../functions/shared/domain/outcomes.ts';
import { coverageOf } from '../../../../functions/shared/report/formats/coverage.ts';

const rows = (outcomes: Outcome[], region = 'us-east-1') =>
  outcomes.map((outcome) => ({ region, service: 'securityhub' as const, outcome }));

describe('coverageOf', () => {
  it.each<[string, Outcome[], { enabled: number; expected: number; percent?: number }]>([
    ['all enabled', ['ENABLED', 'ENABLED'], { enabled: 2, expected: 2, percent: 100 }],
    ['one pending', ['ENABLED', 'PENDING_ACCEPTANCE'], { enabled: 1, expected: 2, percent: 50 }],
    [
      'the administrator skipped by rule',
      ['ENABLED', 'SKIPPED_ADMINISTRATOR'],
      { enabled: 1, expected: 1, percent: 100 },
    ],
    [
      'a failure counts against coverage',
      ['FAILED', 'ENABLED', 'ENABLED', 'ENABLED'],
      { enabled: 3, expected: 4, percent: 75 },
    ],
    ['not offered: nothing expected', ['SERVICE_NOT_OFFERED'], { enabled: 0, expected: 0 }],
  ])('covers %s', (_name, outcomes, expected) => {
    expect(coverageOf(rows(outcomes)).pairs).toEqual([
      { region: 'us-east-1', service: 'securityhub', ...expected },
    ]);
  });

  it('counts outcomes over every pair and keeps the pairs apart', () => {
    const coverage = coverageOf([...rows(['ENABLED', 'FAILED']), ...rows(['ENABLED'], 'eu-west-1')]);
    expect(coverage.outcomes).toEqual({ ENABLED: 2, FAILED: 1 });
    expect(coverage.pairs.map(({ region, percent }) => [region, percent])).toEqual([
      ['us-east-1', 50],
      ['eu-west-1', 100],
    ]);
  });

  it('finds a pair again when its rows come back after another pair', () => {
    const coverage = coverageOf([
      ...rows(['ENABLED']),
      ...rows(['FAILED'], 'eu-west-1'),
      ...rows(['FAILED']),
      { region: 'us-east-1', service: 'detective', outcome: 'ENABLED' },
    ]);
    expect(coverage.pairs.map(({ region, service, percent }) => [region, service, percent])).toEqual([
      ['us-east-1', 'securityhub', 50],
      ['eu-west-1', 'securityhub', 0],
      ['us-east-1', 'detective', 100],
    ]);
  });
});
