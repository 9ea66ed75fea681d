import type { ServiceName } from '../../functions/shared/domain/services.ts';
import type { Inspection } from './server.ts';

/** What a check of a run reads from the stand-in about one service's memberships. */
export interface HeldMemberships {
  /** The (Region, account) pairs the stand-in holds as enabled members of `administratorId`. */
  enabled(inspection: Inspection, administratorId: string): [region: string, accountId: string][];
  /** The operations that end a membership: with none of them called, a member once invited stays invited or enabled. */
  endingOperations: readonly string[];
}

/**
 * Per service the stand-in emulates, how it holds memberships: the one place outside the emulation
 * that knows each service's inspection view, so local/runner/verify.ts reads every service alike.
 * A service muster adds needs its emulation and its entry here (the compiler asks for it).
 */
export const HELD_MEMBERSHIPS: Readonly<Record<ServiceName, HeldMemberships>> = {
  securityhub: {
    enabled: (inspection, administratorId) =>
      Object.entries(inspection.membership.securityhub).flatMap(([region, view]) =>
        Object.entries(view.administrators[administratorId] ?? {})
          .filter(([, member]) => member.status === 'Enabled')
          .map(([accountId]): [string, string] => [region, accountId]),
      ),
    endingOperations: ['DisassociateMembers', 'DeleteMembers', 'DisassociateFromAdministratorAccount'],
  },
  detective: {
    enabled: (inspection, administratorId) =>
      Object.entries(inspection.membership.detective).flatMap(([region, view]) =>
        Object.values(view.graphs)
          .filter((graph) => graph.administratorId === administratorId)
          .flatMap((graph) =>
            Object.entries(graph.members)
              .filter(([, member]) => member.status === 'ENABLED')
              .map(([accountId]): [string, string] => [region, accountId]),
          ),
      ),
    endingOperations: ['DeleteMembers', 'DisassociateMembership'],
  },
  guardduty: {
    enabled: (inspection, administratorId) =>
      Object.entries(inspection.membership.guardduty).flatMap(([region, view]) =>
        Object.entries(view.administrators[administratorId]?.members ?? {})
          .filter(([, member]) => member.status === 'Enabled')
          .map(([accountId]): [string, string] => [region, accountId]),
      ),
    endingOperations: ['DisassociateMembers', 'DeleteMembers'],
  },
};
