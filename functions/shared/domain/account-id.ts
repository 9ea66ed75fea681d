import { InvalidInputError } from '../errors.ts';

const ACCOUNT_ID = /^\d{12}$/;

/** Renders a bad value so the operator can find it: strings quoted, other types named. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return `the number ${String(value)} (account ids must be strings)`;
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  return `a ${Array.isArray(value) ? 'list' : typeof value}`;
}

/** Why `value` is not an account id, or undefined when it is one. Never repairs the value. */
export function accountIdProblem(value: unknown): string | undefined {
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
