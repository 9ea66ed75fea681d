import { OUTCOMES, type Outcome } from '../../domain/outcomes.ts';
import { coveragePercent } from './coverage.ts';
import {
  type Attention,
  accountLabel,
  attentionOf,
  firstSeen,
  hasOus,
  type ReportDocument,
  type ReportRecord,
} from './records.ts';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text or attribute value as HTML shows it, never as markup. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

const MARK: Record<Attention, string> = { enabled: '✓', settled: '–', pending: '…', attention: '✗' };

// Nothing leaves the file: the policy refuses every fetch, so a mailed report makes no request.
const POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1b1f24}
h1{font-size:1.4em;margin:0 0 .3em}
.meta{color:#57606a;margin:0 0 1em}
.legend{display:flex;flex-wrap:wrap;gap:.4em 1.2em;margin:.6em 0;padding:0;list-style:none}
.legend li{display:flex;align-items:center;gap:.4em}
.sw{display:inline-block;width:1.3em;height:1.3em;text-align:center;border-radius:3px}
table{border-collapse:collapse}
th,td{border:1px solid #d0d7de;padding:2px 5px;text-align:center;white-space:nowrap}
th.account,td.account{text-align:left;position:sticky;left:0;background:#fff}
td.ou{text-align:left}
thead th{background:#f6f8fa;position:sticky;top:0}
.enabled{background:#2da44e;color:#fff}
.settled{background:#d0d7de;color:#24292f}
.pending{background:#f2cc60;color:#24292f}
.attention{background:#cf222e;color:#fff}
td.none{background:#fff}
body.filter tr.ok{display:none}
tfoot td{font-weight:600;background:#f6f8fa}
`;

const SCRIPT = `
document.getElementById('filter').addEventListener('change',function(e){
document.body.classList.toggle('filter',e.target.checked);
var shown=document.querySelectorAll(e.target.checked?'tbody tr.needs':'tbody tr').length;
document.getElementById('shown').textContent=String(shown);});
`;

function percent(part: number, whole: number): string {
  const value = coveragePercent(part, whole);
  return value === undefined ? '–' : `${value.toFixed(1)}%`;
}

/**
 * One self-contained page (inline style and script, no external request): accounts as rows,
 * Region × service as columns, each cell coloured by outcome with its reason on hover, a legend
 * with totals, coverage per column, and a "needs attention" filter.
 */
export function reportHtml(document: ReportDocument): string {
  const { records } = document;
  const services = firstSeen(records.map(({ service }) => service));
  const regions = firstSeen(records.map(({ region }) => region));
  const columns = services.flatMap((service) => regions.map((region) => ({ service, region })));
  const ous = hasOus(records);
  // Each record's column by service, then Region: no key string made per record (a run's report has
  // tens of thousands, and Merge Reports writes this page for each run).
  const columnOf = new Map<string, Map<string, number>>();
  for (const [index, { service, region }] of columns.entries()) {
    const ofService = columnOf.get(service) ?? new Map<string, number>();
    ofService.set(region, index);
    columnOf.set(service, ofService);
  }
  const accounts = new Map<string, { name: string; ou: string; cells: (ReportRecord | undefined)[] }>();
  const counts = new Map<Outcome, number>();
  for (const record of records) {
    let account = accounts.get(record.accountId);
    if (account === undefined) {
      account = { name: record.accountName, ou: record.ou ?? '', cells: new Array(columns.length) };
      accounts.set(record.accountId, account);
    }
    const column = columnOf.get(record.service)?.get(record.region);
    if (column !== undefined) account.cells[column] = record;
    counts.set(record.outcome, (counts.get(record.outcome) ?? 0) + 1);
  }
  const enabledIn = columns.map(() => 0);
  const expectedIn = columns.map(() => 0);
  let needing = 0;
  const body: string[] = [];
  for (const [accountId, { name, ou, cells }] of [...accounts].sort(([a], [b]) => a.localeCompare(b))) {
    let needs = false;
    let enabled = 0;
    let expected = 0;
    const tds = columns.map((_, index) => {
      const record = cells[index];
      if (record === undefined) return '<td class="none"></td>';
      const attention = attentionOf(record.outcome);
      if (attention !== 'settled') {
        expected += 1;
        expectedIn[index] = (expectedIn[index] ?? 0) + 1;
      }
      if (attention === 'enabled') {
        enabled += 1;
        enabledIn[index] = (enabledIn[index] ?? 0) + 1;
        return `<td class="enabled" data-outcome="ENABLED" title="ENABLED">${MARK.enabled}</td>`;
      }
      if (attention !== 'settled') needs = true;
      const title = record.reason === '' ? record.outcome : `${record.outcome}: ${record.reason}`;
      return `<td class="${attention}" data-outcome="${record.outcome}" title="${escapeHtml(title)}">${MARK[attention]}</td>`;
    });
    if (needs) needing += 1;
    body.push(
      `<tr class="${needs ? 'needs' : 'ok'}"><td class="account">${escapeHtml(accountLabel(accountId, name))}</td>${ous ? `<td class="ou">${escapeHtml(ou)}</td>` : ''}${tds.join('')}<td>${expected === 0 ? '–' : `${enabled}/${expected}`}</td></tr>`,
    );
  }
  const legend = OUTCOMES.filter((outcome) => counts.has(outcome)).map((outcome) => {
    const attention = attentionOf(outcome);
    return `<li data-outcome="${outcome}"><span class="sw ${attention}">${MARK[attention]}</span>${outcome} <b class="count">${counts.get(outcome)}</b></li>`;
  });
  const enabledTotal = counts.get('ENABLED') ?? 0;
  const expectedTotal = expectedIn.reduce((sum, count) => sum + count, 0);
  const head1 = services.map((service) => `<th colspan="${regions.length}">${escapeHtml(service)}</th>`);
  const head2 = columns.map(({ region }) => `<th>${escapeHtml(region)}</th>`);
  const foot = columns.map(
    (_, index) => `<td>${percent(enabledIn[index] ?? 0, expectedIn[index] ?? 0)}</td>`,
  );
  const title = escapeHtml(document.title);
  const meta = [
    document.status === undefined ? '' : `Status <b id="status">${escapeHtml(document.status)}</b>`,
    document.generatedAt === undefined ? '' : `as of ${escapeHtml(document.generatedAt)}`,
    `<span id="total">${records.length}</span> memberships, <span id="enabled">${enabledTotal}</span> enabled (${percent(enabledTotal, expectedTotal)} of those not skipped by rule), ${accounts.size} accounts, <span id="needing">${needing}</span> needing attention or pending`,
  ].filter((part) => part !== '');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${POLICY}">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title><style>${STYLE}</style></head>
<body><h1>${title}</h1>
<p class="meta">${meta.join(' · ')}</p>
<ul class="legend">${legend.join('')}</ul>
<p><label><input type="checkbox" id="filter"> Only accounts that need attention or are pending</label> · <span id="shown">${accounts.size}</span> accounts shown · hover a cell for its outcome and reason</p>
<table id="matrix"><thead><tr><th class="account" rowspan="2">Account</th>${ous ? '<th class="ou" rowspan="2">OU</th>' : ''}${head1.join('')}<th rowspan="2">Enabled</th></tr><tr>${head2.join('')}</tr></thead>
<tbody>${body.join('\n')}</tbody>
<tfoot><tr><td class="account">Coverage</td>${ous ? '<td class="ou"></td>' : ''}${foot.join('')}<td>${percent(enabledTotal, expectedTotal)}</td></tr></tfoot></table>
<script>${SCRIPT}</script></body></html>
`;
}
