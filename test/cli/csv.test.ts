import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readAccountsCsv } from '../../cli/csv.ts';
import { InvalidInputError } from '../../functions/shared/errors.ts';

const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');

function problemsOf(text: string, file = 'accounts.csv'): readonly string[] {
  try {
    readAccountsCsv(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as InvalidInputError).problems;
  }
  throw new Error('expected the CSV to be rejected');
}

describe('readAccountsCsv', () => {
  it('returns every account when the console export has a BOM, CRLF, quotes, spaces and a blank line', () => {
    expect(readAccountsCsv(fixture('console-export.csv'), 'console-export.csv')).toEqual([
      { accountId: '200000000001', email: 'aws+200000000001@example.com' },
      { accountId: '200000000002', email: 'aws+200000000002@example.com' },
      { accountId: '200000000003' },
    ]);
  });

  it('returns accounts when lines end in LF or a lone CR', () => {
    const text = 'Account ID,Email\n012345678901,a@example.com\r111122223333,b@example.com';
    expect(readAccountsCsv(text, 'x.csv').map(({ accountId }) => accountId)).toEqual([
      '012345678901',
      '111122223333',
    ]);
  });

  it('returns an account without email when the file has only the Account ID column', () => {
    expect(readAccountsCsv('Account ID\n012345678901\n', 'ids.csv')).toEqual([{ accountId: '012345678901' }]);
  });

  it('throws with the line number of every id a spreadsheet mangled, and a hint', () => {
    const text = fixture('spreadsheet-mangled.csv');
    expect(problemsOf(text, 'spreadsheet-mangled.csv')).toEqual([
      'spreadsheet-mangled.csv line 3: Account ID "444455556666.0" is not an account id (exactly 12 digits, as text)',
      'spreadsheet-mangled.csv line 4: Account ID "4.44456E+11" is not an account id (exactly 12 digits, as text)',
      'spreadsheet-mangled.csv line 5: Account ID "20000000004" has 11 digits; an account id has exactly 12 (a lost leading zero?)',
    ]);
    expect(() => readAccountsCsv(text, 'spreadsheet-mangled.csv')).toThrow(
      /3 bad account ids; nothing was started[\s\S]*format the Account ID column as text/,
    );
  });

  it("keeps a single quote that starts an email when no formula character follows it (muster's batches never write one)", () => {
    expect(readAccountsCsv("Account ID,Email\n200000000001,'a@example.com\n", 'x.csv')).toEqual([
      { accountId: '200000000001', email: "'a@example.com" },
    ]);
  });

  it('throws without the spreadsheet hint when an id is simply wrong', () => {
    expect(() => readAccountsCsv('Account ID,Email\nabc,a@example.com\n', 'x.csv')).toThrow(
      /x\.csv: 1 bad account id; nothing was started.\n {2}line 2: Account ID "abc" is not an account id/,
    );
    expect(() => readAccountsCsv('Account ID,Email\nabc,a@example.com\n', 'x.csv')).not.toThrow(
      /spreadsheet/,
    );
  });

  it('throws with the line number and the account of every email Detective would refuse, never the address', () => {
    const text =
      'Account ID,Email\n012345678901,a@example.com\n111122223333,bob@example\nabc,carol@example.com\u202e\n';
    expect(problemsOf(text, 'x.csv')).toEqual([
      'x.csv line 3: account 111122223333: the email is not an address Detective accepts (name@domain.tld, the top-level domain 2 to 63 letters)',
      'x.csv line 4: Account ID "abc" is not an account id (exactly 12 digits, as text)',
      'x.csv line 4: account abc: the email contains a control character or a line break',
    ]);
    expect(() => readAccountsCsv(text, 'x.csv')).toThrow(
      /x\.csv: 1 bad account id and 2 bad emails; nothing was started/,
    );
    expect(() => readAccountsCsv(text, 'x.csv')).not.toThrow(/bob|carol/);
  });

  it('throws naming the expected header when the header is something else', () => {
    expect(() => readAccountsCsv(fixture('wrong-header.csv'), 'wrong-header.csv')).toThrow(
      'wrong-header.csv line 1: expected the header "Account ID,Email" (the Security Hub console\'s CSV format), optionally with a third column "Name", found "Id,Mail"',
    );
  });

  it('reads a Name column for accounts outside the organization, a formula-safe or long name as given or clipped', () => {
    const text = [
      'Account ID,Email,Name',
      '012345678901,a@example.com,partner-audit',
      `111122223333,,"'=HYPERLINK(""x"")"`,
      `222233334444,c@example.com,${'n'.repeat(300)}`,
      '333344445555,d@example.com,',
    ].join('\n');
    expect(readAccountsCsv(text, 'named.csv')).toEqual([
      { accountId: '012345678901', email: 'a@example.com', name: 'partner-audit' },
      { accountId: '111122223333', name: '=HYPERLINK("x")' },
      { accountId: '222233334444', email: 'c@example.com', name: `${'n'.repeat(127)}…` },
      { accountId: '333344445555', email: 'd@example.com' },
    ]);
  });

  it('throws naming the expected header when the third column is not Name', () => {
    expect(() => readAccountsCsv('Account ID,Email,Owner\n012345678901,a@example.com,x\n', 'x.csv')).toThrow(
      'x.csv line 1: expected the header "Account ID,Email" (the Security Hub console\'s CSV format), optionally with a third column "Name", found "Account ID,Email,Owner"',
    );
  });

  it('throws when the file is empty or has only the header', () => {
    expect(() => readAccountsCsv('', 'empty.csv')).toThrow(/found an empty file/);
    expect(() => readAccountsCsv('Account ID,Email\r\n', 'header.csv')).toThrow(
      'header.csv: no accounts below the header',
    );
  });

  it('throws InvalidInputError with the line the never-closed quote opens on', () => {
    expect(() => readAccountsCsv(fixture('unclosed-quote.csv'), 'unclosed-quote.csv')).toThrow(
      'unclosed-quote.csv line 2: not a readable CSV file (a quote opens the Account ID value here and is never closed)',
    );
  });

  // Lines as an editor numbers them: the header is line 1, blank lines count, and a record whose
  // quoted value spans lines is on the line it starts on.
  it.each([
    ['a bad id below blank lines', 'Account ID,Email\n\n\nabc,x@example.com\n', 'line 4: Account ID "abc"'],
    [
      'a bad id after a quoted email spanning two lines',
      'Account ID,Email\n200000000001,"a\nb@example.com"\nabc,x@example.com\n',
      'line 4: Account ID "abc"',
    ],
    [
      'a bad id spanning two lines',
      'Account ID,Email\n200000000001,a@example.com\n"20000\n0000002",b@example.com\n',
      'line 3: Account ID "20000\\n0000002"',
    ],
    [
      'a bad id after a quoted CRLF, in a CRLF file',
      'Account ID,Email\r\n200000000001,"a\r\nb@example.com"\r\n\r\nabc,x@example.com\r\n',
      'line 5: Account ID "abc"',
    ],
    [
      'a bad id after lone CRs',
      'Account ID,Email\r200000000001,a@example.com\r\rabc,x\r',
      'line 4: Account ID "abc"',
    ],
    ['a bad id after a BOM', '\uFEFFAccount ID,Email\nabc,x\n', 'line 2: Account ID "abc"'],
  ])('throws naming the 1-based line of %s', (_case, text, expected) => {
    // A line break inside a quoted email is refused too; the id's own line is what this checks.
    expect(problemsOf(text, 'f.csv')).toContainEqual(expect.stringContaining(`f.csv ${expected}`));
  });

  it.each([
    [
      'a quote inside an unquoted email',
      'Account ID,Email\n200000000001,a@example.com\n\n200000000002,a"b@example.com\n',
      'f.csv line 4: not a readable CSV file (a quote inside the Email value, which does not start with one (quote the whole value and double the quote))',
    ],
    [
      'text after a closing quote on the line a quoted email ends',
      'Account ID,Email\n200000000001,"a\n\nb"c@example.com\n',
      'f.csv line 4: not a readable CSV file (text after the closing quote of the Email value)',
    ],
    [
      'a quote never closed after a blank line, in a CRLF file',
      'Account ID,Email\r\n200000000001,a@example.com\r\n\r\n200000000002,"b@example.com\r\n200000000003,c\r\n\r\n',
      'f.csv line 4: not a readable CSV file (a quote opens the Email value here and is never closed)',
    ],
  ])('throws naming the 1-based line and the column of %s', (_case, text, message) => {
    expect(() => readAccountsCsv(text, 'f.csv')).toThrow(message);
  });
});
