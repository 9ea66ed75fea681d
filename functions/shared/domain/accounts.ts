import { InvalidInputError } from '../errors.ts';
import { accountIdProblem, describeValue } from './account-id.ts';
import { SERVICE_NAMES, SERVICE_RULES } from './services.ts';

export interface Account {
  accountId: string;
  /** The account's root email; Detective needs it for accounts outside the organization. */
  email?: string;
}

/** Organizations states of an account that is closing, closed or suspended: never onboarded. */
export const INACTIVE_STATES: ReadonlySet<string> = new Set(['SUSPENDED', 'PENDING_CLOSURE', 'CLOSED']);

export interface SkippedAccount {
  accountId: string;
  outcome: 'SKIPPED_ADMINISTRATOR' | 'SKIPPED_ACCOUNT_INACTIVE' | 'STALE_MEMBER';
  reason: string;
}

export interface AccountSelection {
  accounts: Account[];
  skipped: SkippedAccount[];
}

// Control and format characters (bidirectional overrides among them) and line or paragraph separators.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/**
 * Why `value` is not an email address muster takes, or undefined when it is one: no invisible
 * character, and the rules of every service that refuses a whole call of 50 accounts for one bad
 * address (the registry's inputEmailProblem, Detective's pattern), whichever services a run names.
 * The message never repeats the address (personal data).
 */
export function emailProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `${describeValue(value)} is not an email address`;
  if (INVISIBLE.test(value)) return 'the email contains a control character or a line break';
  for (const name of SERVICE_NAMES) {
    const problem = SERVICE_RULES[name].inputEmailProblem?.(value);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** `email` when every service would take it on input, else undefined: for addresses read from AWS, not typed in. */
export function usableEmail(email: string | undefined): string | undefined {
  return email === undefined || emailProblem(email) !== undefined ? undefined : email;
}

/**
 * Validates every entry first (all problems reported together, with their positions), then
 * de-duplicates and sets the administrator aside: it can never be its own member.
 * A duplicate keeps the first email given; two different emails for one account is an error.
 */
export function selectAccounts(
  entries: readonly unknown[],
  administratorId: string,
  where: string,
): AccountSelection {
  const problems: string[] = [];
  const byId = new Map<string, Account>();
  entries.forEach((entry, index) => {
    const at = `${where}[${index}]`;
    const record =
      typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : { accountId: entry };
    const problem = accountIdProblem(record.accountId);
    if (problem !== undefined) {
      problems.push(`${at}.accountId: ${problem}`);
      return;
    }
    const accountId = record.accountId as string;
    const emailIssue = record.email === undefined ? undefined : emailProblem(record.email);
    if (emailIssue !== undefined) {
      problems.push(`${at}.email: account ${accountId}: ${emailIssue}`);
      return;
    }
    const email = record.email as string | undefined;
    const seen = byId.get(accountId);
    if (seen === undefined) byId.set(accountId, email === undefined ? { accountId } : { accountId, email });
    else if (
      email !== undefined &&
      seen.email !== undefined &&
      seen.email.toLowerCase() !== email.toLowerCase()
    ) {
      problems.push(`${at}: account ${accountId} appears again with a different email`);
    } else if (seen.email === undefined && email !== undefined) seen.email = email;
  });
  if (problems.length > 0) {
    throw new InvalidInputError(
      `${problems.length} bad account entr${problems.length === 1 ? 'y' : 'ies'}: ${problems.join('; ')}`,
      problems,
    );
  }
  const skipped: SkippedAccount[] = [];
  const accounts: Account[] = [];
  for (const account of byId.values()) {
    if (account.accountId === administratorId) {
      skipped.push({
        accountId: account.accountId,
        outcome: 'SKIPPED_ADMINISTRATOR',
        reason: 'this is the administrator account itself; it cannot be its own member',
      });
    } else accounts.push(account);
  }
  return { accounts, skipped };
}

/** Masks an email for logs: the domain stays, the local part does not (emails are personal data). */
export function maskEmail(email: string | undefined): string | undefined {
  if (email === undefined) return undefined;
  const at = email.lastIndexOf('@');
  return at <= 0 ? '***' : `${email[0]}***${email.slice(at)}`;
}

// Characters that end an address in free text: whitespace, quotes, brackets and list punctuation.
const ADDRESS_END = /[\s@"'<>,;:]/;

/** The end of the run of address characters that starts at `from` (`from` itself when there is none). */
function runEnd(text: string, from: number): number {
  let end = from;
  while (end < text.length && !ADDRESS_END.test(text.charAt(end))) end += 1;
  return end;
}

/** Whether text[from, to) has a dot between two of its characters: a domain. */
function hasInnerDot(text: string, from: number, to: number): boolean {
  for (let index = from + 1; index < to - 1; index += 1) if (text.charAt(index) === '.') return true;
  return false;
}

/**
 * Masks every email address inside a text (log values may quote AWS messages that contain one).
 * An address is a run of address characters, `@`, and a run with a dot between two of its characters.
 * One pass: every character is read at most twice (as a domain, then as the next local part), so
 * a megabyte value costs milliseconds; the regular expression this replaces backtracked quadratically.
 */
export function maskEmails(text: string): string {
  // Most log values hold no @ at all: one native search settles them.
  if (!text.includes('@')) return text;
  const parts: string[] = [];
  let copied = 0;
  let start = 0;
  while (start < text.length) {
    const at = runEnd(text, start);
    if (at === start || text.charAt(at) !== '@') {
      start = Math.max(at, start + 1);
      continue;
    }
    const end = runEnd(text, at + 1);
    if (hasInnerDot(text, at + 1, end)) {
      parts.push(text.slice(copied, start), maskEmail(text.slice(start, end)) ?? '***');
      copied = end;
      start = end;
    } else {
      // No domain here; the run after the @ may still be the local part of a later address.
      start = at + 1;
    }
  }
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}
