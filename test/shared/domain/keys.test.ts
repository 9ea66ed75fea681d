import { describe, expect, it } from 'vitest';
import { membershipKey, pairKey } from '../../../functions/shared/domain/keys.ts';

describe('pairKey', () => {
  it.each([
    ['us-east-1', 'securityhub', 'us-east-1|securityhub'],
    ['eu-west-1', 'detective', 'eu-west-1|detective'],
    ['ap-southeast-2', 'guardduty', 'ap-southeast-2|guardduty'],
  ])('names %s × %s as %s', (region, service, key) => {
    expect(pairKey(region, service)).toBe(key);
  });
});

describe('membershipKey', () => {
  it.each([
    ['111111111111', 'us-east-1', 'securityhub', '111111111111|us-east-1|securityhub'],
    ['222222222222', 'eu-west-1', 'detective', '222222222222|eu-west-1|detective'],
  ])('names %s in %s for %s as %s', (accountId, region, service, key) => {
    expect(membershipKey(accountId, region, service)).toBe(key);
  });

  it.each([
    ['another service', '111111111111', 'us-east-1', 'detective'],
    ['another Region', '111111111111', 'us-east-2', 'securityhub'],
    ['another account', '222222222222', 'us-east-1', 'securityhub'],
  ])('tells a membership from one in %s', (_, accountId, region, service) => {
    expect(membershipKey(accountId, region, service)).not.toBe(
      membershipKey('111111111111', 'us-east-1', 'securityhub'),
    );
  });

  it('ends with the pair key, so a membership can be found from its pair', () => {
    expect(
      membershipKey('111111111111', 'us-east-1', 'detective').endsWith(pairKey('us-east-1', 'detective')),
    ).toBe(true);
  });
});
