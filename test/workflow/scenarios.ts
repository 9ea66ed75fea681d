import type { ScenarioInput } from '../../local/standin/index.ts';

export const ADMINISTRATOR = '111111111111';

/** A small organization whose administrator is the delegated administrator, no faults. */
export function organization(overrides: Partial<ScenarioInput> = {}): ScenarioInput {
  return {
    name: 'workflow-test',
    administratorAccountId: ADMINISTRATOR,
    regions: ['us-east-1', 'eu-west-1'],
    delegatedAdministrator: true,
    services: { securityhub: { enabledRegions: 'all' }, detective: { enabledRegions: 'all' } },
    ...overrides,
  } as ScenarioInput;
}

/** An account outside the organization: it joins by invitation and accepts on the member side. */
export function outsider(accountId: string, extra: Record<string, unknown> = {}) {
  return { accountId, email: `root+${accountId}@example.net`, joinedMethod: 'OUTSIDE' as const, ...extra };
}

/** The manual input that lists `accounts` with their emails. */
export function listing(accounts: { accountId: string; email: string }[]) {
  return { accounts: accounts.map(({ accountId, email }) => ({ accountId, email })) };
}

/** Short polling so a test run waits seconds, not minutes, at the runner's time scale. */
export const FAST = { pollIntervalSeconds: 30, pollTimeoutMinutes: 5 };
