import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { recordsCsv } from '../../../../functions/shared/report/formats/csv.ts';
import { escapeHtml, reportHtml } from '../../../../functions/shared/report/formats/html.ts';
import { reportMarkdown } from '../../../../functions/shared/report/formats/markdown.ts';
import { accountLabel, type ReportRecord } from '../../../../functions/shared/report/formats/records.ts';

const record = (overrides: Partial<ReportRecord> = {}): ReportRecord => ({
  accountId: '200000000001',
  accountName: 'payments-prod',
  region: 'us-east-1',
  service: 'securityhub',
  outcome: 'ENABLED',
  reason: '',
  ...overrides,
});

describe('accountLabel', () => {
  it.each([
    ['200000000001', 'payments-prod', '200000000001 (payments-prod)'],
    ['200000000001', '', '200000000001'],
    ['200000000001', undefined, '200000000001'],
    // Longer than Organizations allows (an input file's, say): clipped, the cut marked.
    ['200000000001', 'n'.repeat(128), `200000000001 (${'n'.repeat(128)})`],
    ['200000000001', 'n'.repeat(300), `200000000001 (${'n'.repeat(127)}…)`],
    ['200000000001', '🙂'.repeat(130), `200000000001 (${'🙂'.repeat(127)}…)`],
  ])('labels %s named %j as %j', (id, name, expected) => {
    expect(accountLabel(id, name)).toBe(expected);
  });
});

describe('recordsCsv', () => {
  it('reads back to the same records, a formula-like name behind an apostrophe', () => {
    const records = [
      record(),
      record({
        accountId: '200000000002',
        accountName: '=HYPERLINK("http://x")',
        outcome: 'CONFLICT',
        reason: 'a, "quoted"\nreason',
      }),
      record({ accountId: '200000000003', accountName: '', outcome: 'FAILED', reason: '@SUM(A1)' }),
    ];
    const rows = parse(recordsCsv(records), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(records.length);
    expect(rows[0]).toMatchObject({ account: '200000000001 (payments-prod)', accountName: 'payments-prod' });
    expect(rows[1]).toMatchObject({
      account: '200000000002 (=HYPERLINK("http://x"))',
      accountName: `'=HYPERLINK("http://x")`,
      reason: 'a, "quoted"\nreason',
    });
    expect(rows[2]).toMatchObject({ account: '200000000003', reason: "'@SUM(A1)" });
  });
});

describe('reportMarkdown', () => {
  it('keeps a pipe, a line break or markup in a value inside its cell', () => {
    const text = reportMarkdown({
      title: 'Report',
      records: [record({ accountName: 'a|b <i>', outcome: 'FAILED', reason: 'line\nbreak | pipe' })],
    });
    expect(text).toContain(
      '| 200000000001 (a\\|b \\<i\\>) | us-east-1 | securityhub | FAILED | line break \\| pipe |',
    );
    expect(text).toContain('| FAILED | 1 |');
  });
});

describe('reportMarkdown coverage', () => {
  it('gives coverage per service and Region, enabled of those not skipped by rule, before the rows', () => {
    const text = reportMarkdown({
      title: 'Report',
      records: [
        record(),
        record({ accountId: '200000000002', outcome: 'FAILED', reason: 'no' }),
        record({ accountId: '111111111111', outcome: 'SKIPPED_ADMINISTRATOR' }),
        record({ service: 'detective', outcome: 'SERVICE_NOT_OFFERED' }),
      ],
    });
    expect(text).toContain(
      [
        '| Service | Region | Enabled | Coverage |',
        '| --- | --- | ---: | ---: |',
        '| securityhub | us-east-1 | 1/2 | 50.0% |',
        '| detective | us-east-1 | 0/0 | – |',
      ].join('\n'),
    );
    expect(text.indexOf('| Service | Region |')).toBeLessThan(text.indexOf('| Account |'));
  });
});

describe('reportHtml', () => {
  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    [`" onmouseover="x'`, '&quot; onmouseover=&quot;x&#39;'],
    ['a & b', 'a &amp; b'],
  ])('escapes %j as %j', (value, expected) => {
    expect(escapeHtml(value)).toBe(expected);
    const html = reportHtml({
      title: value,
      records: [record({ accountName: value, outcome: 'FAILED', reason: value })],
    });
    expect(html).not.toContain(value);
    expect(html).toContain(expected);
  });

  it("counts a row's enabled memberships against those not skipped by rule, as the coverage row does", () => {
    const html = reportHtml({
      title: 'Report',
      records: [
        record({ region: 'us-east-1' }),
        record({ region: 'eu-west-1', outcome: 'FAILED', reason: 'no' }),
        record({ region: 'ap-east-1', outcome: 'SERVICE_NOT_OFFERED' }),
        record({ accountId: '111111111111', outcome: 'SKIPPED_ADMINISTRATOR' }),
      ],
    });
    const rows = html.match(/<tr class="(needs|ok)">.*<\/tr>/g) ?? [];
    expect(rows.map((row) => /<td>([^<]*)<\/td><\/tr>$/.exec(row)?.[1])).toEqual(['–', '1/2']);
    expect(html).toMatch(/<td class="account">Coverage<\/td>.*<td>50\.0%<\/td><\/tr><\/tfoot>/);
  });

  it('names no external resource', () => {
    const html = reportHtml({ title: 'Report', records: [record()] });
    expect(html).not.toMatch(/(src|href)=|@import|url\(/);
    expect(html).toContain("default-src 'none'");
  });
});

describe('the OU column', () => {
  const placed = [
    record({ ou: 'Root/Workloads/=Prod' }),
    record({ accountId: '200000000002', ou: 'Root/<b>Sandbox</b>', outcome: 'NOT_A_MEMBER' }),
  ];

  it('is in the CSV, the Markdown and the HTML only when the records carry OUs', () => {
    expect(recordsCsv([record()]).split('\n')[0]).toBe(
      'account,accountId,accountName,region,service,outcome,reason',
    );
    expect(reportMarkdown({ title: 'R', records: [record()] })).not.toContain('| OU |');
    expect(reportHtml({ title: 'R', records: [record()] })).not.toContain('class="ou"');

    const rows = parse(recordsCsv(placed), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0] ?? {})).toEqual([
      'account',
      'accountId',
      'accountName',
      'ou',
      'region',
      'service',
      'outcome',
      'reason',
    ]);
    expect(rows.map(({ ou }) => ou)).toEqual(['Root/Workloads/=Prod', 'Root/<b>Sandbox</b>']);
    expect(reportMarkdown({ title: 'R', records: placed })).toContain(
      '| 200000000002 (payments-prod) | Root/\\<b\\>Sandbox\\</b\\> | us-east-1 | securityhub | NOT_A_MEMBER |  |',
    );
    const html = reportHtml({ title: 'R', records: placed });
    expect(html).toContain('<th class="ou" rowspan="2">OU</th>');
    expect(html).toContain('<td class="ou">Root/&lt;b&gt;Sandbox&lt;/b&gt;</td>');
  });
});
