import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OUTCOMES } from '../../../functions/shared/domain/outcomes.ts';
import { SERVICE_NAMES } from '../../../functions/shared/domain/services.ts';
import { MEMBER_SIDES } from '../../../functions/shared/services/member-registry.ts';
import type { OpenClient } from '../../../functions/shared/services/registry.ts';
import { SERVICES } from '../../../functions/shared/services/registry.ts';

const FUNCTIONS = join(import.meta.dirname, '../../../functions');

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Where a service may be named: its own adapters, its rules and the registry that joins them. */
function mayNameServices(path: string): boolean {
  const file = relative(FUNCTIONS, path);
  return (
    SERVICE_NAMES.some((name) => file.startsWith(join('shared/services', name))) ||
    file === join('shared/domain/services.ts') ||
    file === join('shared/services/registry.ts') ||
    file === join('shared/services/member-registry.ts')
  );
}

const open: OpenClient = (Client) =>
  new Client({ region: 'eu-west-1', maxAttempts: 1, retryMode: 'standard' });

describe('the service registry', () => {
  it('is the only place outside the adapters that names a service', () => {
    const named = new RegExp(`['"\`](${SERVICE_NAMES.join('|')})['"\`]`);
    const offenders = sources(FUNCTIONS)
      .filter((path) => !mayNameServices(path))
      .flatMap((path) =>
        readFileSync(path, 'utf8')
          .split('\n')
          .flatMap((line, index) =>
            named.test(line) ? [`${relative(FUNCTIONS, path)}:${index + 1}: ${line.trim()}`] : [],
          ),
      );
    expect(offenders).toEqual([]);
  });

  it.each(SERVICE_NAMES)('maps every status word of %s to a known outcome', (name) => {
    for (const outcome of Object.values(SERVICES[name].statuses)) expect(OUTCOMES).toContain(outcome);
  });

  it.each(SERVICE_NAMES)('gives %s an inviter exactly when it invites separately', (name) => {
    const adapter = SERVICES[name].administrator(open);
    expect(adapter.service).toBe(name);
    expect(adapter.inviteMembers !== undefined).toBe(SERVICES[name].invitesSeparately);
  });

  it.each(SERVICE_NAMES)('gives %s a member side for its own name', (name) => {
    const member = MEMBER_SIDES[name](open, { enableDefaultStandards: true, allowTakeOver: false });
    expect(member.service).toBe(name);
  });
});
