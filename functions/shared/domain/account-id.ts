import { InvalidInputError } from '../errors.ts';

const ACCOUNT_ID = /^\d{12}$/;

/** Characters of a bad string shown in a message: enough to find it, never a whole oversized value. */
const SHOWN_CHARACTERS = 64;

function withArticle(noun: string): string {
  return `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;
}

/** Renders a bad value so the operator can find it: strings quoted (long ones clipped), other types named. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return value.length > SHOWN_CHARACTERS
      ? `${JSON.stringify(value.slice(0, SHOWN_CHARACTERS))}... (${value.length} characters)`
      : JSON.stringify(value);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return `the ${typeof value} ${String(value)}`;
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  return withArticle(typeof value);
}

/** Why `value` is not an account id, or undefined when it is one. Never repairs the value. */
export function accountIdProblem(value: unknown): string | undefined {
  if (typeof value === 'number')
    return `${describeValue(value)} (account ids must be strings) is not an account id`;
  if (typeof value !== 'string') return `${describeValue(value)} is not an account id`;
  if (ACCOUNT_ID.test(value)) return undefined;
  if (value.trim() === '') return 'an empty value is not an account id';
  if (/^\d+$/.test(value)) {
    return `${describeValue(value)} has ${value.length} digits; an account id has exactly 12 (a lost leading zero?)`;
  }
  return `${describeValue(value)} is not an account id (exactly 12 digits, as text)`;
}

/**
 * Account ids are 12-digit strings. Numbers, spreadsheet forms (`444455556666.0`, `4.44456E+11`) and ids with
 * 11 or 13 digits are rejected with their value and where they came from (earlier tools lost leading zeros by
 * converting ids to numbers: docs/aws-facts.md, What earlier public tools got wrong).
 */
export function parseAccountId(value: unknown, where: string): string {
  const problem = accountIdProblem(value);
  if (problem !== undefined) throw new InvalidInputError(`${where}: ${problem}`);
  return value as string;
}
