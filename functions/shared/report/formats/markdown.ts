import { OUTCOMES } from '../../domain/outcomes.ts';
import { coverageOf } from './coverage.ts';
import { accountLabel, hasOus, type ReportDocument } from './records.ts';

/** A table cell: pipes and line breaks would end it, and markup is shown as text. */
function cell(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[<>*_`[\]]/g, (char) => `\\${char}`)
    .replace(/\r?\n|\r/g, ' ');
}

/** Counts per outcome, coverage per service and Region, then one table row per membership. */
export function reportMarkdown(document: ReportDocument): string {
  const { records } = document;
  const counts = new Map<string, number>();
  for (const { outcome } of records) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  const lines = [`# ${cell(document.title)}`, ''];
  if (document.status !== undefined) lines.push(`Status: **${cell(document.status)}**`, '');
  if (document.generatedAt !== undefined) lines.push(`As of ${cell(document.generatedAt)}`, '');
  lines.push('| Outcome | Memberships |', '| --- | ---: |');
  for (const outcome of OUTCOMES) {
    const count = counts.get(outcome);
    if (count !== undefined) lines.push(`| ${outcome} | ${count} |`);
  }
  lines.push(`| Total | ${records.length} |`, '');
  // Coverage as the table, the HTML and the metrics define it: ENABLED ÷ memberships not skipped by rule.
  lines.push('| Service | Region | Enabled | Coverage |', '| --- | --- | ---: | ---: |');
  for (const { service, region, enabled, expected, percent } of coverageOf(records).pairs)
    lines.push(
      `| ${service} | ${cell(region)} | ${enabled}/${expected} | ${percent === undefined ? '–' : `${percent.toFixed(1)}%`} |`,
    );
  lines.push('');
  const ous = hasOus(records);
  lines.push(
    `| Account |${ous ? ' OU |' : ''} Region | Service | Outcome | Reason |`,
    `| --- |${ous ? ' --- |' : ''} --- | --- | --- | --- |`,
  );
  for (const record of records) {
    lines.push(
      `| ${cell(accountLabel(record.accountId, record.accountName))} |${ous ? ` ${cell(record.ou ?? '')} |` : ''} ${cell(record.region)} | ${record.service} | ${record.outcome} | ${cell(record.reason)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
