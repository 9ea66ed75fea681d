import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseJsonLines,
  type ReportRow,
  toCsv,
  toJsonLines,
  withAccountNames,
} from '../../../functions/shared/report/files.ts';
import { csvText, neutralizeFormula } from '../../../functions/shared/report/formats/csv.ts';
import { ACCOUNT_NAME_MAX } from '../../../functions/shared/report/formats/records.ts';

const row = (reason: string): ReportRow => ({
  accountId: '200000000001',
  region: 'us-east-1',
  service: 'securityhub',
  outcome: 'FAILED',
  reason,
});

describe('neutralizeFormula', () => {
  it.each([
    ['=HYPERLINK("http://x")', `'=HYPERLINK("http://x")`],
    ['+1', `'+1`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\tleading tab', `'\tleading tab`],
    ['\rleading return', `'\rleading return`],
    ['AccessDenied: not = a formula', 'AccessDenied: not = a formula'],
    ['', ''],
  ])('turns %j into %j', (cell, expected) => {
    expect(neutralizeFormula(cell)).toBe(expected);
  });
});

describe('csvText', () => {
  it('writes what csv-stringify writes (RFC 4180 quoting, formulas neutralised), and csv-parse reads the cells back', () => {
    // Cells full of what CSV must quote or neutralise: delimiters, quotes, line breaks, formula starts.
    const cell = fc.stringMatching(/^[a-z=+\-@\t\r\n",' \uFF1D\u00e9]{0,12}$/);
    const columns = ['a', 'b', 'c'];
    fc.assert(
      fc.property(fc.array(fc.tuple(cell, cell, cell), { maxLength: 8 }), (rows) => {
        const text = csvText(columns, rows);
        const neutralised = rows.map((cells) => cells.map(neutralizeFormula));
        expect(text).toBe(stringify(neutralised, { header: true, columns }));
        expect(parse(text, { relax_column_count: false })).toEqual([columns, ...neutralised]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('toCsv', () => {
  it('writes a header and one quoted row per membership that a CSV reader reads back, formulas neutralised', () => {
    const rows = [row('a "quoted", comma\nand a line break'), row('=cmd|calc')];
    const parsed = parse(toCsv(rows), { columns: true });
    const unnamed = { account: '200000000001', accountName: '' };
    expect(parsed).toEqual([
      { ...unnamed, ...rows[0] },
      { ...unnamed, ...rows[1], reason: "'=cmd|calc" },
    ]);
  });

  it('writes the name beside the id, as text a spreadsheet will not run, a long one clipped', () => {
    const rows = withAccountNames(
      [row('x'), { ...row('y'), accountId: '200000000002' }],
      new Map([
        ['200000000001', '@SUM(A1:A9)'],
        ['200000000002', `payments ${'p'.repeat(200)}`],
      ]),
    );
    const parsed = parse(toCsv(rows), { columns: true }) as Record<string, string>[];
    expect(parsed[0]).toMatchObject({ account: '200000000001 (@SUM(A1:A9))', accountName: "'@SUM(A1:A9)" });
    expect([...(parsed[1]?.accountName ?? '')]).toHaveLength(ACCOUNT_NAME_MAX);
    expect(parsed[1]?.account).toBe(`200000000002 (${parsed[1]?.accountName})`);
  });
});

describe('parseJsonLines', () => {
  it('reads back what toJsonLines wrote', () => {
    const rows = [row('one'), row('')];
    expect(parseJsonLines(toJsonLines(rows))).toEqual(rows);
  });

  it('reads back hostile names as they were written', () => {
    const names = ['<script>alert(1)</script>', '"quoted",\n\u202Ereversed', '=1+1', 'naïve 名前 🙂'];
    const rows = names.map((accountName) => ({ ...row('r'), accountName }));
    expect(parseJsonLines(toJsonLines(rows))).toEqual(rows);
  });

  it('names the line whose account name is longer than a report shows', () => {
    const long = { ...row('r'), accountName: 'n'.repeat(ACCOUNT_NAME_MAX + 1) };
    expect(() => parseJsonLines(toJsonLines([long]))).toThrow(/^line 1 of the report file/);
  });

  it('names the line that is not a membership row', () => {
    expect(() => parseJsonLines(`${JSON.stringify(row('x'))}\n{"accountId":"1"}\n`)).toThrow(
      /^line 2 of the report file is not a membership row/,
    );
  });
});
