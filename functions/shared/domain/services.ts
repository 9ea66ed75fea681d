import { InvalidInputError } from '../errors.ts';
import { describeValue } from './account-id.ts';

export const SERVICE_NAMES = ['securityhub', 'detective'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Services whose CreateMembers does not invite: an invitation is a call of its own (InviteMembers). */
export const INVITES_SEPARATELY: ReadonlySet<ServiceName> = new Set(['securityhub']);

export function isServiceName(value: unknown): value is ServiceName {
  return typeof value === 'string' && (SERVICE_NAMES as readonly string[]).includes(value);
}

export function parseServices(values: readonly unknown[], where: string): ServiceName[] {
  if (values.length === 0) throw new InvalidInputError(`${where}: at least one service is required`);
  return [
    ...new Set(
      values.map((value, index) => {
        if (isServiceName(value)) return value;
        throw new InvalidInputError(
          `${where}[${index}]: ${describeValue(value)} is not a service muster manages (${SERVICE_NAMES.join(', ')})`,
        );
      }),
    ),
  ];
}
