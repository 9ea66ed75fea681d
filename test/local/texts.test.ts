import { describe, expect, it } from 'vitest';
import { classifyUnprocessed } from '../../functions/shared/domain/classify.ts';
import { INVENTED } from '../../local/standin/faults.ts';
import { DETECTIVE_TEXTS, SECURITY_HUB_TEXTS } from '../../local/standin/index.ts';
import { parseScenario } from '../../local/standin/scenario.ts';

// The two texts a public source quotes from AWS (docs/aws-facts.md, Security Hub).
const SOURCED = new Set([
  'The request is rejected because the given account ID is already a member or associated member of the current account.',
  'Maximum number of results exceeded',
]);

const texts = [
  ...Object.entries(SECURITY_HUB_TEXTS).map(([name, text]) => [`SECURITY_HUB_TEXTS.${name}`, text] as const),
  ...Object.entries(DETECTIVE_TEXTS).map(([name, text]) => [`DETECTIVE_TEXTS.${name}`, text] as const),
];

describe('the stand-in unprocessed-account texts', () => {
  it.each(texts)('%s is AWS own text or says it is not', (_name, text) => {
    expect(SOURCED.has(text) || text.startsWith(INVENTED)).toBe(true);
  });

  it.each(texts.filter(([, text]) => !SOURCED.has(text)))(
    'muster reports %s as a failure with its words',
    (_name, text) => {
      expect(classifyUnprocessed(text)).toEqual({ kind: 'failed', reason: text });
    },
  );

  it('leaves accounts unprocessed with AWS own "send it again" text unless a scenario says otherwise', () => {
    const scenario = parseScenario({
      administratorAccountId: '999999999999',
      regions: ['us-east-1'],
      delegatedAdministrator: true,
      services: { securityhub: { enabledRegions: 'all' }, detective: { enabledRegions: 'all' } },
      faults: { forceUnprocessed: { count: 1 } },
    });
    expect(scenario.faults.forceUnprocessed?.reason).toBe('Maximum number of results exceeded');
  });
});
