import { usableEmail } from './accounts.ts';
import { SERVICE_RULES, type ServiceName } from './services.ts';

/** One member list's email for an account: whose list it is, and whether AWS refused the address. */
export interface ListedEmail {
  service: ServiceName;
  region: string;
  email: string;
  /** The member's status says the address is not the account's root email (VERIFICATION_FAILED). */
  refused: boolean;
}

/** What the administrator's member lists say of one account's email. */
export type MemberListsEmail =
  | { kind: 'none' }
  | { kind: 'agreed'; email: string }
  /** The lists hold different addresses: `where` names the lists of each, never the addresses. */
  | { kind: 'disagree'; where: string[] };

/** How many lists one address's entry in `where` names before "and N more", and how many addresses it names. */
const MAX_LISTS_NAMED = 3;

function listNames(entries: readonly ListedEmail[]): string {
  const names = entries.map(({ service, region }) => `${SERVICE_RULES[service].label} ${region}`);
  const shown = names.slice(0, MAX_LISTS_NAMED).join(', ');
  return names.length > MAX_LISTS_NAMED ? `${shown} and ${names.length - MAX_LISTS_NAMED} more` : shown;
}

/**
 * The email a sweep takes for an invited member from the administrator's own member lists (each entry
 * carries one: docs/aws-facts.md, Security Hub, "Member lists carry each member's email"): the one
 * address every list that holds a usable one agrees on, ignoring case (the first list's spelling).
 * An address a list shows AWS refused (Detective's VERIFICATION_FAILED, GuardDuty's
 * EmailVerificationFailed: not the root email) or Detective would refuse is not one. Where lists
 * hold different addresses, nothing says which is the root email now (an account's root email can
 * change after an invitation), so none is taken rather than a guess: the services that need one
 * report the account FAILED, and the plan's note names the lists. Pure.
 */
export function emailFromMemberLists(listed: readonly ListedEmail[]): MemberListsEmail {
  const byAddress = new Map<string, { email: string; lists: ListedEmail[] }>();
  for (const entry of listed) {
    if (entry.refused || usableEmail(entry.email) === undefined) continue;
    const key = entry.email.toLowerCase();
    const seen = byAddress.get(key);
    if (seen === undefined) byAddress.set(key, { email: entry.email, lists: [entry] });
    else seen.lists.push(entry);
  }
  const [first, ...others] = byAddress.values();
  if (first === undefined) return { kind: 'none' };
  if (others.length === 0) return { kind: 'agreed', email: first.email };
  // Bounded, as the note that shows it is: the first addresses' lists, then how many more addresses.
  const groups = [first, ...others];
  const where = groups.slice(0, MAX_LISTS_NAMED).map(({ lists }) => listNames(lists));
  if (groups.length > MAX_LISTS_NAMED) where.push(`${groups.length - MAX_LISTS_NAMED} more addresses`);
  return { kind: 'disagree', where };
}
