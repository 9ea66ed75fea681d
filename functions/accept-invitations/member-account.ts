import { DetectiveClient } from '@aws-sdk/client-detective';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { type ClientSettings, regionalClient } from '../shared/aws/clients.ts';
import type { ServiceName } from '../shared/domain/services.ts';
import { detectiveMember } from '../shared/services/detective/member.ts';
import type { MemberAccount, MemberService } from '../shared/services/member.ts';
import { type SecurityHubMemberOptions, securityHubMember } from '../shared/services/securityhub/member.ts';

/**
 * Opens member accounts: one rate-limited client per (Region, service), all on the account's one
 * credentials provider. `instrument` wraps each client (the handler passes the tracer's capture).
 */
export function memberAccountOpener(
  settings: ClientSettings,
  options: SecurityHubMemberOptions,
  instrument: <C>(client: C) => C = (client) => client,
): (credentials: AwsCredentialIdentityProvider) => MemberAccount {
  return (credentials) => {
    const services = new Map<string, MemberService>();
    const clients: { destroy(): void }[] = [];
    const open = <C extends SecurityHubClient | DetectiveClient>(client: C): C => {
      clients.push(client);
      return instrument(client);
    };
    return {
      service(name: ServiceName, region: string) {
        const key = `${name} ${region}`;
        let service = services.get(key);
        if (service === undefined) {
          service =
            name === 'securityhub'
              ? securityHubMember(
                  open(regionalClient(SecurityHubClient, region, settings, credentials)),
                  options,
                )
              : detectiveMember(open(regionalClient(DetectiveClient, region, settings, credentials)));
          services.set(key, service);
        }
        return service;
      },
      // Each client keeps its own keep-alive sockets: hundreds per invocation would exhaust file descriptors.
      close() {
        for (const client of clients.splice(0)) client.destroy();
        services.clear();
      },
    };
  };
}
