import { afterEach, describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../../local/runner/lambda-context.ts';

describe('handlers with a bad setting', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it.each(['create-members', 'invite-members', 'check-members', 'resolve-accounts', 'accept-invitations'])(
    'load, then reject %s invocations with a ConfigurationError naming the variable',
    async (name) => {
      vi.stubEnv('SDK_MAX_ATTEMPTS', 'many');
      vi.stubEnv('ADMINISTRATOR_ACCOUNT_ID', '999999999999');
      vi.stubEnv('DEFAULT_REGIONS', 'us-east-1');
      vi.stubEnv('MEMBER_ROLE_NAME', 'MusterMemberRole');
      const { handler } = (await import(`../../functions/${name}/handler.ts`)) as {
        handler: (event: unknown, context: unknown) => Promise<unknown>;
      };
      const event = JSON.parse(
        (await import('node:fs')).readFileSync(`events/${name}/standin-healthy.json`, 'utf8'),
      ) as unknown;

      const run = handler(event, lambdaContext(name, '999999999999'));

      // Each test loads the handler afresh, so the class is compared by the name the state machine matches.
      await expect(run).rejects.toMatchObject({ name: 'ConfigurationError' });
      await expect(handler(event, lambdaContext(name, '999999999999'))).rejects.toThrow('SDK_MAX_ATTEMPTS');
    },
  );
});
