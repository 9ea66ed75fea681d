import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { type ClientSettings, regionalClient } from '#shared/aws/clients.ts';
import type { ServiceName } from '#shared/domain/services.ts';
import type { MemberAccount, MemberService } from '#shared/services/member.ts';
import { MEMBER_SIDES, type MemberOptions } from '#shared/services/member-registry.ts';

/**
 * Opens member accounts: one rate-limited client per (Region, service), all on the account's one
 * credentials provider. `instrument` wraps each client (the handler passes the tracer's capture).
 */
export function memberAccountOpener(
  settings: ClientSettings,
  options: MemberOptions,
  instrument: <C>(client: C) => C = (client) => client,
): (credentials: AwsCredentialIdentityProvider) => MemberAccount {
  return (credentials) => {
    const services = new Map<string, MemberService>();
    const clients: { destroy(): void }[] = [];
    return {
      service(name: ServiceName, region: string) {
        const key = `${name} ${region}`;
        let service = services.get(key);
        if (service === undefined) {
          service = MEMBER_SIDES[name]((Client) => {
            const client = regionalClient(Client, region, settings, { credentials });
            clients.push(client);
            return instrument(client);
          }, options);
          services.set(key, service);
        }
        return service;
      },
      // Drops the account's clients; their connections stay in the process's shared pool (#shared/aws/connections.ts).
      close() {
        for (const client of clients.splice(0)) client.destroy();
        services.clear();
      },
    };
  };
}
