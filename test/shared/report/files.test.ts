import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import {
  parseJsonLines,
  type ReportRow,
  toCsv,
  toJsonLines,
} from '../../../functions/shared/report/files.ts';
import { neutralizeFormula } from '../../../functions/shared/report/formats/csv.ts';

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

describe('toCsv', () => {
  it('writes a header and one quoted row per membership that a CSV reader reads back, formulas neutralised', () => {
    const rows = [row('a "quoted", comma\nand a line break'), row('=cmd|calc')];
    const parsed = parse(toCsv(rows), { columns: true });
    expect(parsed).toEqual([{ ...rows[0] }, { ...rows[1], reason: "'=cmd|calc" }]);
  });
});

describe('parseJsonLines', () => {
  it('reads back what toJsonLines wrote', () => {
    const rows = [row('one'), row('')];
    expect(parseJsonLines(toJsonLines(rows))).toEqual(rows);
  });

  it('names the line that is not a membership row', () => {
    expect(() => parseJsonLines(`${JSON.stringify(row('x'))}\n{"accountId":"1"}\n`)).toThrow(
      /^line 2 of the report file is not a membership row/,
    );
  });
});
