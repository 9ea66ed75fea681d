import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OUTCOMES } from '../../../functions/shared/domain/outcomes.ts';
import { SERVICE_NAMES } from '../../../functions/shared/domain/services.ts';
import {
  parseJsonLines,
  type ReportRow,
  toCsv,
  toJsonLines,
  withAccountNames,
} from '../../../functions/shared/report/files.ts';
import { neutralizeFormula, recordsCsv } from '../../../functions/shared/report/formats/csv.ts';
import {
  ACCOUNT_NAME_MAX,
  accountLabel,
  clipAccountName,
} from '../../../functions/shared/report/formats/records.ts';

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

describe('recordsCsv', () => {
  it('writes what csv-stringify writes (RFC 4180 quoting, formulas neutralised), and csv-parse reads the cells back', () => {
    // Cells full of what CSV must quote or neutralise: delimiters, quotes, line breaks, formula starts.
    const cell = fc.stringMatching(/^[a-z=+\-@\t\r\n",' \uFF1D\u00e9]{0,12}$/);
    // Few accounts, so one account comes back in several rows, named alike or not.
    const record = fc.record({
      accountId: fc.constantFrom('200000000001', '200000000002', '=1+2'),
      accountName: fc.option(cell, { nil: undefined }),
      region: cell,
      service: fc.constantFrom(...SERVICE_NAMES),
      outcome: fc.constantFrom(...OUTCOMES),
      reason: cell,
    });
    const withOu = fc.record({ ou: fc.option(cell, { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(fc.tuple(record, withOu), { maxLength: 8 }), (pairs) => {
        const records = pairs.map(([fields, { ou }]) => (ou === undefined ? fields : { ...fields, ou }));
        const ous = records.some((fields) => 'ou' in fields);
        const columns = ous
          ? ['account', 'accountId', 'accountName', 'ou', 'region', 'service', 'outcome', 'reason']
          : ['account', 'accountId', 'accountName', 'region', 'service', 'outcome', 'reason'];
        const cells = records.map((fields) =>
          [
            accountLabel(fields.accountId, fields.accountName),
            fields.accountId,
            clipAccountName(fields.accountName ?? ''),
            ...(ous ? [('ou' in fields ? fields.ou : undefined) ?? ''] : []),
            fields.region,
            fields.service,
            fields.outcome,
            fields.reason,
          ].map(neutralizeFormula),
        );
        const text = recordsCsv(records);
        expect(text).toBe(stringify(cells, { header: true, columns }));
        expect(parse(text, { relax_column_count: false })).toEqual([columns, ...cells]);
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

describe('withAccountNames', () => {
  it("adds the name after the row's own fields, replaces one it had, and leaves an unnamed account alone", () => {
    const names = new Map([
      ['200000000001', 'payments'],
      ['200000000002', 'renamed'],
    ]);
    const rows = [
      row('r'),
      {
        accountId: '200000000002',
        accountName: 'old',
        region: 'us-east-1',
        service: 'securityhub',
        outcome: 'FAILED',
        reason: '',
      } as const,
      { ...row(''), accountId: '200000000003' },
    ];

    expect(toJsonLines(withAccountNames(rows, names))).toBe(
      [
        '{"accountId":"200000000001","region":"us-east-1","service":"securityhub","outcome":"FAILED","reason":"r","accountName":"payments"}',
        '{"accountId":"200000000002","accountName":"renamed","region":"us-east-1","service":"securityhub","outcome":"FAILED","reason":""}',
        '{"accountId":"200000000003","region":"us-east-1","service":"securityhub","outcome":"FAILED","reason":""}',
        '',
      ].join('\n'),
    );
  });
});

describe('toJsonLines', () => {
  // Texts that look like JSON, or like the place where one row ends and the next begins.
  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.constantFrom('},{"accountId":"1"}', '"},{"accountId":', '\\"},{\\"accountId\\":', '\n', '\ud800', ''),
  );
  const reportRow = fc.record({
    accountId: text,
    region: text,
    service: fc.constantFrom(...SERVICE_NAMES),
    outcome: fc.constantFrom(...OUTCOMES),
    reason: text,
  });

  it('writes each row as JSON.stringify does, one a line, whatever its strings hold and wherever its name is', () => {
    const named = fc
      .tuple(reportRow, fc.option(text, { nil: undefined }), fc.boolean())
      .map(([fields, accountName, second]): ReportRow => {
        if (accountName === undefined) return fields;
        const { accountId, ...rest } = fields;
        return second ? { accountId, accountName, ...rest } : { ...fields, accountName };
      });
    fc.assert(
      fc.property(fc.array(named, { maxLength: 6 }), (rows) => {
        expect(toJsonLines(rows)).toBe(rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
      }),
      { numRuns: 500 },
    );
  });

  it('writes each row as JSON.stringify does when a row does not start with its account id', () => {
    const rows = [
      row('a'),
      {
        region: 'us-east-1',
        accountId: '200000000001',
        service: 'securityhub',
        outcome: 'FAILED',
        reason: 'b',
      } as const,
      row('c'),
    ];

    expect(toJsonLines(rows)).toBe(rows.map((one) => `${JSON.stringify(one)}\n`).join(''));
    expect(toJsonLines([])).toBe('');
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

  it('reads a line exactly when it is a row, keeping only its fields, in the order rows are written', () => {
    // Each field valid or not, or missing; any other field is dropped. The rows come back as the
    // schema makes them, whichever way they are read (a row as written, or anything else).
    const maybe = <T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<unknown>) =>
      fc.oneof(
        valid.map((value) => ({ ok: true, value })),
        invalid.map((value) => ({ ok: false, value })),
      );
    const missing = fc.constant(undefined);
    const field = fc.record({
      accountId: maybe(fc.string(), fc.oneof(fc.integer(), fc.constant(null), missing)),
      accountName: fc.oneof(
        { weight: 2, arbitrary: fc.constant({ ok: true, value: undefined }) },
        maybe(
          fc.string({ maxLength: ACCOUNT_NAME_MAX }),
          fc.oneof(fc.string({ minLength: ACCOUNT_NAME_MAX + 1, maxLength: 140 }), fc.integer()),
        ),
      ),
      region: maybe(fc.string(), fc.oneof(fc.boolean(), missing)),
      service: maybe(fc.constantFrom(...SERVICE_NAMES), fc.oneof(fc.constant('macie'), missing)),
      outcome: maybe(fc.constantFrom(...OUTCOMES), fc.oneof(fc.constant('enabled'), fc.integer(), missing)),
      reason: maybe(fc.string(), fc.oneof(fc.constant(null), missing)),
      extra: fc.option(fc.string(), { nil: undefined }),
    });
    fc.assert(
      fc.property(field, (fields) => {
        const { extra, ...known } = fields;
        const value: Record<string, unknown> = {};
        for (const [key, { value: one }] of Object.entries(known)) if (one !== undefined) value[key] = one;
        if (extra !== undefined) value.extra = extra;
        const line = `${JSON.stringify(value)}\n`;
        if (Object.values(known).every(({ ok }) => ok)) {
          const { extra: _, ...expected } = value;
          expect(JSON.stringify(parseJsonLines(line))).toBe(JSON.stringify([expected]));
        } else expect(() => parseJsonLines(line)).toThrow(/^line 1 of the report file/);
      }),
      { numRuns: 500 },
    );
  });

  it('names the line that is not a membership row', () => {
    expect(() => parseJsonLines(`${JSON.stringify(row('x'))}\n{"accountId":"1"}\n`)).toThrow(
      /^line 2 of the report file is not a membership row/,
    );
  });
});
